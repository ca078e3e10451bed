using Backpack.Streaming.Cameras;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Tests.Cameras;

/// <summary>Cameras of GStreamer's test pattern and of files: what the application's loop gets, and when.</summary>
public sealed class CameraSourceTests
{
    private static CancellationToken Within(double seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static async Task<List<CameraFrame>> ReadFrames(CameraSource camera, int count, double seconds = 20)
    {
        var frames = new List<CameraFrame>();
        await foreach (var frame in camera.ReadAllAsync(Within(seconds)))
        {
            frames.Add(frame);
            if (frames.Count == count)
            {
                break;
            }
        }
        frames.Should().HaveCount(count, $"{count} frames should come within {seconds} s; {camera.Statistics}");
        return frames;
    }

    [Fact]
    public async Task A_test_pattern_camera_delivers_BGR_frames_numbered_in_order_with_the_sources_rising_timestamps()
    {
        await using var camera = new CameraSource(new CameraSourceOptions { Source = "test:ball" });
        using var watch = new CameraWatch(camera);
        camera.State.Should().Be(CameraState.Stopped, "nothing opens before Start");
        camera.TryRead(out _).Should().BeFalse();

        camera.Start();
        var frames = await ReadFrames(camera, 10);

        frames.Select(frame => frame.Sequence).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        frames.Select(frame => frame.PresentationTime!.Value).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        frames.Select(frame => frame.WallClockTime).Should().BeInAscendingOrder();
        frames.Should().AllSatisfy(frame =>
        {
            frame.Frame.Width.Should().Be(320, "videotestsrc's own size");
            frame.Frame.Height.Should().Be(240);
            frame.Frame.IsContiguous.Should().BeTrue();
            frame.FollowsGap.Should().BeFalse();
        });
        watch.WaitFor(CameraState.Streaming);
        watch.Changes.Select(change => change.Current).Should().StartWith([CameraState.Connecting, CameraState.Streaming]);
        camera.Statistics.FramesDelivered.Should().Be(10);
        frames.ForEach(frame => frame.Dispose());
    }

    [Fact]
    public async Task Frames_are_scaled_to_the_asked_size_in_the_pipeline()
    {
        await using var camera = new CameraSource(new CameraSourceOptions { Source = CameraClips.ShortRed, Width = 640, Height = 360 });
        camera.Start();

        using var frame = (await ReadFrames(camera, 1))[0];

        frame.Frame.Width.Should().Be(640, "the 1280x720 file is scaled by videoscale");
        frame.Frame.Height.Should().Be(360);
        frame.Frame.Pixels.Length.Should().Be(640 * 360 * 3);
    }

    [Fact]
    public async Task A_file_plays_at_its_own_rate_in_blue_green_red_order_and_then_ends_the_reading_loop()
    {
        await using var camera = new CameraSource(new CameraSourceOptions { Source = new Uri(CameraClips.ShortRed).AbsoluteUri });
        using var watch = new CameraWatch(camera);
        var started = System.Diagnostics.Stopwatch.StartNew();
        camera.Start();

        TimeSpan? last = null;
        var count = 0;
        await foreach (var frame in camera.ReadAllAsync(Within(30)))
        {
            using (frame)
            {
                count++;
                last = frame.PresentationTime;
                frame.Frame.Width.Should().Be(1280);
                var centre = frame.Frame.GetRow(360).Slice(640 * 3, 3).ToArray();
                centre[2].Should().BeGreaterThan(200, "red is the third byte of a BGR pixel");
                centre[0].Should().BeLessThan(60);
                centre[1].Should().BeLessThan(60);
            }
        }

        started.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(1.2), "a 1.5 s file plays in real time, as a camera would deliver it");
        camera.State.Should().Be(CameraState.Ended);
        watch.WaitFor(CameraState.Ended);
        last.Should().BeCloseTo(TimeSpan.FromSeconds(1.5), TimeSpan.FromMilliseconds(200), "the timestamps are the file's own");
        (count + camera.Statistics.FramesDropped).Should().Be(45, "every frame of the file was either read or counted dropped");
        count.Should().BeGreaterThan(20);
    }

