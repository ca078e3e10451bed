namespace Backpack.Timepiece;

/// <summary>
/// Ticks a set of <see cref="Schedule"/>s with one call: call <see cref="Tick"/> from the loop and every
/// schedule in the set is ticked. A one-shot schedule (<see cref="Schedule.IsRepeating"/> false, such as
/// <see cref="AtSchedule"/>) leaves the set once it fired.
/// </summary>
/// <remarks>
/// <para>
/// Thread safe: schedules may be added and removed from any thread, also while the clock is ticked and
/// from inside a callback. A tick works on the set as it was when the tick began: a schedule added
/// meanwhile is ticked from the next tick on, and a schedule removed meanwhile may still be ticked once.
/// A tick that fires nothing allocates nothing.
/// </para>
/// <para>
/// When an inline callback throws, the exception reaches the caller of <see cref="Tick"/> (a fired
/// one-shot schedule has left the set all the same) and the schedules after it are ticked next time.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var clock = new AlarmClock([atSchedule, intervalSchedule, ordinalSchedule]);
/// while (running)
/// {
///     clock.Tick();
///     ProcessFrame();
/// }
/// </code>
/// </example>
public sealed class AlarmClock
{
    private readonly Lock _lock = new();
    private Schedule[] _schedules = [];

    /// <summary>An alarm clock ticking <paramref name="schedules"/>, or none yet.</summary>
    /// <param name="schedules">The schedules to tick; duplicates are added once.</param>
    /// <exception cref="ArgumentException"><paramref name="schedules"/> contains null.</exception>
    public AlarmClock(IEnumerable<Schedule>? schedules = null)
    {
        if (schedules is null)
        {
            return;
        }

        foreach (var schedule in schedules)
        {
            if (schedule is null)
            {
                throw new ArgumentException("Expected schedules, found a null one in the list.", nameof(schedules));
            }

            Add(schedule);
        }
    }

    /// <summary>The schedules in the set, in the order they were added (a copy).</summary>
    public IReadOnlyList<Schedule> Schedules => Volatile.Read(ref _schedules).ToArray();

    /// <summary>The number of schedules in the set.</summary>
    public int Count => Volatile.Read(ref _schedules).Length;

    /// <summary>Adds <paramref name="schedule"/> to the set.</summary>
    /// <returns>True when added; false when it was already in the set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="schedule"/> is null.</exception>
    public bool Add(Schedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        lock (_lock)
        {
            if (Array.IndexOf(_schedules, schedule) >= 0)
            {
                return false;
            }

            Volatile.Write(ref _schedules, [.. _schedules, schedule]);
            return true;
        }
    }

    /// <summary>Removes <paramref name="schedule"/> from the set.</summary>
    /// <returns>True when removed; false when it was not in the set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="schedule"/> is null.</exception>
    public bool Remove(Schedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        lock (_lock)
        {
            var index = Array.IndexOf(_schedules, schedule);
            if (index < 0)
            {
                return false;
            }

            Volatile.Write(ref _schedules, [.. _schedules.AsSpan(0, index), .. _schedules.AsSpan(index + 1)]);
            return true;
        }
    }

    /// <summary>
    /// The heartbeat: ticks every schedule of the set, in the order they were added, and drops the
    /// one-shot schedules that fired.
    /// </summary>
    /// <returns>How many schedules fired.</returns>
    public int Tick()
    {
        // Copy-on-write: the array read here never changes, whatever Add and Remove do meanwhile.
        var schedules = Volatile.Read(ref _schedules);
        var firedCount = 0;
        foreach (var schedule in schedules)
        {
            var fired = false;
            try
            {
                schedule.Tick(ref fired, out _);
            }
            finally
            {
                if (fired)
                {
                    firedCount++;
                    if (!schedule.IsRepeating)
                    {
                        Remove(schedule);
                    }
                }
            }
        }

        return firedCount;
    }
}
