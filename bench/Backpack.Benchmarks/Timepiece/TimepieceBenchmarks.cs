using BenchmarkDotNet.Attributes;
using Backpack.Timepiece;

namespace Backpack.Benchmarks.Timepiece;

/// <summary>
/// The calls a frame loop makes on every frame, against the floor they cannot go below: one read of the
/// monotonic clock (<see cref="TimeProvider.GetTimestamp"/>), which each of them makes at least once.
/// Target: Ticker.Tick and a StopWatch scope under 50 ns, and nothing allocated by any of them.
/// </summary>
[MemoryDiagnoser]
public class TimepieceBenchmarks : IDisposable
{
    private readonly Ticker _ticker = new();
    private readonly StopWatch _stopWatch = new("frame");
    private readonly TickerTachometer _tachometer = new((_, _) => { }, TimeSpan.FromMinutes(1), "bench.ticker_tachometer");
    private readonly StopWatchTachometer _stopWatchTachometer = new((_, _) => { }, TimeSpan.FromMinutes(1), "bench.stopwatch_tachometer");
    private readonly IntervalSchedule _schedule = new(TimeSpan.FromDays(1), () => { });
    private readonly TimeProvider _clock = TimeProvider.System;

    [GlobalSetup]
    public void Setup()
    {
        // Past the first tick, which only starts measuring (and fires the schedule once).
        _ticker.Tick();
        _tachometer.Tick();
        _schedule.Tick();
    }

    [Benchmark(Baseline = true, Description = "TimeProvider.GetTimestamp (floor)")]
    public long Timestamp() => _clock.GetTimestamp();

    [Benchmark(Description = "Ticker.Tick")]
    public void TickerTick() => _ticker.Tick();

    [Benchmark(Description = "StopWatch scope")]
    public void StopWatchScope()
    {
        using (_stopWatch.Start())
        {
        }
    }

    [Benchmark(Description = "TickerTachometer.Tick")]
    public bool TickerTachometerTick() => _tachometer.Tick();

    [Benchmark(Description = "StopWatchTachometer scope")]
    public void StopWatchTachometerScope()
    {
        using (_stopWatchTachometer.Start())
        {
        }
    }

    [Benchmark(Description = "IntervalSchedule.Tick (not firing)")]
    public bool IntervalScheduleTick() => _schedule.Tick();

    public void Dispose()
    {
        _tachometer.Dispose();
        _stopWatchTachometer.Dispose();
        GC.SuppressFinalize(this);
    }
}
