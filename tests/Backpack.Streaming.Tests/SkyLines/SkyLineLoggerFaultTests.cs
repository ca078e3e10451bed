using Backpack.Streaming.SkyLines;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Tests.SkyLines;

/// <summary>The application's logger is user code too: one that throws on every call must change nothing but the logs.</summary>
public sealed class SkyLineLoggerFaultTests
{
    // identity fails the pipeline after five encoded frames, in every pipeline the SkyLine builds.
    private const string FailingOutput = "identity error-after=5 ! fakesink";

    [Fact]
    public void With_a_logger_that_always_throws_a_pipeline_error_the_restart_a_throwing_handler_and_a_stop_leave_the_process_running_and_the_SkyLine_recovers()
    {
        var clock = new ManualClock();
        var logger = new CapturingLogger { Throws = true };
        using var skyLine = new SinkSkyLine(FailingOutput, new SkyLineOptions { TimeProvider = clock, RestartDelay = TimeSpan.FromSeconds(1) }, logger);
        var handled = 0;
        skyLine.StateChanged += (_, _) =>
        {
            Interlocked.Increment(ref handled);
            throw new InvalidOperationException("the application's handler fails");
        };
        using var watch = new SkyLineWatch(skyLine);
        skyLine.StartStreaming(30, 160, 120);

        for (var cycle = 1; cycle <= 2; cycle++)
        {
            for (var i = 0; i < 8; i++)
            {
                clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 30));
                using var frame = TestFrames.Numbered(160, 120, i);
                var put = () => skyLine.Put(frame);
                put.Should().NotThrow();
            }
            watch.WaitForChange(SkyLineState.Error, occurrence: cycle);
            // The restart timer fires on this thread (the manual clock's); its Restart logs, and the logger throws.
            clock.Advance(TimeSpan.FromSeconds(1 << (cycle - 1)));
            watch.WaitForChange(SkyLineState.Streaming, occurrence: cycle + 1);
        }
        skyLine.StopStreaming();

        skyLine.State.Should().Be(SkyLineState.Stopped);
        skyLine.Statistics.Restarts.Should().Be(2, "each pipeline error was followed by a rebuilt pipeline although every log call threw");
        skyLine.Statistics.FramesEncoded.Should().BeGreaterThan(5, "the rebuilt pipelines encoded");
        logger.Entries.Should().Contain(entry => entry.Level == LogLevel.Error && entry.Message.Contains("pipeline error from identity"), "the logger was called, and threw");
        logger.Entries.Should().Contain(entry => entry.Message.Contains("event handler"), "the handler's failure was logged, and the logger threw");
        SpinWait.SpinUntil(() => Volatile.Read(ref handled) >= 5, TimeSpan.FromSeconds(20)).Should().BeTrue("every change reached the handler");

        // And the SkyLine starts again afterwards.
        skyLine.StartStreaming();
        skyLine.State.Should().Be(SkyLineState.Streaming);
        skyLine.StopStreaming();
    }
}
