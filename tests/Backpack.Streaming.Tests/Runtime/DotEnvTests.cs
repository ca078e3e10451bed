using Backpack.Streaming.GStreamer;
using Backpack.Streaming.Runtime;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Tests.Runtime;

/// <summary>Applying a .env changes the process environment: these run alone and put every variable back.</summary>
[Collection(Serial.Name)]
public sealed class DotEnvTests
{
    [Fact]
    public void Lines_are_read_as_python_dotenv_reads_them()
    {
        const string text = """
            # written by the Dockerfile
            GST_PLUGIN_PATH="/opt/kvs/build"
            export LD_LIBRARY_PATH=/opt/kvs/open-source/local/lib   # the producer's dependencies
            LD_PRELOAD='/usr/lib/aarch64-linux-gnu/libgomp.so.1'
            QUOTED="line\none \"two\""
            EXPANDED=${GST_PLUGIN_PATH}/plugins:${HOME_NOT_SET:-fallback}
            LITERAL='${GST_PLUGIN_PATH}'
            EMPTY=
            not a variable
            """;

        var variables = DotEnv.Parse(text, name => name == "HOME" ? "/root" : null).ToDictionary(pair => pair.Key, pair => pair.Value);

        variables["GST_PLUGIN_PATH"].Should().Be("/opt/kvs/build");
        variables["LD_LIBRARY_PATH"].Should().Be("/opt/kvs/open-source/local/lib");
        variables["LD_PRELOAD"].Should().Be("/usr/lib/aarch64-linux-gnu/libgomp.so.1");
        variables["QUOTED"].Should().Be("line\none \"two\"");
        variables["EXPANDED"].Should().Be("/opt/kvs/build/plugins:fallback");
        variables["LITERAL"].Should().Be("${GST_PLUGIN_PATH}");
        variables["EMPTY"].Should().BeEmpty();
        variables.Should().HaveCount(7);
    }

    [Fact]
    public void The_nearest_file_is_found_in_the_directory_or_its_parents()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var nested = Directory.CreateDirectory(directory.File("app/bin")).FullName;
        File.WriteAllText(directory.File(".env"), "GST_DEBUG=2\n");

        DotEnv.Find(nested).Should().Be(directory.File(".env"));
        DotEnv.Find(Path.GetTempPath() + "/" + Guid.NewGuid().ToString("N")).Should().NotBe(directory.File(".env"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_search_stops_at_the_root_of_a_repository_whose_own_file_is_still_found(bool worktree)
    {
        using var directory = TestFrames.TemporaryDirectory();
        var repository = Directory.CreateDirectory(directory.File("repository")).FullName;
        var nested = Directory.CreateDirectory(directory.File("repository/src/app")).FullName;
        if (worktree)
        {
            File.WriteAllText(Path.Combine(repository, ".git"), "gitdir: /elsewhere/.git/worktrees/repository\n");
        }
        else
        {
            Directory.CreateDirectory(Path.Combine(repository, ".git"));
        }
        File.WriteAllText(directory.File(".env"), "GST_DEBUG=2\n");

        DotEnv.Find(nested).Should().BeNull("the .env above the repository belongs to something else");
        File.WriteAllText(Path.Combine(repository, ".env"), "GST_DEBUG=3\n");
        DotEnv.Find(nested).Should().Be(Path.Combine(repository, ".env"));
    }

    [Fact]
    public void GStreamer_variables_are_applied_loader_variables_are_reported_and_others_are_left_alone()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var suffix = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var preset = $"GST_BACKPACK_PRESET_{suffix}";
        var path = directory.File(".env");
        using var environment = new EnvironmentScope("GST_PLUGIN_PATH", "LD_LIBRARY_PATH", "LD_PRELOAD", preset, $"GST_PLUGIN_PATH_{suffix}", "AWS_SECRET_ACCESS_KEY");
        Environment.SetEnvironmentVariable(preset, "from-environment");
        File.WriteAllText(path, $"""
            GST_PLUGIN_PATH={directory.Path}
            GST_PLUGIN_PATH_{suffix}={directory.Path}
            {preset}=from-file
            LD_LIBRARY_PATH_{suffix}=/opt/lib
            LD_LIBRARY_PATH=/opt/kvs/lib
            LD_PRELOAD=/opt/kvs/libpreloaded.so
            AWS_SECRET_ACCESS_KEY=never-applied
            """);
        var logger = new CapturingLogger();
        GStreamerRuntime.EnsureInitialized();

        var outcomes = DotEnv.Apply(path, logger.CreateLogger("test"));

        outcomes[preset].Should().Be(DotEnv.Outcome.AlreadySet);
        Environment.GetEnvironmentVariable(preset).Should().Be("from-environment");
        outcomes["AWS_SECRET_ACCESS_KEY"].Should().Be(DotEnv.Outcome.Ignored);
        Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY").Should().BeNull();
        outcomes[$"LD_LIBRARY_PATH_{suffix}"].Should().Be(DotEnv.Outcome.Ignored);
        // GStreamer runs already in this test process: a GST_ variable without a run-time equivalent needs a restart.
        outcomes[$"GST_PLUGIN_PATH_{suffix}"].Should().Be(DotEnv.Outcome.NeedsRestart);
        EnvironmentScope.Native($"GST_PLUGIN_PATH_{suffix}").Should().Be(directory.Path, "native code sees what managed code set");
        // GST_PLUGIN_PATH has a run-time equivalent: the registry scans the directories at once.
        outcomes["GST_PLUGIN_PATH"].Should().Be(DotEnv.Outcome.Applied);
        logger.Entries.Should().Contain(entry => entry.Message.Contains("added to the GStreamer registry"));
        // The dynamic loader read both when the process started: set for children, with a plain warning.
        foreach (var (name, value) in new[] { ("LD_LIBRARY_PATH", "/opt/kvs/lib"), ("LD_PRELOAD", "/opt/kvs/libpreloaded.so") })
        {
            outcomes[name].Should().Be(DotEnv.Outcome.NeedsRestart);
            Environment.GetEnvironmentVariable(name).Should().Be(value, "child processes inherit it");
            EnvironmentScope.Native(name).Should().Be(value);
            logger.Entries.Should().Contain(entry => entry.Level == LogLevel.Warning && entry.Message.StartsWith(name + " from", StringComparison.Ordinal) &&
                entry.Message.Contains("cannot take effect in this running process"));
        }
        logger.Entries.Should().NotContain(entry => entry.Message.Contains("never-applied"));
    }

    [Fact]
    public void A_missing_file_named_explicitly_is_an_error()
    {
        var apply = () => DotEnv.Apply("/no/such/dir/.env", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        apply.Should().Throw<FileNotFoundException>().WithMessage("*/no/such/dir/.env*");
    }
}
