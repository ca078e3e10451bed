using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backpack.Timepiece;

/// <summary>
/// Calls a callback when its time has come, checked each time the application calls <see cref="Tick()"/>
/// from its own loop: a schedule has no thread or timer of its own. <see cref="AtSchedule"/> fires once at
/// a point in time, <see cref="IntervalSchedule"/> repeatedly at an interval, <see cref="OrdinalSchedule"/>
/// on every n-th tick; an <see cref="AlarmClock"/> ticks several at once.
/// </summary>
/// <remarks>
/// <para>
/// <b>Inline or dispatched.</b> Without a dispatcher the callback runs inside <see cref="Tick()"/>, which
/// returns its result; an exception it throws reaches the caller of <see cref="Tick()"/>, like any code of
/// the caller's own. With a dispatcher — a <see cref="TaskScheduler"/>, the Python original's executor;
/// <see cref="TaskScheduler.Default"/> runs callbacks on the thread pool — <see cref="Tick()"/> queues the
/// callback and returns at once; an exception the callback throws is logged and never reaches the loop.
/// </para>
/// <para>
/// <b>Thread safety.</b> Ticking a schedule from several threads at once is safe: each firing happens once.
/// </para>
/// </remarks>
public abstract class Schedule
{
    private readonly Func<object?> _callback;
    private readonly DispatchedCallback? _dispatched;

    private protected Schedule(bool isRepeating, Func<object?> callback, TaskScheduler? dispatcher, ILogger? logger)
    {
        IsRepeating = isRepeating;
        _callback = callback;
        if (dispatcher is not null)
        {
            _dispatched = new DispatchedCallback(
                dispatcher, static state => ((Func<object?>)state!)(), logger ?? NullLogger.Instance, GetType().Name);
        }
    }

    /// <summary>True when the schedule may fire again after firing; false for a one-shot schedule, which an <see cref="AlarmClock"/> drops once it fired.</summary>
    public bool IsRepeating { get; }

    /// <summary>True when the callback runs on a dispatcher rather than inside <see cref="Tick()"/>.</summary>
    public bool IsDispatched => _dispatched is not null;

    /// <summary>
    /// The heartbeat: call it regularly, typically once per frame. Fires the schedule when its time has
    /// come: runs the callback inline, or queues it on the dispatcher.
    /// </summary>
    /// <returns>True when the schedule fired in this call.</returns>
    public bool Tick() => Tick(out _);

    /// <summary>As <see cref="Tick()"/>, also giving the callback's result.</summary>
    /// <param name="result">
    /// What an inline callback returned (null for an <see cref="Action"/>); null when the schedule did not
    /// fire or the callback was dispatched.
    /// </param>
    /// <returns>True when the schedule fired in this call.</returns>
    public bool Tick(out object? result)
    {
        var fired = false;
        return Tick(ref fired, out result);
    }

    /// <summary>
    /// Fires when due. <paramref name="fired"/> turns true before the callback runs, so that a caller
    /// still knows the schedule fired when an inline callback throws.
    /// </summary>
    internal bool Tick(ref bool fired, out object? result)
    {
        result = null;
        if (!TryTrigger())
        {
            return false;
        }

        fired = true;
        if (_dispatched is null)
        {
            result = _callback();
        }
        else
        {
            _dispatched.Post(_callback);
        }

        return true;
    }

    /// <summary>
    /// True when the schedule fires now. Commits the firing atomically: of several threads ticking at
    /// once, one gets true per firing.
    /// </summary>
    private protected abstract bool TryTrigger();

    /// <summary>The callback as a function with a result; throws, naming <c>callback</c>, when it is null.</summary>
    private protected static Func<object?> ToFunction(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return () =>
        {
            callback();
            return null;
        };
    }

    /// <summary>Throws, naming <c>callback</c>, when it is null.</summary>
    private protected static Func<object?> ToFunction(Func<object?> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return callback;
    }
}
