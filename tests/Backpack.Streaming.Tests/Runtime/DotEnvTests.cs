using Backpack.Streaming.Runtime;

namespace Backpack.Streaming.Tests.Runtime;

/// <summary>Reading, finding and deciding on a .env file, which change nothing; applying one is tested in a process of its own (StreamingRuntimeTests).</summary>
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
        DotEnv.Find(directory.Path).Should().Be(directory.File(".env"));
        File.WriteAllText(directory.File("app/.env"), "GST_DEBUG=3\n");
        DotEnv.Find(nested).Should().Be(directory.File("app/.env"), "the nearest one wins");
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
    public void Only_GStreamer_variables_the_environment_lacks_are_to_be_set_and_only_their_values_are_kept()
    {
        const string text = """
            GST_PLUGIN_PATH=/opt/kvs/build
            GST_BACKPACK_PRESET=from-file
            LD_LIBRARY_PATH=/opt/kvs/lib
            LD_PRELOAD=/opt/kvs/libpreloaded.so
            LD_LIBRARY_PATH_EXTRA=/opt/lib
            AWS_SECRET_ACCESS_KEY=never-kept
            """;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["GST_BACKPACK_PRESET"] = "from-environment" };

        var decisions = DotEnv.Decide(text, name => environment.GetValueOrDefault(name)).ToDictionary(decision => decision.Name);

        decisions["GST_PLUGIN_PATH"].Should().Be(new DotEnv.Decision("GST_PLUGIN_PATH", "/opt/kvs/build", DotEnv.Outcome.Applied));
        decisions["GST_BACKPACK_PRESET"].Outcome.Should().Be(DotEnv.Outcome.AlreadySet);
        decisions["LD_LIBRARY_PATH"].Outcome.Should().Be(DotEnv.Outcome.LoaderVariable, "the dynamic loader read it when the process started");
        decisions["LD_PRELOAD"].Outcome.Should().Be(DotEnv.Outcome.LoaderVariable);
        decisions["LD_LIBRARY_PATH_EXTRA"].Outcome.Should().Be(DotEnv.Outcome.Ignored);
        decisions["AWS_SECRET_ACCESS_KEY"].Outcome.Should().Be(DotEnv.Outcome.Ignored);
        decisions.Values.Where(decision => decision.Outcome != DotEnv.Outcome.Applied).Should().OnlyContain(decision => decision.Value.Length == 0,
            "values not to be set, secrets among them, are not kept");
        decisions["AWS_SECRET_ACCESS_KEY"].ToString().Should().Be("AWS_SECRET_ACCESS_KEY: Ignored");
        decisions["GST_PLUGIN_PATH"].ToString().Should().NotContain("/opt/kvs", "a decision's text form names the variable, never its value");
    }

    [Fact]
    public void A_missing_file_named_explicitly_is_an_error()
    {
        var read = () => DotEnv.Read("/no/such/dir/.env");

        read.Should().Throw<FileNotFoundException>().WithMessage("*/no/such/dir/.env does not exist; expected the path of an existing file (StreamingRuntimeOptions.DotEnvPath)*");
    }
}
