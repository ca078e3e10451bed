using Backpack.Streaming.Runtime;
using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

public sealed class SinkSkyLineTests
{
    [Fact]
    public void Any_sink_description_after_the_encoder_receives_the_stream()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var path = directory.File("raw.h264");
        var clock = new ManualClock();
        using var skyLine = new SinkSkyLine($"h264parse ! video/x-h264,stream-format=byte-stream ! filesink location={path}", new SkyLineOptions { TimeProvider = clock, MaxQueuedFrames = 64 });

        skyLine.StartStreaming(25, 320, 240);
        for (var i = 0; i < 25; i++)
        {
            clock.AdvanceTo(TimeSpan.FromMilliseconds(40 * i));
            using var frame = TestFrames.Numbered(320, 240, i);
            skyLine.Put(frame);
        }
        skyLine.StopStreaming();

        var probe = MediaProbe.Of(path);
        probe.Codec.Should().Be("h264");
        probe.Packets.Should().Be(25);
        (probe.Width, probe.Height).Should().Be((320, 240));
    }

    [Fact]
    public void A_description_that_does_not_parse_is_an_argument_error_with_GStreamers_reason()
    {
        var badSink = () => new SinkSkyLine("h264parse ! ! fakesink");
        var badProperty = () => new SinkSkyLine("fakesink no-such-property=1");
        var badEncoder = () => new SinkSkyLine("fakesink", new SkyLineOptions { Encoder = "x264enc bitrate=fast" });
        var empty = () => new SinkSkyLine(" ");

        badSink.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("sinkDescription");
        badProperty.Should().Throw<ArgumentException>().WithMessage("*no-such-property*").Which.ParamName.Should().Be("sinkDescription");
        badEncoder.Should().Throw<ArgumentException>().WithMessage("*encoder description*").Which.ParamName.Should().Be("options");
        empty.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("sinkDescription");
    }

    [Fact]
    public void Secrets_in_the_description_stay_out_of_logs_exceptions_and_ToString()
    {
        var logger = new CapturingLogger();
        using var skyLine = new SinkSkyLine(
            "h264parse ! mpegtsmux ! srtsink uri=srt://127.0.0.1:9 passphrase=verysecret123",
            new SkyLineOptions { AutoRestart = false }, logger);
        using var watch = new SkyLineWatch(skyLine);

        skyLine.StartStreaming(30, 64, 48);
        for (var i = 0; i < 5 && skyLine.State == SkyLineState.Streaming; i++)
        {
            using var frame = TestFrames.Numbered(64, 48, i);
            skyLine.Put(frame);
        }
        skyLine.StopStreaming();

        skyLine.ToString().Should().Contain("passphrase=***").And.NotContain("verysecret123");
        logger.Entries.Should().Contain(entry => entry.Message.Contains("passphrase=***"), "the pipeline is logged at debug level, masked");
        logger.Entries.Should().NotContain(entry => entry.Message.Contains("verysecret123") || (entry.Exception != null && entry.Exception.ToString().Contains("verysecret123")));
        watch.WaitForChange(SkyLineState.Stopped);
        watch.Changes.Should().NotContain(change => change.Reason != null && change.Reason.Contains("verysecret123"));
    }
}
