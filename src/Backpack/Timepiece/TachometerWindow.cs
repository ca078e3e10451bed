namespace Backpack.Timepiece;

/// <summary>
/// The intervals of one report window of a tachometer: exact count, sum, minimum and maximum of every
/// interval of the window, and the latest <see cref="IntervalTimer.MaxIntervals"/> intervals themselves.
/// The live window is recorded to; <see cref="Close"/> hands out a detached copy and starts a new window.
/// </summary>
internal sealed class TachometerWindow : IntervalTimer
{
    private readonly string _displayName;
    private long _count;
    private long _sum;
    private long _min = long.MaxValue;
    private long _max = long.MinValue;

    /// <summary>A live window keeping up to <paramref name="maxIntervals"/> intervals.</summary>
    internal TachometerWindow(int maxIntervals, long timestampFrequency, string displayName)
        : base(maxIntervals, timestampFrequency)
    {
        _displayName = displayName;
    }

    private TachometerWindow(TachometerWindow live, DateTimeOffset timestamp)
        : base(live.CopyKept(), live.MaxIntervals, live.TimestampFrequency)
    {
        _displayName = live._displayName;
        _count = live._count;
        _sum = live._sum;
        _min = live._min;
        _max = live._max;
        Timestamp = timestamp;
    }

    /// <summary>When the window was closed and reported; default for the live window.</summary>
    internal DateTimeOffset Timestamp { get; }

    private protected override long CountCore => _count;

    private protected override long SumCore => _sum;

    private protected override long MinCore => _min;

    private protected override long MaxCore => _max;

    private protected override string DisplayName => _displayName;

    /// <summary>Records an interval of <paramref name="elapsed"/> timestamp ticks. Allocates nothing.</summary>
    internal void Add(long elapsed)
    {
        Record(elapsed);
        _count++;
        _sum += elapsed;
        _min = Math.Min(_min, elapsed);
        _max = Math.Max(_max, elapsed);
    }

    /// <summary>A detached copy of the window stamped <paramref name="timestamp"/>; this window starts over empty.</summary>
    internal TachometerWindow Close(DateTimeOffset timestamp)
    {
        var report = new TachometerWindow(this, timestamp);
        ResetCore();
        return report;
    }

    private protected override void ResetCore()
    {
        base.ResetCore();
        _count = 0;
        _sum = 0;
        _min = long.MaxValue;
        _max = long.MinValue;
    }
}
