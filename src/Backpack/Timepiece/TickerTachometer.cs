using Microsoft.Extensions.Logging;

namespace Backpack.Timepiece;

/// <summary>
/// A <see cref="Ticker"/> that reports: measures the time between <see cref="Tick"/> calls — the frame
/// time when the loop ticks once per frame — and every <see cref="Tachometer.StatsInterval"/> calls the
/// stats callback with the window's statistics. See <see cref="Tachometer"/> for windows, dispatching,
/// metrics and thread safety.
/// </summary>
/// <remarks>
/// Not sealed: a reporting tachometer, such as the CloudWatch one of <c>Backpack.Aws</c>, derives from it
/// and passes a callback that sends the window to its service, usually with a dispatcher.
/// </remarks>
/// <example>
/// <code>
/// using var tachometer = new TickerTachometer(
///     (timestamp, timer) => Console.WriteLine(
///         $"timestamp: {timestamp:O}\nmin: {timer.Min.TotalSeconds:F4}, max: {timer.Max.TotalSeconds:F4}, " +
///         $"sum: {timer.Sum.TotalSeconds:F4}, num: {timer.Count}"),
///     TimeSpan.FromSeconds(2));
/// while (running)
/// {
///     tachometer.Tick();
///     ProcessFrame();
/// }
/// </code>
/// </example>
public class TickerTachometer : Tachometer
{
    /// <summary>The <see cref="Tachometer.Name"/> of a ticker tachometer created without one.</summary>
    public const string DefaultName = "backpack.ticker_tachometer";

    /// <summary>A tachometer reporting every <see cref="Tachometer.DefaultStatsInterval"/> (one minute), inline.</summary>
    /// <param name="statsCallback">Called with the local time of each report and the window's intervals.</param>
    /// <exception cref="ArgumentNullException"><paramref name="statsCallback"/> is null.</exception>
    public TickerTachometer(Action<DateTimeOffset, IntervalTimer> statsCallback)
        : this(statsCallback, DefaultStatsInterval)
    {
    }

    /// <summary>A tachometer reporting every <paramref name="statsInterval"/>.</summary>
    /// <param name="statsCallback">
    /// Called with the local time of each report and a detached <see cref="IntervalTimer"/> holding the
    /// window's intervals, which stays valid after the call.
    /// </param>
    /// <param name="statsInterval">The time between reports; positive. <see cref="Tachometer.DefaultStatsInterval"/> is one minute.</param>
    /// <param name="name">The histogram instrument's name (see <see cref="Tachometer.Name"/>); <see cref="DefaultName"/> when null.</param>
    /// <param name="dispatcher">Where to run the stats callback; inline, inside <see cref="Tick"/>, when null.</param>
    /// <param name="timeProvider">Where time comes from; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where failures of a dispatched callback go; nowhere when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="statsCallback"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statsInterval"/> is zero or negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid instrument name.</exception>
    public TickerTachometer(
        Action<DateTimeOffset, IntervalTimer> statsCallback,
        TimeSpan statsInterval,
        string? name = null,
        TaskScheduler? dispatcher = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null)
        : base(statsCallback, statsInterval, name, DefaultName, nameof(Ticker), dispatcher, timeProvider, logger)
    {
    }

    /// <summary>
    /// Registers an event: records the interval since the previous tick (the first tick only starts
    /// measuring) and reports the window when it is due. Allocates nothing, except once per report.
    /// </summary>
    /// <returns>True when this tick reported a window (ran or dispatched the stats callback).</returns>
    public bool Tick() => TickCore();
}
