using System.Globalization;
using System.Text;

namespace Backpack.Timepiece;

/// <summary>
/// The statistics every Timepiece timer shares (the Python original's <c>BaseTimer</c>): the last
/// <see cref="MaxIntervals"/> recorded time intervals and their count, sum, minimum, maximum, mean and
/// frequency. <see cref="Ticker"/> records the intervals between events, <see cref="StopWatch"/> the
/// durations of a code block, and a tachometer hands one to its stats callback for each report window.
/// </summary>
/// <remarks>
/// <para>
/// Intervals are kept in a ring buffer of raw <see cref="TimeProvider"/> timestamps, so recording one
/// allocates nothing; the statistics are computed when read. Every statistic of an empty timer is
/// <see cref="TimeSpan.Zero"/> (and <see cref="Frequency"/> is 0).
/// </para>
/// <para>
/// The timer of a tachometer's report window is a detached copy: its <see cref="Count"/>, <see cref="Sum"/>,
/// <see cref="Min"/> and <see cref="Max"/> cover every interval of the window, while
/// <see cref="Intervals"/> holds at most <see cref="MaxIntervals"/> of the latest ones.
/// </para>
/// <para>
/// Not thread safe: record from one thread at a time, and read from another thread only what is not
/// being recorded (a report window's timer is never recorded to again, so any thread may read it).
/// </para>
/// </remarks>
public abstract class IntervalTimer
{
    private const int MaxShownIntervals = 5;

    private readonly long[] _ring;
    private int _next;
    private int _kept;

    /// <summary>A timer keeping up to <paramref name="maxIntervals"/> intervals measured at <paramref name="timestampFrequency"/>.</summary>
    private protected IntervalTimer(int maxIntervals, long timestampFrequency)
    {
        ValidateMaxIntervals(maxIntervals);
        MaxIntervals = maxIntervals;
        TimestampFrequency = timestampFrequency;
        _ring = new long[maxIntervals];
    }

    /// <summary>A full, never-recorded copy: <paramref name="keptOldestFirst"/> are the intervals it keeps.</summary>
    private protected IntervalTimer(long[] keptOldestFirst, int maxIntervals, long timestampFrequency)
    {
        MaxIntervals = maxIntervals;
        TimestampFrequency = timestampFrequency;
        _ring = keptOldestFirst;
        _kept = keptOldestFirst.Length;
    }

    /// <summary>The most intervals the timer keeps (at least 1); recording one more forgets the oldest.</summary>
    public int MaxIntervals { get; }

    /// <summary>The number of intervals the statistics cover: 0 when nothing was recorded since the last <see cref="Reset"/>.</summary>
    public int Count => (int)Math.Min(CountCore, int.MaxValue);

    /// <summary>The total of the intervals; <see cref="TimeSpan.Zero"/> when empty.</summary>
    public TimeSpan Sum => ToTimeSpan(SumCore);

    /// <summary>The shortest interval; <see cref="TimeSpan.Zero"/> when empty.</summary>
    public TimeSpan Min => CountCore == 0 ? TimeSpan.Zero : ToTimeSpan(MinCore);

    /// <summary>The longest interval; <see cref="TimeSpan.Zero"/> when empty.</summary>
    public TimeSpan Max => CountCore == 0 ? TimeSpan.Zero : ToTimeSpan(MaxCore);

    /// <summary>The mean interval, <see cref="Sum"/> / <see cref="Count"/>; <see cref="TimeSpan.Zero"/> when empty.</summary>
    public TimeSpan Mean
    {
        get
        {
            var count = CountCore;
            return count == 0 ? TimeSpan.Zero : ToTimeSpan(SumCore / count);
        }
    }

    /// <summary>
    /// The mean rate of the events in hertz, 1 / <see cref="Mean"/> (frames per second for a ticker
    /// ticked once per frame); 0 when there is no interval or they sum to zero.
    /// </summary>
    public double Frequency
    {
        get
        {
            var sum = SumCore;
            return sum <= 0 ? 0.0 : CountCore * (double)TimestampFrequency / sum;
        }
    }

    /// <summary>
    /// A copy of the kept intervals, oldest first: at most <see cref="MaxIntervals"/>.
    /// Reading it allocates; the statistic properties do not.
    /// </summary>
    public IReadOnlyList<TimeSpan> Intervals
    {
        get
        {
            var kept = CopyKept();
            var intervals = new TimeSpan[kept.Length];
            for (var i = 0; i < kept.Length; i++)
            {
                intervals[i] = ToTimeSpan(kept[i]);
            }

            return intervals;
        }
    }

