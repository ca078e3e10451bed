namespace Backpack.Timepiece;

/// <summary>
/// Opens at most once per interval of timestamp ticks, on a grid anchored at its first opening:
/// after a stall of several intervals it opens once and realigns to the grid, never catching up.
/// Safe to pass from several threads: each opening is granted to exactly one caller.
/// </summary>
/// <remarks>A mutable struct: keep it in a field (not <c>readonly</c>) and call it in place.</remarks>
internal struct IntervalGate
{
    private const long NotStarted = long.MinValue;

    private readonly long _interval;
    private long _next;

    internal IntervalGate(long interval)
    {
        _interval = interval;
        _next = NotStarted;
    }

    /// <summary>True once <see cref="TryPass"/> or <see cref="Start"/> has anchored the grid.</summary>
    internal bool IsStarted => Volatile.Read(ref _next) != NotStarted;

    /// <summary>Anchors the grid at <paramref name="now"/> without opening: the first opening is one interval later.</summary>
    internal void Start(long now) => Volatile.Write(ref _next, TimestampMath.SaturatingAdd(now, _interval));

    /// <summary>
    /// True when the gate opens at <paramref name="now"/>: at the first call, and then at the first
    /// call at or after each point of the grid.
    /// </summary>
    internal bool TryPass(long now)
    {
        var next = Volatile.Read(ref _next);
        if (now < next)
        {
            return false;
        }

        // The next opening is the first grid point after now, however many points the caller missed.
        var following = next == NotStarted
            ? TimestampMath.SaturatingAdd(now, _interval)
            : TimestampMath.SaturatingAdd(now - ((now - next) % _interval), _interval);
        return Interlocked.CompareExchange(ref _next, following, next) == next;
    }
}