    [Fact]
    public async Task A_looping_file_starts_again_at_its_end_without_ending_the_loop()
    {
        await using var camera = new CameraSource(new CameraSourceOptions { Source = CameraClips.ShortRed, LoopFile = true, Width = 320, Height = 180 });
        camera.Start();

        var restarts = 0;
        TimeSpan? previous = null;
        await foreach (var frame in camera.ReadAllAsync(Within(30)))
        {
            using (frame)
            {
                if (frame.PresentationTime < previous)
                {
                    restarts++;
                }
                previous = frame.PresentationTime;
                if (restarts == 1 && frame.PresentationTime > TimeSpan.FromSeconds(0.3))
                {
                    break;
                }
            }
        }

        restarts.Should().Be(1, "the timestamps start again when the file does");
        camera.State.Should().Be(CameraState.Streaming);
        camera.Statistics.Reconnects.Should().Be(0, "a loop is not a failure");
    }

    [Fact]
    public async Task A_slow_reader_gets_the_newest_frame_while_older_ones_are_dropped_and_counted_and_memory_stays_bounded()
    {
        await using var camera = new CameraSource(new CameraSourceOptions { Source = "test:smpte", Width = 640, Height = 360 });
        camera.Start();
        using (var first = await camera.ReadAsync(Within(20)))
        {
            first.Should().NotBeNull();
        }

        var sequences = new List<long>();
        for (var i = 0; i < 8; i++)
        {
            await Task.Delay(200);
            using var frame = await camera.ReadAsync(Within(20));
            sequences.Add(frame!.Sequence);
        }

        var statistics = camera.Statistics;
        statistics.FramesDropped.Should().BeGreaterThan(10, "at 30 fps about 5 frames come for each one read every 200 ms");
        sequences.Zip(sequences.Skip(1), (a, b) => b - a).Should().Contain(gap => gap > 1, "the reader skips to the newest frame");
        (statistics.FramesDelivered + statistics.FramesDropped).Should().BeInRange(statistics.FramesReceived - 1, statistics.FramesReceived, "a frame is read, dropped or waiting in the one slot");
        camera.Pool.Created.Should().BeLessThanOrEqualTo(PixelPool.Retained + 2, "pixel memory is reused: the slot, the frame being filled and the one read");
    }

    [Fact]
    public async Task A_frame_rate_limit_leaves_frames_out_in_the_pipeline()
    {
        await using var camera = new CameraSource(new CameraSourceOptions { Source = "test:ball", FrameRate = 5 });
        camera.Start();
        var frames = await ReadFrames(camera, 6);
        var span = frames[^1].PresentationTime!.Value - frames[0].PresentationTime!.Value;
        frames.ForEach(frame => frame.Dispose());

        span.Should().BeCloseTo(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(150), "5 frames per second of a 30 fps source, 0.2 s apart");
        camera.Statistics.FramesDropped.Should().Be(0, "the reader keeps up with 5 fps: the rest never left the pipeline");
    }

    [Fact]
    public async Task A_frame_rate_limit_above_a_slower_sources_rate_passes_its_frames_as_they_come()
    {
        await using var camera = new CameraSource(new CameraSourceOptions { Source = CameraClips.SparseKeyFrames, FrameRate = 15 });
        camera.Start();
        var frames = await ReadFrames(camera, 6);
        var gaps = frames.Zip(frames.Skip(1), (earlier, later) => later.PresentationTime!.Value - earlier.PresentationTime!.Value).ToList();
        frames.ForEach(frame => frame.Dispose());

        // A fixed 15 fps in the caps could not be negotiated from a 5 fps file: the camera never streamed.
        camera.State.Should().Be(CameraState.Streaming);
        gaps.Should().OnlyContain(gap => gap >= TimeSpan.FromMilliseconds(190), "the 5 fps source's frames pass as they are, 0.2 s apart (or more when the reader skips one), none made up");
    }

