using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

public sealed class RecorderSkyLineTests
{
    [Fact]
    public void Frames_put_at_the_frame_rate_are_all_recorded_into_a_playable_matroska_file()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var clock = new ManualClock();
        var path = directory.File("steady.mkv");
        using var recorder = new RecorderSkyLine(path, options: new SkyLineOptions { TimeProvider = clock, MaxQueuedFrames = 256 });

        recorder.StartStreaming(fps: 30, width: 320, height: 240);
        for (var i = 0; i < 45; i++)
        {
            clock.AdvanceTo(TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / 30));
            using var frame = TestFrames.Numbered(320, 240, i);
            recorder.Put(frame).Should().BeTrue();
        }
        recorder.StopStreaming();

        var probe = MediaProbe.Of(path);
        probe.Codec.Should().Be("h264");
        (probe.Width, probe.Height).Should().Be((320, 240));
        probe.FrameRate.Should().Be("30/1");
        probe.Packets.Should().Be(45);
        probe.PacketTimes.Select((time, index) => Math.Abs(time - (index / 30.0))).Max().Should().BeLessThan(0.002);
        recorder.CompletedFiles.Should().Equal(path);
        recorder.Statistics.FramesEncoded.Should().Be(45);
        recorder.Statistics.FramesDropped.Should().Be(0);
    }
}
