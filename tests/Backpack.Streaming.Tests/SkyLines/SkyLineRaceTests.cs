using System.Collections.Concurrent;
using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

/// <summary>
/// Put is called from the application's threads while others start, stop and dispose: it must never throw,
/// never wait for long and never touch memory that was freed. These tests hammer the public API and fail on
/// the first exception, a deadlock (bounded joins) or a crash of the test process.
/// </summary>
[Collection(Serial.Name)]
public sealed class SkyLineRaceTests
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void Put_from_four_threads_while_another_starts_and_stops_thousands_of_times_and_then_disposes_never_throws_nor_deadlocks()
    {
        // Tiny frames keep each cycle cheap so that thousands of them fit in a test run.
        var skyLine = new SinkSkyLine("fakesink", new SkyLineOptions { MaxQueuedFrames = 4, WarmupFrames = 2, StopTimeout = TimeSpan.FromSeconds(2) });
        var failures = new ConcurrentQueue<Exception>();
        using var stop = new CancellationTokenSource();
        long taken = 0, refusedAfterDispose = 0;
        var disposed = 0;
        var putters = Enumerable.Range(0, 4).Select(index => StartThread($"putter {index}", () =>
        {
            using var frame = TestFrames.Numbered(64, 48, index);
            while (!stop.IsCancellationRequested)
            {
                if (skyLine.State != SkyLineState.Streaming)
                {
                    // Putting without pause all the time would starve the pipeline's threads, which run at a lower
                    // priority, and make every drain crawl; putting without pause while streaming keeps a Put in
                    // flight at each stop, which is the race.
                    Thread.Sleep(0);
                }
                var wasDisposed = Volatile.Read(ref disposed) == 1;
                var accepted = skyLine.Put(frame);
                if (accepted)
                {
                    Interlocked.Increment(ref taken);
                }
                else if (wasDisposed)
                {
                    Interlocked.Increment(ref refusedAfterDispose);
                }
                if (wasDisposed && accepted)
                {
                    throw new InvalidOperationException("Put took a frame after Dispose returned.");
                }
            }
        }, failures)).ToList();

        var cycles = 0;
        var controller = StartThread("controller", () =>
        {
            for (; cycles < 2500; cycles++)
            {
                // Every fifth cycle warms up, so that the Put ending a warmup races the stop too.
                if (cycles % 5 == 4)
                {
                    skyLine.StartStreaming(fps: 30, width: SkyLine.Auto, height: SkyLine.Auto);
                }
                else
                {
                    skyLine.StartStreaming(fps: 30, width: 64, height: 48);
                }
                if (cycles % 3 == 0)
                {
                    Thread.Yield();
                }
                skyLine.StopStreaming();
            }
            skyLine.StartStreaming(fps: 30, width: 64, height: 48);
            skyLine.Dispose();
            Volatile.Write(ref disposed, 1);
            Thread.Sleep(50);
        }, failures);

        var controllerEnded = controller.Join(TimeSpan.FromMinutes(3));
        stop.Cancel();
        var puttersEnded = putters.All(putter => putter.Join(JoinTimeout));

        failures.Should().BeEmpty();
        controllerEnded.Should().BeTrue($"start/stop cycles must not deadlock against Put (reached cycle {cycles})");
        puttersEnded.Should().BeTrue("Put must return at once whatever the lifecycle does");
        cycles.Should().Be(2500);
        Interlocked.Read(ref taken).Should().BeGreaterThan(0);
        Interlocked.Read(ref refusedAfterDispose).Should().BeGreaterThan(0, "after Dispose, Put returns false");
    }

    [Fact]
    public void The_repeat_timer_and_the_bus_thread_racing_a_stop_never_fail()
    {
        // At 1000 fps with frames put every few milliseconds, the feeding thread repeats the last frame on its
        // timer between puts; the output fails after a few frames, so the bus thread reports errors while the
        // controller stops and restarts.
        var failures = new ConcurrentQueue<Exception>();
        var logger = new CapturingLogger();
        using var skyLine = new SinkSkyLine("identity error-after=40 ! fakesink", new SkyLineOptions
        {
            MaxQueuedFrames = 2,
            RestartDelay = TimeSpan.FromMilliseconds(1),
            MaxRestartDelay = TimeSpan.FromMilliseconds(5),
        }, logger);
        using var stop = new CancellationTokenSource();
        var putter = StartThread("putter", () =>
        {
            using var frame = TestFrames.Numbered(64, 48, 3);
            while (!stop.IsCancellationRequested)
            {
                skyLine.Put(frame);
                Thread.Sleep(2);
            }
        }, failures);

        var controller = StartThread("controller", () =>
        {
            for (var cycle = 0; cycle < 1500; cycle++)
            {
                skyLine.StartStreaming(fps: 1000, width: 64, height: 48);
                Thread.Sleep(cycle % 3);
                skyLine.StopStreaming();
            }
        }, failures);

        var ended = controller.Join(TimeSpan.FromMinutes(3));
        stop.Cancel();
        putter.Join(JoinTimeout).Should().BeTrue();

        ended.Should().BeTrue("stops must not deadlock against the feeding thread, its timer or the bus thread");
        failures.Should().BeEmpty();
        skyLine.Statistics.FramesRepeated.Should().BeGreaterThan(0, "the repeat timer was exercised");
        logger.Entries.Should().NotContain(entry => entry.Exception is ObjectDisposedException);
    }

    [Fact]
    public void A_timer_callback_that_runs_late_after_the_stop_and_the_dispose_changes_nothing()
    {
        // .NET's timers may call back after they were disposed (a callback already on its way): this clock
        // keeps every callback it was given, and the test calls them all once everything is stopped.
        var clock = new LateTimerClock();
        var skyLine = new SinkSkyLine("identity error-after=3 ! fakesink", new SkyLineOptions { TimeProvider = clock, RestartDelay = TimeSpan.FromHours(1), MaxRestartDelay = TimeSpan.FromHours(1) });
        using var watch = new SkyLineWatch(skyLine);
        using var frame = TestFrames.Numbered(64, 48, 1);
        skyLine.StartStreaming(fps: 1000, width: 64, height: 48);
        for (var i = 0; i < 10 && skyLine.State == SkyLineState.Streaming; i++)
        {
            skyLine.Put(frame);
            Thread.Sleep(5);
        }
        watch.WaitForChange(SkyLineState.Error);
        skyLine.StartStreaming(fps: 1000, width: 64, height: 48);
        skyLine.Put(frame);
        Thread.Sleep(20);
        skyLine.StopStreaming();
        skyLine.Dispose();

        clock.Callbacks.Should().HaveCountGreaterThanOrEqualTo(3, "the feeding threads' repeat timers and the restart timer were made");
        foreach (var (callback, state) in clock.Callbacks)
        {
            var late = () => callback(state);
            late.Should().NotThrow();
        }
        skyLine.State.Should().Be(SkyLineState.Stopped);
    }

    /// <summary>The system's time, with timers whose callbacks the test can also call after they were disposed.</summary>
    private sealed class LateTimerClock : TimeProvider
    {
        private readonly ConcurrentQueue<(TimerCallback Callback, object? State)> _callbacks = new();

        internal IReadOnlyList<(TimerCallback Callback, object? State)> Callbacks => [.. _callbacks];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _callbacks.Enqueue((callback, state));
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    private static Thread StartThread(string name, Action body, ConcurrentQueue<Exception> failures)
    {
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception exception)
            {
                failures.Enqueue(exception);
            }
        }) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }
}
