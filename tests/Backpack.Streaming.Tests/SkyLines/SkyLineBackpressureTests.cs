using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

public sealed class SkyLineBackpressureTests
{
    [Fact]
    public void When_the_output_cannot_keep_up_Put_still_takes_every_frame_and_the_oldest_queued_ones_are_dropped_and_counted()
    {
        var clock = new ManualClock();
        // Each encoded frame takes the output 200 ms: far slower than frames come.
        using var skyLine = new SinkSkyLine("identity sleep-time=200000 ! fakesink", new SkyLineOptions { TimeProvider = clock, MaxQueuedFrames = 4 });
        skyLine.StartStreaming(30, 320, 240);

        var taken = 0;
        for (var i = 0; i < 60; i++)
        {
            clock.AdvanceTo(TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / 30));
            using var frame = TestFrames.Numbered(320, 240, i);
            taken += skyLine.Put(frame) ? 1 : 0;
            skyLine.Statistics.QueuedFrames.Should().BeLessThanOrEqualTo(4);
        }
        var statistics = skyLine.Statistics;

        taken.Should().BeGreaterThanOrEqualTo(55, "Put refuses a frame only when every buffer is inside the pipeline, which holds a few at most");
        statistics.FramesDropped.Should().BeGreaterThan(40);
        (statistics.FramesPut + (60 - taken)).Should().Be(60);
        skyLine.StopStreaming();
    }

    [Fact]
    public void Put_allocates_nothing_per_frame_once_streaming_whether_the_frame_is_queued_or_dropped()
    {
        // The system clock: a test clock that allocates as it advances would be measured too.
        using var skyLine = new SinkSkyLine("fakesink", new SkyLineOptions { MaxQueuedFrames = 4 });
        using var frame = TestFrames.Numbered(640, 360, 1);
        skyLine.StartStreaming(30, 640, 360);
        for (var i = 0; i < 20; i++)
        {
            skyLine.Put(frame); // fills the pool and lets the JIT settle
        }

        // Best of three batches: a one-off allocation of the runtime itself (a tier-up under load) may land in
        // one batch; a per-frame allocation lands in all of them.
        var fewest = long.MaxValue;
        for (var batch = 0; batch < 3 && fewest > 0; batch++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                skyLine.Put(frame);
            }
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        fewest.Should().Be(0);
        skyLine.Statistics.FramesPut.Should().BeGreaterThan(100);
        skyLine.StopStreaming();
    }
}
