using Microsoft.Extensions.Logging;

namespace Backpack.Timepiece;

/// <summary>
/// A <see cref="StopWatch"/> that reports: measures the duration of a block, as a <c>using</c> scope
/// (<see cref="Start"/>) or by wrapping a delegate (<see cref="Measure(Action)"/>), and every
/// <see cref="Tachometer.StatsInterval"/> calls the stats callback with the window's statistics. See
/// <see cref="Tachometer"/> for windows, dispatching, metrics and thread safety.
/// </summary>
/// <example>
/// <code>
/// using var inference = new StopWatchTachometer(
///     (timestamp, timer) => Console.WriteLine($"{timestamp:T} mean inference: {timer.Mean.TotalMilliseconds:F1} ms"),
///     TimeSpan.FromSeconds(10),
///     name: "inference_time");
/// while (running)
/// {
///     using (inference.Start())
///     {
///         RunModel(frame);
///     }
/// }
/// </code>
/// </example>
public sealed class StopWatchTachometer : Tachometer, IIntervalRecorder
{
    /// <summary>The <see cref="Tachometer.Name"/> of a stopwatch tachometer created without one.</summary>
    public const string DefaultName = "backpack.stopwatch_tachometer";

    /// <summary>A tachometer reporting every <see cref="Tachometer.DefaultStatsInterval"/> (one minute), inline.</summary>
    /// <param name="statsCallback">Called with the local time of each report and the window's durations.</param>
    /// <exception cref="ArgumentNullException"><paramref name="statsCallback"/> is null.</exception>
    public StopWatchTachometer(Action<DateTimeOffset, IntervalTimer> statsCallback)
        : this(statsCallback, DefaultStatsInterval)
    {
    }

    /// <summary>A tachometer reporting every <paramref name="statsInterval"/>.</summary>
    /// <param name="statsCallback">
    /// Called with the local time of each report and a detached <see cref="IntervalTimer"/> holding the
    /// window's durations, which stays valid after the call.
    /// </param>
    /// <param name="statsInterval">The time between reports; positive. <see cref="Tachometer.DefaultStatsInterval"/> is one minute.</param>
    /// <param name="name">The histogram instrument's name (see <see cref="Tachometer.Name"/>); <see cref="DefaultName"/> when null.</param>
    /// <param name="dispatcher">Where to run the stats callback; inline, at the end of the measurement that closes the window, when null.</param>
    /// <param name="timeProvider">Where time comes from; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where failures of a dispatched callback go; nowhere when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="statsCallback"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statsInterval"/> is zero or negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid instrument name.</exception>
    public StopWatchTachometer(
        Action<DateTimeOffset, IntervalTimer> statsCallback,
        TimeSpan statsInterval,
        string? name = null,
        TaskScheduler? dispatcher = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null)
        : base(statsCallback, statsInterval, name, DefaultName, nameof(StopWatch), dispatcher, timeProvider, logger)
    {
    }

    TimeProvider IIntervalRecorder.Time => Time;

    /// <summary>
    /// Starts a measurement that ends when the returned scope is disposed:
    /// <c>using (tachometer.Start()) { ... }</c>. Ending it reports the window when it is due.
    /// Allocates nothing, except once per report.
    /// </summary>
    public StopWatchScope Start() => StopWatchScope.Start(this);

    /// <summary>Wraps <paramref name="action"/> so that each call of the returned action is measured, even when it throws.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    public Action Measure(Action action) => StopWatchScope.Wrap(this, action);

    /// <summary>Wraps <paramref name="function"/> so that each call of the returned function is measured, even when it throws.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    public Func<TResult> Measure<TResult>(Func<TResult> function) => StopWatchScope.Wrap(this, function);

    void IIntervalRecorder.Stop(long startTimestamp) => StopCore(startTimestamp);
}
