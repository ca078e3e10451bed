using System.Diagnostics;
using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

/// <summary>What the encoder settings do to the stream: latency and key frames, measured on real output.</summary>
public sealed class EncodingTests
{
    /// <summary>Puts frames at the real-time pace of <paramref name="fps"/> and returns the statistics read before the stop.</summary>
    /// <remarks>With <paramref name="allowDrops"/>, a frame may be refused while the buffers grow for an encoder that holds many frames.</remarks>
    private static SkyLineStatistics PutPaced(SkyLine skyLine, int frames, int width, int height, double fps, bool allowDrops = false)
    {
        using var frame = TestFrames.Numbered(width, height, 3);
        skyLine.StartStreaming(fps, width, height);
        var period = Stopwatch.Frequency / fps;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < frames; i++)
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), started + (long)(i * period));
            if (wait > TimeSpan.Zero)
            {
                Thread.Sleep(wait);
            }
            var taken = skyLine.Put(frame);
            if (!allowDrops)
            {
                taken.Should().BeTrue("every frame is taken when the pipeline holds few");
            }
        }
        var statistics = skyLine.Statistics;
        skyLine.StopStreaming();
        return statistics;
    }

    [Fact]
    public void The_default_encoder_gives_back_each_frame_before_the_next_is_put()
    {
        // The clock stands still until told: no frame is repeated, so only what was put can push a frame out of the
        // encoder. A real clock would make "at most one" a race against the machine's load instead.
        var clock = new ManualClock();
        using var skyLine = new SinkSkyLine("fakesink sync=false", new SkyLineOptions { TimeProvider = clock, MaxQueuedFrames = 64 });
        using var frame = TestFrames.Numbered(320, 240, 3);
        skyLine.StartStreaming(30, 320, 240);

        skyLine.Put(frame).Should().BeTrue();
        SpinWait.SpinUntil(() => skyLine.Statistics.FramesEncoded == 1, TimeSpan.FromSeconds(20)).Should().BeTrue("nothing after the first frame is needed to encode it");
        for (var i = 1; i < 60; i++)
        {
            clock.AdvanceTo(TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / 30));
            skyLine.Put(frame).Should().BeTrue();
        }
        var statistics = skyLine.Statistics;
        skyLine.StopStreaming();

        statistics.EncoderDelayFrames.Should().Be(1);
        skyLine.Statistics.FramesEncoded.Should().Be(60);
        skyLine.Statistics.EncoderDelayFrames.Should().Be(1, "the last session's figure stays readable once stopped");
    }

    [Fact]
    public void The_originals_encoder_settings_hold_back_more_than_ten_frames()
    {
        using var skyLine = new SinkSkyLine("fakesink sync=false", new SkyLineOptions { Encoder = "x264enc bframes=0 key-int-max=45 bitrate=500" });

        // The encoder holds dozens of frames: the first ones may find no free buffer until the pool has grown, and on a
        // loaded machine (a CI run with every test project at once) 60 frames were not always enough for a first output.
        var statistics = PutPaced(skyLine, 150, 320, 240, 30, allowDrops: true);

        statistics.EncoderDelayFrames.Should().BeGreaterThan(10, "x264's default look-ahead holds back dozens of frames");
        statistics.FramesEncoded.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Key_frames_in_a_recording_are_spaced_by_the_key_frame_interval()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var path = directory.File("keys.mkv");
        var clock = new ManualClock();
        var options = new SkyLineOptions { TimeProvider = clock, MaxQueuedFrames = 256, KeyFrameInterval = TimeSpan.FromSeconds(0.5) };
        using (var recorder = new RecorderSkyLine(path, options: options))
        {
            recorder.StartStreaming(30, 160, 120);
            for (var i = 0; i < 60; i++)
            {
                clock.AdvanceTo(TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / 30));
                using var frame = TestFrames.Numbered(160, 120, i);
                recorder.Put(frame).Should().BeTrue();
            }
            recorder.StopStreaming();
        }

        var probe = MediaProbe.Of(path);
        probe.Packets.Should().Be(60);
        probe.KeyFrames.Select((key, index) => (key, index)).Where(frame => frame.key).Select(frame => frame.index)
            .Should().Equal([0, 15, 30, 45], "half a second at 30 fps is 15 frames");
    }

    [Fact]
    public void The_encoder_delay_of_an_RTSP_stream_counts_what_the_encoder_held_not_the_frames_put_while_nobody_watched()
    {
        using var live = new Rtsp.LiveStream().Started();
        var skyLine = live.Add("/delay", 160, 120);
        // Two seconds of frames go nowhere: nobody watches, nothing is encoded.
        Thread.Sleep(2000);
        skyLine.Statistics.EncoderDelayFrames.Should().BeNull("nothing was encoded yet, so the delay is unknown");

        var decoded = Rtsp.RtspClients.Ffprobe(live.Url("/delay"), "tcp", seconds: 1.5);

        decoded.Frames.Should().BeGreaterThan(10, decoded.Process.ToString());
        skyLine.Statistics.FramesPut.Should().BeGreaterThan(60);
        skyLine.Statistics.EncoderDelayFrames.Should().Be(1, "the default encoder gives back each frame it takes");
    }
}
