using Backpack.Streaming.GStreamer;
using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

/// <summary>GStreamer's log settings are process-wide: these run alone and turn the thresholds back off.</summary>
[Collection(Serial.Name)]
public sealed class SkyLineLogOptionsTests
{
    [Fact]
    public void A_SkyLine_with_a_GStreamer_log_file_has_GStreamer_write_its_log_there()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var path = directory.File("gst.log");
        try
        {
            using var skyLine = new SinkSkyLine("fakesink", new SkyLineOptions { GStreamerLogFile = path, GStreamerLogLevel = "GST_PIPELINE:5" });
            skyLine.StartStreaming(30, 64, 48);
            skyLine.StopStreaming();
        }
        finally
        {
            GStreamerLog.SetLevels("0");
        }

        File.ReadAllLines(path).Should().Contain(line => line.Contains("DEBUG") && line.Contains("GST_PIPELINE") && line.Contains("x264enc"),
            "GStreamer logs parsing the SkyLine's pipeline, in its own format");
    }

    [Fact]
    public void A_GStreamer_log_file_that_cannot_be_opened_is_an_argument_error_with_the_path_and_the_reason()
    {
        var path = $"/no/such/directory-{Guid.NewGuid():N}/gst.log";

        var make = () => new SinkSkyLine("fakesink", new SkyLineOptions { GStreamerLogFile = path });

        var error = make.Should().Throw<ArgumentException>().Which;
        error.ParamName.Should().Be("options", "the constructor parameter; the message names the option");
        error.Message.Should().StartWith("GStreamerLogFile: ");
        error.Message.Should().Contain(path).And.Contain("No such file or directory").And.Contain("Expected a file path in an existing directory", "it says what to give instead");
    }
}
