namespace Backpack.Timepiece;

/// <summary>How an <see cref="IntervalSchedule"/> spaces its firings.</summary>
public enum IntervalCadence
{
    /// <summary>
    /// The original's behaviour and the default: fires at the first tick at or after each point of a grid one
    /// interval apart, anchored at the first firing. Firings keep the grid's rhythm on average, so a firing that came
    /// late can be followed by one less than an interval later (with a 1 s interval, ticks at 0, 1.1 and 2.0 s all
    /// fire). After a stall longer than the interval it fires once, not once per missed point, and realigns to the grid.
    /// </summary>
    FixedRate,

    /// <summary>
    /// Fires at the first tick at least one interval after the previous firing: two firings are never closer than
    /// the interval, and a late firing pushes the following ones later (with a 1 s interval, ticks at 0, 1.1 and
    /// 2.0 s fire at 0 and 1.1 s only; the next firing is due at 2.1 s).
    /// </summary>
    FixedDelay,
}
