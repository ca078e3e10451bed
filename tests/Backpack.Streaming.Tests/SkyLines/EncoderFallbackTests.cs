using Backpack.Streaming.SkyLines;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Tests.SkyLines;

/// <summary>
/// A hardware encoder that fails falls back to x264enc once. No hardware encoder runs here, so openh264enc (a real
/// H.264 encoder that is not x264enc) stands in for one, made to fail by an element of its chain.
/// </summary>
public sealed class EncoderFallbackTests
{
    private static readonly TimeSpan Period = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 30);

    private static void PutFrames(SkyLine skyLine, ManualClock clock, int count)
    {
        for (var i = 0; i < count && skyLine.State == SkyLineState.Streaming; i++)
        {
            clock.Advance(Period);
            using var frame = TestFrames.Numbered(160, 120, i);
            skyLine.Put(frame);
            // openh264enc gives nothing back for frames pushed faster than it works; at this pace it encodes each one.
            Thread.Sleep(10);
        }
    }

    [Fact]
    public void An_encoder_that_fails_while_streaming_is_replaced_by_x264enc_once_and_the_log_and_statistics_say_so()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var path = directory.File("fallback.mkv");
        var clock = new ManualClock();
        var logger = new CapturingLogger();
        using var skyLine = new SinkSkyLine($"h264parse ! matroskamux ! filesink location={path}", new SkyLineOptions
        {
            TimeProvider = clock,
            Encoder = "openh264enc ! identity error-after=10",
            RestartDelay = TimeSpan.FromSeconds(1),
        }, logger);
        using var watch = new SkyLineWatch(skyLine);
        skyLine.StartStreaming(30, 160, 120);
        skyLine.EncoderElement.Should().Be("identity");

        PutFrames(skyLine, clock, 20);
        watch.WaitForChange(SkyLineState.Error);
        clock.Advance(TimeSpan.FromSeconds(1));
        watch.WaitForChange(SkyLineState.Streaming, occurrence: 2);
        PutFrames(skyLine, clock, 30);
        skyLine.StopStreaming();

        skyLine.EncoderElement.Should().Be("x264enc");
        skyLine.Statistics.UsesFallbackEncoder.Should().BeTrue();
        skyLine.Statistics.Restarts.Should().Be(1);
        logger.Entries.Should().ContainSingle(entry => entry.Level == LogLevel.Warning && entry.Message.Contains("falling back to x264enc"))
            .Which.Message.Should().Contain("openh264enc ! identity error-after=10").And.Contain("identity");
        var probe = MediaProbe.Of(path);
        probe.Codec.Should().Be("h264");
        probe.Packets.Should().BeGreaterThan(20, "the restarted pipeline encoded with x264enc");
    }

    [Fact]
    public void An_encoder_that_fails_to_start_is_replaced_at_once_so_the_start_succeeds()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var clock = new ManualClock();
        var logger = new CapturingLogger();
        // One branch of the encoder's chain writes where it cannot: the pipeline refuses to start, as a hardware
        // encoder that cannot open its device does.
        using var skyLine = new SinkSkyLine("fakesink", new SkyLineOptions
        {
            TimeProvider = clock,
            Encoder = $"tee name=split split. ! queue ! filesink location={directory.File("no/such/dir/x")} split. ! queue ! openh264enc",
        }, logger);

        skyLine.StartStreaming(30, 160, 120);
        PutFrames(skyLine, clock, 10);
        SpinWait.SpinUntil(() => skyLine.Statistics.FramesEncoded > 0, TimeSpan.FromSeconds(20));
        skyLine.StopStreaming();

        skyLine.Statistics.UsesFallbackEncoder.Should().BeTrue();
        skyLine.Statistics.Restarts.Should().Be(0, "the start itself tried x264enc");
        skyLine.Statistics.FramesEncoded.Should().BeGreaterThan(0);
        logger.Entries.Should().Contain(entry => entry.Message.Contains("could not start") && entry.Message.Contains("filesink"));
        logger.Entries.Should().Contain(entry => entry.Message.Contains("falling back to x264enc"));
    }

    [Theory]
    [InlineData("identity error-after=5 ! fakesink", "openh264enc", true, "openh264enc")]
    [InlineData("fakesink", "x264enc tune=zerolatency ! identity error-after=5", true, "identity")]
    [InlineData("fakesink", "openh264enc ! identity error-after=5", false, "identity")]
    public void Neither_an_output_failure_nor_a_failing_x264enc_nor_a_disabled_fallback_switches_the_encoder(string output, string encoder, bool allowed, string element)
    {
        var clock = new ManualClock();
        using var skyLine = new SinkSkyLine(output, new SkyLineOptions { TimeProvider = clock, Encoder = encoder, FallBackToSoftwareEncoder = allowed, RestartDelay = TimeSpan.FromSeconds(1) });
        using var watch = new SkyLineWatch(skyLine);
        skyLine.StartStreaming(30, 160, 120);

        PutFrames(skyLine, clock, 30);
        watch.WaitForChange(SkyLineState.Error);
        clock.Advance(TimeSpan.FromSeconds(1));
        watch.WaitForChange(SkyLineState.Streaming, occurrence: 2);

        skyLine.Statistics.UsesFallbackEncoder.Should().BeFalse();
        skyLine.EncoderElement.Should().Be(element);
        skyLine.StopStreaming();
    }
}
