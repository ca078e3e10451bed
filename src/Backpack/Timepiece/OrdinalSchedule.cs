using Microsoft.Extensions.Logging;

namespace Backpack.Timepiece;

/// <summary>
/// Fires on every <see cref="Ordinal"/>-th <see cref="Schedule.Tick()"/>: with an ordinal of 17, on ticks
/// 17, 34, 51 and so on — never on the first unless the ordinal is 1. An ordinal of 0 never fires.
/// </summary>
/// <remarks>
/// Counting is atomic, so ticks from several threads are each counted once. See <see cref="Schedule"/>
/// for inline and dispatched callbacks.
/// </remarks>
/// <example>
/// <code>
/// var every17th = new OrdinalSchedule(17, () => Console.WriteLine("OrdinalSchedule was called"));
/// for (var frame = 1; frame &lt;= 125; frame++)
/// {
///     every17th.Tick();   // fires at frames 17, 34, 51, 68, 85, 102 and 119
/// }
/// </code>
/// </example>
public sealed class OrdinalSchedule : Schedule
{
    private long _ticks;

    /// <summary>A schedule that runs <paramref name="callback"/> on every <paramref name="ordinal"/>-th tick.</summary>
    /// <param name="ordinal">Fire once every this many ticks; 0 never fires.</param>
    /// <param name="callback">What to run.</param>
    /// <param name="dispatcher">Where to run the callback; inline, inside <see cref="Schedule.Tick()"/>, when null.</param>
    /// <param name="logger">Where failures of a dispatched callback go; nowhere when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ordinal"/> is negative.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    public OrdinalSchedule(int ordinal, Action callback, TaskScheduler? dispatcher = null, ILogger? logger = null)
        : this(ordinal, ToFunction(callback), dispatcher, logger)
    {
    }

    /// <summary>A schedule that runs <paramref name="callback"/> on every <paramref name="ordinal"/>-th tick, and gives its result.</summary>
    /// <param name="ordinal">Fire once every this many ticks; 0 never fires.</param>
    /// <param name="callback">What to run; an inline callback's result comes back from <see cref="Schedule.Tick(out object?)"/>.</param>
    /// <param name="dispatcher">Where to run the callback; inline, inside <see cref="Schedule.Tick()"/>, when null.</param>
    /// <param name="logger">Where failures of a dispatched callback go; nowhere when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ordinal"/> is negative.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    public OrdinalSchedule(int ordinal, Func<object?> callback, TaskScheduler? dispatcher = null, ILogger? logger = null)
        : base(isRepeating: true, ToFunction(callback), dispatcher, logger)
    {
        Ordinal = ValidateOrdinal(ordinal);
    }

    /// <summary>The schedule fires once every this many ticks; 0 means never.</summary>
    public int Ordinal { get; }

    private protected override bool TryTrigger() =>
        Ordinal != 0 && Interlocked.Increment(ref _ticks) % Ordinal == 0;

    private static int ValidateOrdinal(int ordinal)
    {
        if (ordinal < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(ordinal), ordinal, $"Expected an ordinal of 0 (never fire) or more, got {ordinal}.");
        }

        return ordinal;
    }
}
