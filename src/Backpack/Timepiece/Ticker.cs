namespace Backpack.Timepiece;

/// <summary>
/// Measures the time between repeated events: each <see cref="Tick"/> records the interval since the
/// previous one, and the <see cref="IntervalTimer"/> statistics describe the last
/// <see cref="IntervalTimer.MaxIntervals"/> intervals — for example the time the application spends on
/// each frame when it ticks once per frame.
/// </summary>
/// <remarks>
/// <see cref="Tick"/> reads the monotonic timestamp of the <see cref="TimeProvider"/> (wall-clock changes do not
/// disturb it) and allocates nothing. Not thread safe: tick from one thread at a time.
/// </remarks>
/// <example>
/// <code>
/// var ticker = new Ticker(maxIntervals: 5);
/// for (var i = 0; i &lt; 10; i++)
/// {
///     ticker.Tick();
///     Thread.Sleep(Random.Shared.Next(100));
/// }
/// Console.WriteLine(ticker);
/// // &lt;Ticker intervals=[0.0899, 0.0632, 0.0543, 0.0713, 0.0681] min=0.0543 mean=0.0694 max=0.0899&gt;
/// Console.WriteLine($"{ticker.Frequency:F1} Hz");
/// </code>
/// </example>
public sealed class Ticker : IntervalTimer
{
    private const long NoTick = long.MinValue;

    private readonly TimeProvider _time;
    private long _lastTick = NoTick;

    /// <summary>Creates a ticker that keeps the last <paramref name="maxIntervals"/> intervals.</summary>
    /// <param name="maxIntervals">How many of the latest intervals to keep, at least 1.</param>
    /// <param name="timeProvider">Where time comes from; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxIntervals"/> is less than 1.</exception>
    public Ticker(int maxIntervals = 10, TimeProvider? timeProvider = null)
        : base(maxIntervals, (timeProvider ?? TimeProvider.System).TimestampFrequency)
    {
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Registers an event: records the interval since the previous tick (the first tick only starts
    /// the measurement). Allocates nothing.
    /// </summary>
    public void Tick()
    {
        var now = _time.GetTimestamp();
        var last = _lastTick;
        _lastTick = now;
        if (last != NoTick)
        {
            Record(now - last);
        }
    }
}
