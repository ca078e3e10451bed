using System.Collections.Concurrent;
using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

/// <summary>StopStreamingAsync and DisposeAsync: they finish the recording as the synchronous stop does, may be repeated, never make Put throw, and never block on themselves.</summary>
public sealed class SkyLineAsyncStopTests
{
    private const int Frames = 45;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static RecorderSkyLine Record(string path, ManualClock clock) =>
        new(path, options: new SkyLineOptions { TimeProvider = clock, MaxQueuedFrames = 256 });

    /// <summary>Puts <see cref="Frames"/> frames at 30 fps of the manual clock, as fast as possible: most are still queued when this returns.</summary>
    private static void PutAll(SkyLine skyLine, ManualClock clock)
    {
        skyLine.StartStreaming(fps: 30, width: 320, height: 240);
        for (var i = 0; i < Frames; i++)
        {
            clock.AdvanceTo(TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / 30));
            using var frame = TestFrames.Numbered(320, 240, i);
            skyLine.Put(frame).Should().BeTrue();
        }
    }

    /// <summary>An MP4 is readable only once its muxer saw the end of the stream (the index is written last).</summary>
    private static void ShouldBeComplete(string path)
    {
        var probe = MediaProbe.Of(path);
        probe.Codec.Should().Be("h264");
        probe.Packets.Should().Be(Frames, "every queued frame was encoded before the file was closed");
    }

    [Fact]
    public async Task StopStreamingAsync_completes_the_recording_and_a_second_call_does_nothing()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var clock = new ManualClock();
        var path = directory.File("async-stop.mp4");
        using var recorder = Record(path, clock);
        PutAll(recorder, clock);

        await recorder.StopStreamingAsync().WaitAsync(Wait);
        await recorder.StopStreamingAsync().WaitAsync(Wait);

        recorder.State.Should().Be(SkyLineState.Stopped);
        recorder.CompletedFiles.Should().Equal(path);
        recorder.Statistics.FramesEncoded.Should().Be(Frames);
        ShouldBeComplete(path);
    }

    [Fact]
    public async Task Concurrent_StopStreamingAsync_calls_all_wait_for_the_same_complete_recording()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var clock = new ManualClock();
        var path = directory.File("concurrent-stop.mp4");
        using var recorder = Record(path, clock);
        PutAll(recorder, clock);

        var stops = Enumerable.Range(0, 4).Select(_ => Task.Run(() => recorder.StopStreamingAsync())).ToArray();
        await Task.WhenAll(stops).WaitAsync(Wait);

        // Each returned only once the file was complete: the first stop's drain is awaited by the others.
        recorder.CompletedFiles.Should().Equal(path);
        ShouldBeComplete(path);
    }

    [Fact]
    public async Task DisposeAsync_completes_the_recording_and_is_idempotent_with_every_other_stop()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var clock = new ManualClock();
        var path = directory.File("async-dispose.mp4");
        var recorder = Record(path, clock);
        PutAll(recorder, clock);

        await recorder.DisposeAsync().AsTask().WaitAsync(Wait);

        ShouldBeComplete(path);
        await recorder.DisposeAsync().AsTask().WaitAsync(Wait);
        await recorder.StopStreamingAsync().WaitAsync(Wait);
        var again = () =>
        {
            recorder.StopStreaming();
            recorder.Dispose();
        };
        again.Should().NotThrow();
        var start = () => recorder.StartStreaming();
        start.Should().Throw<ObjectDisposedException>();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Put_from_several_threads_during_and_after_the_async_stop_returns_false_and_never_throws(bool dispose)
    {
        var clock = new ManualClock();
        var skyLine = new SinkSkyLine("fakesink", new SkyLineOptions { TimeProvider = clock });
        skyLine.StartStreaming(30, 160, 120);
        using var stopped = new ManualResetEventSlim();
        var failures = new ConcurrentQueue<Exception>();
        var refusedAfter = new ConcurrentQueue<bool>();
        var putters = Enumerable.Range(0, 4).Select(index => new Thread(() =>
        {
            using var frame = TestFrames.Numbered(160, 120, index);
            try
            {
                while (!stopped.IsSet)
                {
                    skyLine.Put(frame);
                }
                // Once the stop returned, every Put is refused.
                for (var i = 0; i < 100; i++)
                {
                    refusedAfter.Enqueue(!skyLine.Put(frame));
                }
            }
            catch (Exception exception)
            {
                failures.Enqueue(exception);
            }
        }) { IsBackground = true, Name = $"putter {index}" }).ToList();
        putters.ForEach(thread => thread.Start());
        SpinWait.SpinUntil(() => skyLine.Statistics.FramesPut > 100, Wait).Should().BeTrue();

        if (dispose)
        {
            await skyLine.DisposeAsync().AsTask().WaitAsync(Wait);
        }
        else
        {
            await skyLine.StopStreamingAsync().WaitAsync(Wait);
        }
        stopped.Set();
        putters.ForEach(thread => thread.Join(Wait).Should().BeTrue());

        failures.Should().BeEmpty();
        refusedAfter.Should().HaveCount(400).And.OnlyContain(refused => refused);
        await skyLine.DisposeAsync();
    }

    [Fact]
    public async Task DisposeAsync_on_a_single_threaded_context_that_awaits_it_completes_without_blocking_that_thread()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var clock = new ManualClock();
        var path = directory.File("single-threaded.mp4");
        var recorder = Record(path, clock);
        PutAll(recorder, clock);
        using var context = new SingleThreadContext();
        var ranMeanwhile = false;

        // The context's one thread calls DisposeAsync and awaits it there: a dispose that blocked on its own continuations,
        // or waited synchronously for the drain, would hold the only thread and never let the other item run first.
        var disposed = context.Run(async () =>
        {
            var pending = recorder.DisposeAsync();
            context.Post(() => ranMeanwhile = !recorder.CompletedFiles.Contains(path));
            await pending;
        });
        await disposed.WaitAsync(Wait);

        ranMeanwhile.Should().BeTrue("the context's thread was free while the recording drained");
        ShouldBeComplete(path);
    }

    /// <summary>A synchronization context with one thread that runs what is posted, in order (a UI thread's).</summary>
    private sealed class SingleThreadContext : SynchronizationContext, IDisposable
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];
        private readonly Thread _thread;

        internal SingleThreadContext()
        {
            _thread = new Thread(() =>
            {
                SetSynchronizationContext(this);
                foreach (var (callback, state) in _queue.GetConsumingEnumerable())
                {
                    callback(state);
                }
            }) { IsBackground = true, Name = "single-threaded context" };
            _thread.Start();
        }

        public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

        internal void Post(Action action) => Post(static state => ((Action)state!)(), action);

        /// <summary>Runs <paramref name="body"/> on the context's thread; its awaits come back to that thread.</summary>
        internal Task Run(Func<Task> body)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Post(async () =>
            {
                try
                {
                    await body();
                    done.SetResult();
                }
                catch (Exception exception)
                {
                    done.SetException(exception);
                }
            });
            return done.Task;
        }

        public void Dispose()
        {
            _queue.CompleteAdding();
            _thread.Join(TimeSpan.FromSeconds(5));
            _queue.Dispose();
        }
    }
}
