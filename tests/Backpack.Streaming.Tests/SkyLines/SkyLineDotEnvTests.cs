using Backpack.Streaming.SkyLines;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Tests.SkyLines;

/// <summary>A SkyLine reads its .env when it is made. These change the process environment: they run alone and put it back.</summary>
[Collection(Serial.Name)]
public sealed class SkyLineDotEnvTests
{
    [Fact]
    public void The_dotenv_named_in_the_options_is_applied_when_the_SkyLine_is_made_and_loader_variables_are_warned_about()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var variable = $"GST_BACKPACK_GIVEN_{Guid.NewGuid():N}"[..32].ToUpperInvariant();
        using var environment = new EnvironmentScope(variable, "LD_PRELOAD", "LD_LIBRARY_PATH", "BACKPACK_NOT_GSTREAMER");
        var path = directory.File("streaming.env");
        File.WriteAllText(path, $"""
            {variable}=from-the-file
            LD_PRELOAD=/opt/kvs/libpreloaded.so
            LD_LIBRARY_PATH=/opt/kvs/lib
            BACKPACK_NOT_GSTREAMER=left-alone
            """);
        var logger = new CapturingLogger();

        using var skyLine = new SinkSkyLine("fakesink", new SkyLineOptions { DotEnvPath = path }, logger);

        EnvironmentScope.Native(variable).Should().Be("from-the-file", "GStreamer reads the C library's environment");
        Environment.GetEnvironmentVariable("LD_PRELOAD").Should().Be("/opt/kvs/libpreloaded.so", "child processes get it");
        Environment.GetEnvironmentVariable("LD_LIBRARY_PATH").Should().Be("/opt/kvs/lib");
        Environment.GetEnvironmentVariable("BACKPACK_NOT_GSTREAMER").Should().BeNull();
        foreach (var name in new[] { "LD_PRELOAD", "LD_LIBRARY_PATH" })
        {
            logger.Entries.Should().ContainSingle(entry => entry.Level == LogLevel.Warning && entry.Message.StartsWith(name + " from " + path, StringComparison.Ordinal))
                .Which.Message.Should().Contain("cannot take effect in this running process").And.Contain("before it starts");
        }
    }

    [Fact]
    public void Without_a_path_the_nearest_dotenv_above_the_working_directory_is_applied_unless_loading_is_off()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var found = $"GST_BACKPACK_FOUND_{Guid.NewGuid():N}"[..32].ToUpperInvariant();
        var skipped = $"GST_BACKPACK_SKIPPED_{Guid.NewGuid():N}"[..32].ToUpperInvariant();
        using var environment = new EnvironmentScope(found, skipped);
        var below = Directory.CreateDirectory(directory.File("app/bin")).FullName;
        File.WriteAllText(directory.File(".env"), $"{found}=from-above\n{skipped}=from-above\n");
        environment.WorkIn(below);

        using (new SinkSkyLine("fakesink", new SkyLineOptions { LoadDotEnv = false }))
        {
            EnvironmentScope.Native(skipped).Should().BeNull("LoadDotEnv = false reads no file");
        }
        File.WriteAllText(directory.File(".env"), $"{found}=from-above\n");
        using var skyLine = new SinkSkyLine("fakesink");

        EnvironmentScope.Native(found).Should().Be("from-above");
        Environment.GetEnvironmentVariable(found).Should().Be("from-above");
        EnvironmentScope.Native(skipped).Should().BeNull();
    }
}
