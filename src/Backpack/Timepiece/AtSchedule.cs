using Microsoft.Extensions.Logging;

namespace Backpack.Timepiece;

/// <summary>
/// Fires once, at the first <see cref="Schedule.Tick()"/> after <see cref="At"/>. Setting <see cref="At"/>
/// again re-arms it; a null <see cref="At"/> never fires.
/// </summary>
/// <remarks>
/// <see cref="At"/> is compared with <see cref="TimeProvider.GetUtcNow"/> (as instants, whatever their
/// offsets). It fires only once per arming even when ticked from several threads at once, inline or
/// dispatched. See <see cref="Schedule"/> for inline and dispatched callbacks.
/// </remarks>
/// <example>
/// <code>
/// var reminder = new AtSchedule(
///     LocalClock.Now() + TimeSpan.FromSeconds(3),
///     () => Console.WriteLine($"AtSchedule was called at {LocalClock.Now():O}"),
///     dispatcher: TaskScheduler.Default);
/// while (running)
/// {
///     reminder.Tick();   // fires once, at the first tick after 3 s
///     ProcessFrame();
/// }
/// </code>
/// </example>
public sealed class AtSchedule : Schedule
{
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private DateTimeOffset? _at;
    private bool _fired;

    /// <summary>A schedule that runs <paramref name="callback"/> once, at the first tick after <paramref name="at"/>.</summary>
    /// <param name="at">When to fire; null to stay disarmed until <see cref="At"/> is set.</param>
    /// <param name="callback">What to run.</param>
    /// <param name="dispatcher">Where to run the callback; inline, inside <see cref="Schedule.Tick()"/>, when null.</param>
    /// <param name="timeProvider">Where time comes from; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where failures of a dispatched callback go; nowhere when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    public AtSchedule(DateTimeOffset? at, Action callback, TaskScheduler? dispatcher = null, TimeProvider? timeProvider = null, ILogger? logger = null)
        : this(at, ToFunction(callback), dispatcher, timeProvider, logger)
    {
    }

    /// <summary>A schedule that runs <paramref name="callback"/> once, at the first tick after <paramref name="at"/>, and gives its result.</summary>
    /// <param name="at">When to fire; null to stay disarmed until <see cref="At"/> is set.</param>
    /// <param name="callback">What to run; an inline callback's result comes back from <see cref="Schedule.Tick(out object?)"/>.</param>
    /// <param name="dispatcher">Where to run the callback; inline, inside <see cref="Schedule.Tick()"/>, when null.</param>
    /// <param name="timeProvider">Where time comes from; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where failures of a dispatched callback go; nowhere when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    public AtSchedule(DateTimeOffset? at, Func<object?> callback, TaskScheduler? dispatcher = null, TimeProvider? timeProvider = null, ILogger? logger = null)
        : base(isRepeating: false, ToFunction(callback), dispatcher, logger)
    {
        _time = timeProvider ?? TimeProvider.System;
        _at = at;
    }

    /// <summary>
    /// When the schedule fires: at the first tick strictly after this instant. Setting it, even to the
    /// same value, re-arms the schedule; null disarms it.
    /// </summary>
    public DateTimeOffset? At
    {
        get
        {
            lock (_lock)
            {
                return _at;
            }
        }

        set
        {
            lock (_lock)
            {
                _at = value;
                _fired = false;
            }
        }
    }

    /// <summary>True while armed: <see cref="At"/> is set and the schedule has not fired since.</summary>
    public bool IsPending
    {
        get
        {
            lock (_lock)
            {
                return _at is not null && !_fired;
            }
        }
    }

    private protected override bool TryTrigger()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_fired || _at is not { } at || now <= at)
            {
                return false;
            }

            _fired = true;
            return true;
        }
    }
}
