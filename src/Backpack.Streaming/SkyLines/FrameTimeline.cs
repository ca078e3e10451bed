namespace Backpack.Streaming.SkyLines;

/// <summary>
/// Places frames put at arbitrary moments onto the slots of a constant frame rate stream: slot
/// <c>s</c> is shown at <c>s / fps</c> after the first frame. Each frame takes the next slot if
/// its put time is within one frame period of it; a frame earlier than that is skipped (the app
/// puts faster than the frame rate); a frame later than that leaves the slots in between to
/// repeats of the previous frame (the app paused), so the stream stays in real time whatever the
/// cadence. Repeats of the last frame also fall due while no frame comes, one period after their
/// slot, so a live output keeps going during a pause.
/// </summary>
/// <remarks>
/// Exact integer arithmetic on clock ticks (no floating point drift). Not thread safe: the
/// feeding thread of a session owns it.
/// </remarks>
internal sealed class FrameTimeline
{
    private readonly long _numerator;
    private readonly long _denominator;
    private readonly long _frequency;
    private long _origin;
    private long _last = -1;

    /// <summary>A timeline at <paramref name="numerator"/>/<paramref name="denominator"/> frames per second.</summary>
    /// <param name="numerator">Frame rate numerator, 1 or more.</param>
    /// <param name="denominator">Frame rate denominator, 1 or more.</param>
    /// <param name="timestampFrequency">Clock ticks per second of the timestamps given (TimeProvider.TimestampFrequency).</param>
    internal FrameTimeline(int numerator, int denominator, long timestampFrequency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numerator, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(denominator, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(timestampFrequency, 1);
        _numerator = numerator;
        _denominator = denominator;
        _frequency = timestampFrequency;
    }

    /// <summary>Whether a frame was placed since the timeline began.</summary>
    internal bool HasStarted => _last >= 0;

    /// <summary>The slot of the last frame or repeat placed, or −1.</summary>
    internal long LastSlot => _last;

    /// <summary>The timestamp of slot 0 (the first frame's put time).</summary>
    internal long Origin => _origin;

    /// <summary>
    /// Places a frame put at <paramref name="timestamp"/>. Returns the slot it takes, or −1 when it
    /// comes too early and is to be skipped; <paramref name="repeats"/> tells how many repeats of
    /// the previous frame fill the slots before it. With <paramref name="noRepeats"/> (frames were
    /// dropped since the last one, so the gap is the encoder's doing, not the app's) the gap stays empty.
    /// </summary>
    internal long Place(long timestamp, bool noRepeats, out long repeats)
    {
        repeats = 0;
        if (_last < 0)
        {
            _origin = timestamp;
            _last = 0;
            return 0;
        }
        var next = _last + 1;
        var position = Position(timestamp);
        var unit = Unit;
        if (position < (next - 1) * unit)
        {
            return -1;
        }
        if (position <= (next + 1) * unit)
        {
            _last = next;
            return next;
        }
        // Late by more than a period: take the first slot within a period of the put time.
        var slot = CeilingDivide(position - unit, unit);
        if (!noRepeats)
        {
            repeats = slot - next;
        }
        _last = slot;
        return slot;
    }

    /// <summary>
    /// How many repeats of the last frame are due at <paramref name="now"/> while no frame came:
    /// the slots more than a period overdue. Advances the timeline past them.
    /// </summary>
    internal long TakeDueRepeats(long now) => AdvanceOverdue(now);

    /// <summary>
    /// Leaves empty the slots that were already overdue at <paramref name="timestamp"/> (the app was
    /// putting frames then, which the encoder could not take: no repeats for those). Returns how many.
    /// </summary>
    internal long SkipOverdue(long timestamp) => AdvanceOverdue(timestamp);

    private long AdvanceOverdue(long now)
    {
        if (_last < 0)
        {
            return 0;
        }
        var position = Position(now);
        var unit = Unit;
        // Slot s is due once position > (s + 1) * unit, i.e. s < position / unit - 1.
        var firstNotDue = CeilingDivide(position - unit, unit);
        var due = firstNotDue - (_last + 1);
        if (due <= 0)
        {
            return 0;
        }
        _last += due;
        return due;
    }

    /// <summary>The timestamp after which the next repeat falls due, or null before the first frame.</summary>
    internal long? NextRepeatDue()
    {
        if (_last < 0)
        {
            return null;
        }
        // The smallest timestamp t with (t - origin) * numerator > (last + 2) * unit.
        var threshold = (Int128)(_last + 2) * Unit;
        return _origin + (long)(threshold / _numerator) + 1;
    }

    /// <summary>The presentation time of a slot in nanoseconds from slot 0.</summary>
    internal ulong PresentationTime(long slot) =>
        (ulong)((Int128)slot * _denominator * 1_000_000_000 / _numerator);

    /// <summary>The duration of a slot in nanoseconds.</summary>
    internal ulong Duration(long slot) => PresentationTime(slot + 1) - PresentationTime(slot);

    /// <summary>Forgets every frame: the next one becomes slot 0.</summary>
    internal void Reset() => _last = -1;

    // Positions are slot numbers scaled by Unit, so that comparisons stay in integers.
    private Int128 Unit => (Int128)_denominator * _frequency;

    private Int128 Position(long timestamp) => (Int128)(timestamp - _origin) * _numerator;

    private static long CeilingDivide(Int128 value, Int128 divisor) =>
        (long)(value >= 0 ? (value + divisor - 1) / divisor : -(-value / divisor));
}