    [Fact]
    public async Task A_frame_used_after_it_was_disposed_throws_rather_than_showing_another_frames_pixels()
    {
        await using var camera = new CameraSource(new CameraSourceOptions { Source = "test:ball" });
        camera.Start();
        var frame = (await ReadFrames(camera, 1))[0];

        frame.Dispose();
        frame.Dispose();

        frame.Invoking(disposed => disposed.Frame.Pixels.Length).Should().Throw<ObjectDisposedException>();
        frame.ToString().Should().EndWith("disposed");
    }

    [Fact]
    public async Task A_state_handler_that_throws_is_logged_and_frames_keep_coming()
    {
        var logger = new CapturingLogger();
        await using var camera = new CameraSource(new CameraSourceOptions { Source = "test:ball" }, logger);
        camera.StateChanged += (_, _) => throw new InvalidOperationException("the handler fails (test)");
        using var watch = new CameraWatch(camera);
        camera.Start();

        watch.WaitFor(CameraState.Streaming);
        var frames = await ReadFrames(camera, 5);
        frames.ForEach(frame => frame.Dispose());

        logger.Entries.Should().Contain(entry => entry.Level == LogLevel.Error && entry.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task ReadAllAsync_ends_quietly_when_cancelled()
    {
        await using var camera = new CameraSource(new CameraSourceOptions { Source = "test:ball" });
        camera.Start();
        using var cancellation = new CancellationTokenSource();
        var read = 0;

        var loop = async () =>
        {
            await foreach (var frame in camera.ReadAllAsync(cancellation.Token))
            {
                frame.Dispose();
                if (++read == 3)
                {
                    await cancellation.CancelAsync();
                }
            }
        };

        await loop.Should().CompleteWithinAsync(TimeSpan.FromSeconds(20));
        read.Should().Be(3);
        camera.State.Should().Be(CameraState.Streaming, "cancelling a read does not stop the camera");
    }

    [Fact]
    public async Task Disposing_while_several_threads_read_ends_every_read_without_an_exception()
    {
        var camera = new CameraSource(new CameraSourceOptions { Source = "test:ball", Width = 160, Height = 120 });
        camera.Start();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = 0L;

        var asyncReaders = Enumerable.Range(0, 3).Select(index => Task.Run(async () =>
        {
            while (await camera.ReadAsync(stop.Token) is { } frame)
            {
                Interlocked.Increment(ref received);
                frame.Dispose();
            }
        })).ToList();
        var pollers = Enumerable.Range(0, 2).Select(index => Task.Run(() =>
        {
            while (camera.State != CameraState.Stopped)
            {
                if (camera.TryRead(out var frame))
                {
                    Interlocked.Increment(ref received);
                    frame.Dispose();
                }
                Thread.SpinWait(100);
            }
        })).ToList();
        await Task.Delay(200);
        while (Interlocked.Read(ref received) < 5 && !stop.IsCancellationRequested)
        {
            await Task.Delay(50);
        }
        var disposers = Enumerable.Range(0, 3).Select(i => Task.Run(async () =>
        {
            if (i == 0)
            {
                await camera.DisposeAsync();
            }
            else
            {
                camera.Dispose();
            }
        })).ToList();

        var all = Task.WhenAll(asyncReaders.Concat(pollers).Concat(disposers));
        (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(15)))).Should().BeSameAs(all, "every read and dispose ends soon after the dispose");
        await all;
        camera.State.Should().Be(CameraState.Stopped);
        (await camera.ReadAsync()).Should().BeNull("a disposed camera has no frames, and says so without throwing");
        camera.Invoking(disposed => disposed.Start()).Should().Throw<ObjectDisposedException>();
    }
}
