using Backpack.Streaming.SkyLines;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Tests.SkyLines;

public sealed class SkyLineRestartTests
{
    // identity fails the pipeline after five encoded frames, in every pipeline the SkyLine builds.
    private const string FailingOutput = "identity error-after=5 ! fakesink";

    private static SkyLineStateChangedEventArgs PutUntilError(SkyLine skyLine, SkyLineWatch watch, ManualClock clock)
    {
        var errors = watch.Changes.Count(change => change.Current == SkyLineState.Error);
        for (var i = 0; i < 8; i++)
        {
            clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 30));
            using var frame = TestFrames.Numbered(160, 120, i);
            skyLine.Put(frame);
        }
        return watch.WaitForChange(SkyLineState.Error, errors + 1);
    }

    [Fact]
    public void A_pipeline_error_moves_to_error_and_the_SkyLine_rebuilds_itself_with_a_doubling_delay()
    {
        var clock = new ManualClock();
        var logger = new CapturingLogger();
        using var skyLine = new SinkSkyLine(FailingOutput, new SkyLineOptions
        {
            TimeProvider = clock,
            RestartDelay = TimeSpan.FromSeconds(1),
            MaxRestartDelay = TimeSpan.FromSeconds(30),
        }, logger);
        using var watch = new SkyLineWatch(skyLine);
        skyLine.StartStreaming(30, 160, 120);

        var error = PutUntilError(skyLine, watch, clock);

        error.Reason.Should().Contain("identity");
        logger.Entries.Should().Contain(entry => entry.Level == LogLevel.Error && entry.Message.Contains("pipeline error from identity") && entry.Message.Contains("debug:"));
        using (var frame = TestFrames.Numbered(160, 120, 0))
        {
            skyLine.Put(frame).Should().BeFalse("frames are refused while the pipeline is down, never thrown at");
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        skyLine.State.Should().Be(SkyLineState.Streaming);
        skyLine.Statistics.Restarts.Should().Be(1);

        PutUntilError(skyLine, watch, clock);
        clock.Advance(TimeSpan.FromSeconds(1));
        skyLine.State.Should().Be(SkyLineState.Error, "the second restart waits twice as long");
        clock.Advance(TimeSpan.FromSeconds(1));
        skyLine.State.Should().Be(SkyLineState.Streaming);
        skyLine.Statistics.Restarts.Should().Be(2);
        logger.Entries.Should().Contain(entry => entry.Message.Contains("restarts in 2 s (attempt 2)"));
    }

    [Fact]
    public void With_restarts_disabled_the_SkyLine_stays_in_error_until_started_again()
    {
        var clock = new ManualClock();
        using var skyLine = new SinkSkyLine(FailingOutput, new SkyLineOptions { TimeProvider = clock, AutoRestart = false });
        using var watch = new SkyLineWatch(skyLine);
        skyLine.StartStreaming(30, 160, 120);

        PutUntilError(skyLine, watch, clock);
        clock.Advance(TimeSpan.FromHours(1));

        skyLine.State.Should().Be(SkyLineState.Error);
        skyLine.StartStreaming();
        skyLine.State.Should().Be(SkyLineState.Streaming);
        skyLine.Statistics.Restarts.Should().Be(0);
    }

    [Fact]
    public void A_pipeline_that_cannot_start_leaves_start_streaming_in_error_with_GStreamers_reason()
    {
        var logger = new CapturingLogger();
        using var skyLine = new SinkSkyLine(
            "h264parse ! matroskamux ! filesink location=/no/such/directory/out.mkv",
            new SkyLineOptions { AutoRestart = false }, logger);
        using var watch = new SkyLineWatch(skyLine);

        skyLine.StartStreaming(30, 160, 120);

        skyLine.State.Should().Be(SkyLineState.Error);
        watch.WaitForChange(SkyLineState.Error).Reason.Should().Contain("/no/such/directory/out.mkv");
        logger.Entries.Should().Contain(entry => entry.Level == LogLevel.Error && entry.Message.Contains("could not start"));
    }

    [Fact]
    public void Stopping_during_the_restart_delay_cancels_the_restart()
    {
        var clock = new ManualClock();
        using var skyLine = new SinkSkyLine(FailingOutput, new SkyLineOptions { TimeProvider = clock });
        using var watch = new SkyLineWatch(skyLine);
        skyLine.StartStreaming(30, 160, 120);
        PutUntilError(skyLine, watch, clock);

        skyLine.StopStreaming();
        clock.Advance(TimeSpan.FromMinutes(5));

        skyLine.State.Should().Be(SkyLineState.Stopped);
        skyLine.Statistics.Restarts.Should().Be(0);
    }
}