    /// <summary>Ticks of the timestamps the intervals are recorded in, per second.</summary>
    private protected long TimestampFrequency { get; }

    /// <summary>The number of intervals the statistics cover.</summary>
    private protected virtual long CountCore => _kept;

    /// <summary>The sum of the intervals in timestamp ticks.</summary>
    private protected virtual long SumCore
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _kept; i++)
            {
                sum += _ring[i];
            }

            return sum;
        }
    }

    /// <summary>The shortest interval in timestamp ticks; meaningless when empty.</summary>
    private protected virtual long MinCore
    {
        get
        {
            var min = long.MaxValue;
            for (var i = 0; i < _kept; i++)
            {
                min = Math.Min(min, _ring[i]);
            }

            return min;
        }
    }

    /// <summary>The longest interval in timestamp ticks; meaningless when empty.</summary>
    private protected virtual long MaxCore
    {
        get
        {
            var max = long.MinValue;
            for (var i = 0; i < _kept; i++)
            {
                max = Math.Max(max, _ring[i]);
            }

            return max;
        }
    }

    /// <summary>Forgets every recorded interval.</summary>
    private protected virtual void ResetCore()
    {
        _next = 0;
        _kept = 0;
    }

    /// <summary>The name <see cref="ToString"/> starts with.</summary>
    private protected virtual string DisplayName => GetType().Name;

    /// <summary>Forgets every recorded interval. The timer keeps running: a <see cref="Ticker"/> measures its next interval from its last tick.</summary>
    public void Reset() => ResetCore();

    /// <summary>
    /// The timer in the Python original's shape, intervals in seconds with 4 decimals, at most the 5
    /// oldest kept intervals followed by <c>...</c>:
    /// <c>&lt;Ticker intervals=[0.0899, 0.0632, ...] min=0.0543 mean=0.0694 max=0.0899&gt;</c>.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append('<').Append(DisplayName);
        AppendStatistics(text);
        return text.Append('>').ToString();
    }

    /// <summary>Throws when a timer could keep no interval.</summary>
    internal static void ValidateMaxIntervals(int maxIntervals)
    {
        if (maxIntervals < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxIntervals), maxIntervals, $"A timer keeps at least 1 interval; expected maxIntervals >= 1, got {maxIntervals}.");
        }
    }

    /// <summary>Records an interval of <paramref name="elapsed"/> timestamp ticks, forgetting the oldest when full. Allocates nothing.</summary>
    private protected void Record(long elapsed)
    {
        var next = _next;
        _ring[next] = elapsed;
        _next = next + 1 == _ring.Length ? 0 : next + 1;
        if (_kept < _ring.Length)
        {
            _kept++;
        }
    }

    /// <summary>The kept intervals in timestamp ticks, oldest first, in a new array.</summary>
    private protected long[] CopyKept()
    {
        var kept = new long[_kept];
        var oldest = _kept < _ring.Length ? 0 : _next;
        var firstPart = _kept - oldest;
        Array.Copy(_ring, oldest, kept, 0, firstPart);
        Array.Copy(_ring, 0, kept, firstPart, oldest);
        return kept;
    }

    /// <summary>Appends <c> intervals=[...] min=... mean=... max=...</c>, or nothing when empty.</summary>
    private protected void AppendStatistics(StringBuilder text)
    {
        if (CountCore == 0)
        {
            return;
        }

        var kept = CopyKept();
        text.Append(" intervals=[");
        for (var i = 0; i < Math.Min(kept.Length, MaxShownIntervals); i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(FormatSeconds(kept[i]));
        }

        if (kept.Length > MaxShownIntervals)
        {
            text.Append(", ...");
        }

        text.Append("] min=").Append(FormatSeconds(MinCore))
            .Append(" mean=").Append(FormatSeconds(SumCore / (double)CountCore))
            .Append(" max=").Append(FormatSeconds(MaxCore));
    }

    private string FormatSeconds(double elapsed) =>
        (elapsed / TimestampFrequency).ToString("F4", CultureInfo.InvariantCulture);

    private TimeSpan ToTimeSpan(long elapsed) => TimestampMath.ToTimeSpan(elapsed, TimestampFrequency);
}
