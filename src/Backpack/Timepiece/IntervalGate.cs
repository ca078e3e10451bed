namespace Backpack.Timepiece;

/// <summary>
/// Opens once per interval of timestamp ticks. On a grid anchored at its first opening (the default): at the
/// first call at or after each grid point, so two openings can be less than an interval apart when one came late,
/// and after a stall of several intervals it opens once and realigns to the grid, never catching up. Or, with a
/// fixed delay, at the first call at least one interval after the previous opening.
/// Safe to pass from several threads: each opening is granted to exactly one caller.
/// </summary>
/// <remarks>A mutable struct: keep it in a field (not <c>readonly</c>) and call it in place.</remarks>
internal struct IntervalGate
{
    private const long NotStarted = long.MinValue;

    private readonly long _interval;
    private readonly bool _fixedDelay;
    private long _next;

    /// <summary>A gate opening every <paramref name="interval"/> timestamp ticks.</summary>
    /// <param name="interval">Timestamp ticks between openings; positive.</param>
    /// <param name="fixedDelay">True to count each interval from the previous opening rather than on the grid.</param>
    internal IntervalGate(long interval, bool fixedDelay = false)
    {
        _interval = interval;
        _fixedDelay = fixedDelay;
        _next = NotStarted;
    }

    /// <summary>True once <see cref="TryPass"/> or <see cref="Start"/> has anchored the grid.</summary>
    internal bool IsStarted => Volatile.Read(ref _next) != NotStarted;

    /// <summary>Anchors the grid at <paramref name="now"/> without opening: the first opening is one interval later.</summary>
    internal void Start(long now) => Volatile.Write(ref _next, TimestampMath.SaturatingAdd(now, _interval));

    /// <summary>
    /// True when the gate opens at <paramref name="now"/>: at the first call, and then at the first
    /// call at or after each point of the grid (with a fixed delay: one interval after the previous opening).
    /// </summary>
    internal bool TryPass(long now)
    {
        var next = Volatile.Read(ref _next);
        if (now < next)
        {
            return false;
        }

        // The next opening is one interval from now (fixed delay), or the first grid point after now, however many
        // points the caller missed.
        var following = next == NotStarted || _fixedDelay
            ? TimestampMath.SaturatingAdd(now, _interval)
            : TimestampMath.SaturatingAdd(now - ((now - next) % _interval), _interval);
        return Interlocked.CompareExchange(ref _next, following, next) == next;
    }
}
