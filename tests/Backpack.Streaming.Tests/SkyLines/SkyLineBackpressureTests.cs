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

    [Fact]
    public void The_Put_that_ends_the_warmup_leaves_preparing_the_buffers_to_another_thread_and_streaming_goes_on()
    {
        var clock = new ManualClock();
        using var skyLine = new SinkSkyLine("fakesink", new SkyLineOptions { TimeProvider = clock, WarmupFrames = 10, MaxQueuedFrames = 16 });
        using var frame = TestFrames.Numbered(1280, 720, 1);
        skyLine.StartStreaming(fps: 30, width: SkyLine.Auto, height: SkyLine.Auto);
        for (var i = 0; i < 9; i++)
        {
            clock.AdvanceTo(TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / 30));
            skyLine.Put(frame).Should().BeTrue();
        }
        clock.AdvanceTo(TimeSpan.FromTicks(9 * TimeSpan.TicksPerSecond / 30));
        // A real warmup lasts long enough for the preparation that its first frame started; this one is instantaneous.
        skyLine.WaitForPreparedBuffers(TimeSpan.FromSeconds(20)).Should().BeTrue();

        var faultsBefore = ThreadFaults.Minor();
        var bytesBefore = GC.GetAllocatedBytesForCurrentThread();
        skyLine.Put(frame).Should().BeTrue();
        var faults = ThreadFaults.Minor() - faultsBefore;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - bytesBefore;

        skyLine.State.Should().Be(SkyLineState.Streaming);
        // Twenty 720p buffers (the queue of 16 and a few in flight) are 27 MB: about 6,700 fresh pages.
        faults.Should().BeLessThan(1000, "the buffers of the new session are allocated and touched on another thread");
        allocated.Should().BeLessThan(16 * 1024, "ending the warmup makes a session, not its buffers");
        for (var i = 10; i < 20; i++)
        {
            clock.AdvanceTo(TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / 30));
            skyLine.Put(frame).Should().BeTrue("frames queue while the pipeline is built");
        }
        skyLine.StopStreaming();
        skyLine.Statistics.FramesEncoded.Should().Be(10);
        skyLine.Statistics.FramesDropped.Should().Be(0);
    }

    [Fact]
    public void A_byte_bound_that_holds_one_720p_frame_keeps_only_the_newest_queued_and_counts_the_rest_as_dropped()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var path = directory.File("bounded.mkv");
        var clock = new ManualClock();
        // A 1280x720 frame queues as 1,382,400 bytes of I420: two megabytes hold one, whatever MaxQueuedFrames says.
        var options = new SkyLineOptions { TimeProvider = clock, MaxQueuedFrames = 64, MaxQueuedBytes = 2_000_000 };
        // The output takes 200 ms per encoded frame: a burst of puts finds the queue full.
        using var skyLine = new SinkSkyLine($"identity sleep-time=200000 ! h264parse ! matroskamux ! filesink location={path}", options);
        var frames = Enumerable.Range(0, 20).Select(i => TestFrames.Numbered(1280, 720, i)).ToList();
        skyLine.StartStreaming(30, 1280, 720);

        var mostQueued = 0;
        for (var i = 0; i < frames.Count; i++)
        {
            clock.AdvanceTo(TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / 30));
            skyLine.Put(frames[i]).Should().BeTrue();
            mostQueued = Math.Max(mostQueued, skyLine.Statistics.QueuedFrames);
        }
        skyLine.StopStreaming();
        frames.ForEach(frame => frame.Dispose());
        var statistics = skyLine.Statistics;

        mostQueued.Should().Be(1);
        statistics.FramesDropped.Should().BeGreaterThanOrEqualTo(10, "only the few frames inside the pipeline and the one queued escape");
        var shown = MediaProbe.CodedFrameLevels(path).Select(TestFrames.IndexOf).ToList();
        shown.Should().HaveCount((int)(20 - statistics.FramesDropped + statistics.FramesRepeated), "every frame not dropped is in the file");
        shown[^1].Should().Be(19, "the oldest queued frame gives way, so the last one put is kept");
    }
}
