using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

/// <summary>Files recorded with irregular cadences of Put: the stream stays at its frame rate and in real time.</summary>
public sealed class TimingTests
{
    private const double Period = 1.0 / 30;

    /// <summary>Puts frame i at times[i] (seconds) into a 30 fps recorder; returns the packets' times and the put index each shows.</summary>
    private static (MediaProbe Probe, List<int> Shown, RecorderSkyLine Recorder) Record(TemporaryDirectory directory, List<double> times)
    {
        var clock = new ManualClock();
        var path = directory.File("timing.mkv");
        var recorder = new RecorderSkyLine(path, options: new SkyLineOptions { TimeProvider = clock, MaxQueuedFrames = 1024 });
        recorder.StartStreaming(30, 160, 120);
        for (var i = 0; i < times.Count; i++)
        {
            clock.AdvanceTo(TimeSpan.FromSeconds(times[i]));
            using var frame = TestFrames.Numbered(160, 120, i);
            recorder.Put(frame).Should().BeTrue();
        }
        recorder.StopStreaming();
        var probe = MediaProbe.Of(path);
        var shown = MediaProbe.MeanLuma(path).Select(TestFrames.IndexOf).ToList();
        return (probe, shown, recorder);
    }

    /// <summary>
    /// The stream is constant-rate; frames appear in put order; each frame shown first appears
    /// within one period of the moment it was put (the stream stays in real time); and the file
    /// lasts as long as the put timeline.
    /// </summary>
    private static void ShouldFollowThePutTimeline(MediaProbe probe, List<int> shown, List<double> times)
    {
        var start = probe.PacketTimes[0];
        probe.PacketTimes.Select((time, slot) => Math.Abs(time - start - (slot * Period))).Max().Should().BeLessThan(0.002, "the output has a constant frame rate");
        shown.Should().HaveCount(probe.Packets);
        var previous = 0;
        var firstSlots = new Dictionary<int, int>();
        for (var slot = 0; slot < shown.Count; slot++)
        {
            // Frame numbers repeat modulo 28: take the first candidate not earlier than the previous frame shown.
            var index = Enumerable.Range(previous, times.Count - previous).FirstOrDefault(i => i % 28 == shown[slot], -1);
            index.Should().BeGreaterThanOrEqualTo(0, $"slot {slot} shows frame {shown[slot]} (mod 28), which must come after frame {previous}");
            firstSlots.TryAdd(index, slot);
            previous = index;
        }
        foreach (var (index, slot) in firstSlots)
        {
            (slot * Period).Should().BeApproximately(times[index] - times[0], Period + 1e-6, $"frame {index}, put at {times[index]:0.000} s, first shows at {slot * Period:0.000} s");
        }
        var timeline = times[^1] - times[0];
        (probe.Packets * Period).Should().BeApproximately(timeline + Period, Period + 1e-6, "the file lasts as long as the put timeline");
    }

    [Fact]
    public void A_pause_is_bridged_by_repeating_the_last_frame_and_later_frames_keep_their_time()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var times = Enumerable.Range(0, 15).Select(i => i * Period).Concat(Enumerable.Range(0, 15).Select(i => 1.5 + (i * Period))).ToList();

        var (probe, shown, recorder) = Record(directory, times);
        using (recorder)
        {
            ShouldFollowThePutTimeline(probe, shown, times);
            recorder.Statistics.FramesRepeated.Should().BeInRange(28, 31);
            recorder.Statistics.FramesSkipped.Should().Be(0);
        }
    }

    [Fact]
    public void Bursts_of_frames_put_at_once_keep_the_rate_by_skipping_and_the_stream_stays_in_time()
    {
        using var directory = TestFrames.TemporaryDirectory();
        // Steady, then ten frames at the same instant after a 300 ms stall, then steady again.
        var times = Enumerable.Range(0, 10).Select(i => i * Period)
            .Concat(Enumerable.Repeat(0.6, 10))
            .Concat(Enumerable.Range(1, 20).Select(i => 0.6 + (i * Period)))
            .ToList();

        var (probe, shown, recorder) = Record(directory, times);
        using (recorder)
        {
            ShouldFollowThePutTimeline(probe, shown, times);
            recorder.Statistics.FramesSkipped.Should().BeInRange(7, 9);
        }
    }

    [Fact]
    public void Frames_put_slower_than_the_rate_are_repeated_and_faster_ones_skipped()
    {
        using var directory = TestFrames.TemporaryDirectory();
        // One second at 10 fps, then one second at 60 fps.
        var times = Enumerable.Range(0, 10).Select(i => i * 0.1).Concat(Enumerable.Range(0, 60).Select(i => 1.0 + (i / 60.0))).ToList();

        var (probe, shown, recorder) = Record(directory, times);
        using (recorder)
        {
            ShouldFollowThePutTimeline(probe, shown, times);
            recorder.Statistics.FramesRepeated.Should().BeInRange(17, 21);
            recorder.Statistics.FramesSkipped.Should().BeInRange(28, 32);
            probe.Packets.Should().BeInRange(58, 61);
        }
    }

    [Fact]
    public void Jittery_putting_around_the_frame_rate_keeps_every_frame()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var random = new Random(7);
        var times = Enumerable.Range(0, 60).Select(i => (i * Period) + ((random.NextDouble() - 0.5) * 0.8 * Period)).Select(time => Math.Max(0, time)).ToList();
        times.Sort();

        var (probe, shown, recorder) = Record(directory, times);
        using (recorder)
        {
            probe.Packets.Should().Be(60);
            shown.Should().Equal(Enumerable.Range(0, 60).Select(i => i % 28));
            recorder.Statistics.FramesSkipped.Should().Be(0);
            recorder.Statistics.FramesRepeated.Should().Be(0);
        }
    }
}
