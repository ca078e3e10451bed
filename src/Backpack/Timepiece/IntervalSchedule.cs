using Microsoft.Extensions.Logging;

namespace Backpack.Timepiece;

/// <summary>
/// Fires at the first <see cref="Schedule.Tick()"/> and then once per <see cref="Interval"/>, as the original
/// does: at the first tick at or after each multiple of the interval since the first firing. Firings keep that
/// grid's rhythm, so they are one interval apart on average but not always: a firing that came late can be
/// followed by one less than an interval later (with a 1 s interval and ticks at 0, 1.1 and 2.0 s, all three
/// fire, the last two 0.9 s apart). After a stall longer than the interval it fires once, not once per missed
/// interval, and keeps its rhythm.
/// </summary>
/// <remarks>
/// <para>
/// For firings never closer than the interval, pass <see cref="IntervalCadence.FixedDelay"/>: each firing is
/// then due one interval after the previous one, and late ticks push the following firings later.
/// </para>
/// <para>
/// Time is measured with the monotonic timestamp of the <see cref="TimeProvider"/>, so wall-clock changes
/// do not disturb it. A tick that does not fire allocates nothing. See <see cref="Schedule"/> for inline
/// and dispatched callbacks and thread safety.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var heartbeat = new IntervalSchedule(
///     TimeSpan.FromSeconds(1.35),
///     () => Console.WriteLine($"IntervalSchedule was called at {LocalClock.Now():O}"),
///     dispatcher: TaskScheduler.Default);
/// while (running)
/// {
///     heartbeat.Tick();
///     ProcessFrame();
/// }
/// </code>
/// </example>
public sealed class IntervalSchedule : Schedule
{
    private readonly TimeProvider _time;
    private IntervalGate _gate;

    /// <summary>A schedule that runs <paramref name="callback"/> at the first tick and then once per <paramref name="interval"/>.</summary>
    /// <param name="interval">The time between firings; positive.</param>
    /// <param name="callback">What to run.</param>
    /// <param name="dispatcher">Where to run the callback; inline, inside <see cref="Schedule.Tick()"/>, when null.</param>
    /// <param name="timeProvider">Where time comes from; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where failures of a dispatched callback go; nowhere when null.</param>
    /// <param name="cadence">How firings are spaced: on the original's grid (the default) or at least an interval apart.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is zero or negative, or <paramref name="cadence"/> is not defined.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    public IntervalSchedule(
        TimeSpan interval, Action callback, TaskScheduler? dispatcher = null, TimeProvider? timeProvider = null, ILogger? logger = null,
        IntervalCadence cadence = IntervalCadence.FixedRate)
        : this(interval, ToFunction(callback), dispatcher, timeProvider, logger, cadence)
    {
    }

    /// <summary>A schedule that runs <paramref name="callback"/> at the first tick and then once per <paramref name="interval"/>, and gives its result.</summary>
    /// <param name="interval">The time between firings; positive.</param>
    /// <param name="callback">What to run; an inline callback's result comes back from <see cref="Schedule.Tick(out object?)"/>.</param>
    /// <param name="dispatcher">Where to run the callback; inline, inside <see cref="Schedule.Tick()"/>, when null.</param>
    /// <param name="timeProvider">Where time comes from; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where failures of a dispatched callback go; nowhere when null.</param>
    /// <param name="cadence">How firings are spaced: on the original's grid (the default) or at least an interval apart.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is zero or negative, or <paramref name="cadence"/> is not defined.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    public IntervalSchedule(
        TimeSpan interval, Func<object?> callback, TaskScheduler? dispatcher = null, TimeProvider? timeProvider = null, ILogger? logger = null,
        IntervalCadence cadence = IntervalCadence.FixedRate)
        : base(isRepeating: true, ToFunction(callback), dispatcher, logger)
    {
        _time = timeProvider ?? TimeProvider.System;
        Interval = ValidateInterval(interval);
        Cadence = Enum.IsDefined(cadence)
            ? cadence
            : throw new ArgumentOutOfRangeException(nameof(cadence), cadence, "Expected IntervalCadence.FixedRate or IntervalCadence.FixedDelay.");
        _gate = new IntervalGate(TimestampMath.ToTimestampTicks(interval, _time.TimestampFrequency), fixedDelay: cadence == IntervalCadence.FixedDelay);
    }

    /// <summary>The time between firings: on average for <see cref="IntervalCadence.FixedRate"/>, at least for <see cref="IntervalCadence.FixedDelay"/>.</summary>
    public TimeSpan Interval { get; }

    /// <summary>How firings are spaced.</summary>
    public IntervalCadence Cadence { get; }

    private protected override bool TryTrigger() => _gate.TryPass(_time.GetTimestamp());

    /// <summary>Throws, naming <c>interval</c>, unless the interval is positive.</summary>
    internal static TimeSpan ValidateInterval(TimeSpan interval, string parameterName = "interval")
    {
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(
                parameterName, interval, $"Expected a positive time interval, got {interval}.");
        }

        return interval;
    }
}
