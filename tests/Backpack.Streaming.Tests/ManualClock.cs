namespace Backpack.Streaming.Tests;

/// <summary>
/// A clock that moves only when told to. Timers fire on the thread that advances the clock, in
/// the order they fall due, so time-dependent behaviour is tested without sleeping.
/// </summary>
internal sealed class ManualClock : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly DateTimeOffset _epoch = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private long _ticks = TimeSpan.TicksPerDay;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => _epoch + TimeSpan.FromTicks(GetTimestamp());

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Now, as an offset from the clock's start.</summary>
    internal TimeSpan Elapsed => TimeSpan.FromTicks(GetTimestamp() - TimeSpan.TicksPerDay);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way.</summary>
    internal void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        AdvanceTo(Elapsed + by);
    }

    /// <summary>Moves the clock to an offset from its start (not backwards), firing due timers on the way.</summary>
    internal void AdvanceTo(TimeSpan elapsed)
    {
        var target = TimeSpan.TicksPerDay + elapsed.Ticks;
        while (true)
        {
            ManualTimer? due;
            lock (_gate)
            {
                due = _timers.Where(timer => timer.DueAt <= target).MinBy(timer => timer.DueAt);
                if (due is null)
                {
                    _ticks = Math.Max(_ticks, target);
                    return;
                }
                _ticks = Math.Max(_ticks, due.DueAt);
                due.Fired();
            }
            due.Invoke();
        }
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        internal long DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
                _period = period;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    DueAt = clock._ticks + Math.Max(0, dueTime.Ticks);
                    clock._timers.Add(this);
                }
            }
            return true;
        }

        internal void Fired()
        {
            clock._timers.Remove(this);
            if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
            {
                DueAt += _period.Ticks;
                clock._timers.Add(this);
            }
        }

        internal void Invoke() => callback(state);

        public void Dispose()
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
