using Backpack.Streaming.GStreamer;
using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

/// <summary>A SkyLine changes nothing process-wide: the .env file belongs to the runtime, read once before GStreamer starts. These change the working directory: they run alone and put it back.</summary>
[Collection(Serial.Name)]
public sealed class SkyLineDotEnvTests
{
    [Fact]
    public void A_SkyLine_made_in_a_directory_with_a_dotenv_sets_no_variable()
    {
        // GStreamer runs already, as it does for every SkyLine after the first one of a process.
        GStreamerRuntime.EnsureInitialized();
        using var directory = TestFrames.TemporaryDirectory();
        var variable = $"GST_BACKPACK_NEARBY_{Guid.NewGuid():N}"[..32].ToUpperInvariant();
        using var environment = new EnvironmentScope(variable);
        File.WriteAllText(directory.File(".env"), $"{variable}=from-the-file\n");
        environment.WorkIn(directory.Path);

        using var skyLine = new SinkSkyLine("fakesink");

        EnvironmentScope.Native(variable).Should().BeNull("no environment variable is set while GStreamer's threads run");
        Environment.GetEnvironmentVariable(variable).Should().BeNull();
    }
}
