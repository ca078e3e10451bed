using System.Collections.Concurrent;
using Backpack.Streaming.SkyLines;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Tests.SkyLines;

/// <summary>StateChanged runs user code: it must never run inside Put or on the library's threads, and a handler that throws changes nothing.</summary>
public sealed class SkyLineEventTests
{
    private const string FailingOutput = "identity error-after=5 ! fakesink";

    [Fact]
    public void A_handler_that_throws_during_the_warmup_stays_out_of_Put_and_the_stream_starts_anyway()
    {
        var clock = new ManualClock();
        var logger = new CapturingLogger();
        using var skyLine = new SinkSkyLine("fakesink", new SkyLineOptions { TimeProvider = clock, WarmupFrames = 5 }, logger);
        var putThread = Environment.CurrentManagedThreadId;
        var handlerThreads = new ConcurrentBag<int>();
        skyLine.StateChanged += (_, _) =>
        {
            handlerThreads.Add(Environment.CurrentManagedThreadId);
            throw new InvalidOperationException("the application's handler fails");
        };
        using var watch = new SkyLineWatch(skyLine);
        skyLine.StartStreaming();

        for (var i = 0; i < 40; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(40));
            using var frame = TestFrames.Numbered(160, 120, i);
            var put = () => skyLine.Put(frame);
            put.Should().NotThrow();
            if (i == 0)
            {
                // A real warmup lasts long enough for its buffers to be prepared on another thread; this one is instantaneous.
                skyLine.WaitForPreparedBuffers(TimeSpan.FromSeconds(20)).Should().BeTrue();
            }
        }
        watch.WaitForChange(SkyLineState.Streaming);
        WaitUntil(() => skyLine.Statistics.FramesEncoded > 0);
        skyLine.StopStreaming();

        skyLine.Statistics.FramesEncoded.Should().BeGreaterThan(0, "the pipeline was built although every handler threw");
        WaitUntil(() => handlerThreads.Count >= 4);
        handlerThreads.Should().NotContain(putThread, "handlers never run inside Put");
        logger.Entries.Should().Contain(entry => entry.Level == LogLevel.Error && entry.Exception is InvalidOperationException && entry.Message.Contains("event handler"));
    }

    [Fact]
    public void A_handler_that_throws_after_a_pipeline_error_and_on_the_restart_timer_neither_kills_the_process_nor_stops_the_restart()
    {
        var clock = new ManualClock();
        var logger = new CapturingLogger();
        using var skyLine = new SinkSkyLine(FailingOutput, new SkyLineOptions { TimeProvider = clock, RestartDelay = TimeSpan.FromSeconds(1) }, logger);
        var timerThread = Environment.CurrentManagedThreadId;
        var handlerThreads = new ConcurrentBag<int>();
        skyLine.StateChanged += (_, _) =>
        {
            handlerThreads.Add(Environment.CurrentManagedThreadId);
            throw new InvalidOperationException("the application's handler fails");
        };
        using var watch = new SkyLineWatch(skyLine);
        skyLine.StartStreaming(30, 160, 120);

        for (var i = 0; i < 8; i++)
        {
            clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 30));
            using var frame = TestFrames.Numbered(160, 120, i);
            skyLine.Put(frame);
        }
        watch.WaitForChange(SkyLineState.Error);
        // The manual clock fires the restart timer on this thread: the handler of the change it makes must not run here.
        clock.Advance(TimeSpan.FromSeconds(1));
        watch.WaitForChange(SkyLineState.Streaming, occurrence: 2);

        skyLine.State.Should().Be(SkyLineState.Streaming);
        skyLine.Statistics.Restarts.Should().Be(1);
        handlerThreads.Should().NotContain(timerThread);
    }

    [Fact]
    public void Every_handler_gets_every_change_in_order_even_when_another_handler_throws()
    {
        using var skyLine = new SinkSkyLine("fakesink");
        skyLine.StateChanged += (_, _) => throw new InvalidOperationException("first handler fails");
        using var watch = new SkyLineWatch(skyLine);

        for (var cycle = 0; cycle < 20; cycle++)
        {
            skyLine.StartStreaming(30, 64, 48);
            skyLine.StopStreaming();
        }

        WaitUntil(() => watch.Changes.Count >= 40);
        watch.Changes.Select(change => change.Current).Should().Equal(
            Enumerable.Range(0, 20).SelectMany(_ => new[] { SkyLineState.Streaming, SkyLineState.Stopped }));
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold within 20 s.");
            }
            Thread.Sleep(10);
        }
    }
}
