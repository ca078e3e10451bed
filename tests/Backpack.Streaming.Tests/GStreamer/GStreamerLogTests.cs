using Backpack.Streaming.GStreamer;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Tests.GStreamer;

[Collection(Serial.Name)]
public sealed class GStreamerLogTests
{
    [Fact]
    public void The_debug_log_reaches_a_forwarded_logger_at_the_mapped_level()
    {
        var logger = new CapturingLogger();
        GStreamerLog.SetLevels("GST_PIPELINE:5");
        try
        {
            using (GStreamerLog.Forward(logger.CreateLogger("GStreamer")))
            {
                using var pipeline = Pipeline.Parse("fakesrc ! fakesink");
            }
            var count = logger.Entries.Count;
            using (Pipeline.Parse("fakesrc ! fakesink"))
            {
            }

            logger.Entries.Should().Contain(entry => entry.Level == LogLevel.Debug && entry.Message.StartsWith("GStreamer GST_PIPELINE", StringComparison.Ordinal));
            logger.Entries.Should().HaveCount(count, "nothing reaches a logger after its registration is disposed");
        }
        finally
        {
            GStreamerLog.SetLevels("0");
        }
    }

    [Fact]
    public void The_debug_log_is_written_to_a_file_in_GStreamers_format()
    {
        var path = Path.Combine(Path.GetTempPath(), $"backpack-gst-{Guid.NewGuid():N}.log");
        try
        {
            GStreamerLog.AddFile(path);
            GStreamerLog.AddFile(path);
            GStreamerLog.SetLevels("GST_PIPELINE:5");
            using (Pipeline.Parse("fakesrc ! fakesink"))
            {
            }
            GStreamerLog.SetLevels("0");

            var lines = File.ReadAllLines(path);
            lines.Should().Contain(line => line.Contains("DEBUG") && line.Contains("GST_PIPELINE"));
        }
        finally
        {
            GStreamerLog.SetLevels("0");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("loud")]
    [InlineData("x264enc:")]
    [InlineData("3,,4")]
    public void A_level_list_not_in_GST_DEBUG_syntax_is_refused(string levels)
    {
        var set = () => GStreamerLog.SetLevels(levels);

        set.Should().Throw<ArgumentException>().WithMessage("*GStreamer log level list*").Which.ParamName.Should().Be("levels");
    }

    [Theory]
    [InlineData("3")]
    [InlineData("WARNING")]
    [InlineData("2,x264enc:5")]
    [InlineData("*:4, GST_*:DEBUG")]
    public void Level_lists_in_GST_DEBUG_syntax_are_accepted(string levels)
    {
        var validate = () => GStreamerLog.ValidateLevels(levels);

        validate.Should().NotThrow();
    }
}
