namespace Backpack.Aws.Iot;

/// <summary>
/// The wait before a connection attempt: the minimum doubled for every failure in a row, capped at the maximum, then
/// a random 50–100 % of that ("equal jitter"), so a fleet that lost one broker does not come back all at once.
/// </summary>
internal static class ReconnectBackOff
{
    /// <summary>The wait before attempt number <paramref name="failures"/> + 1.</summary>
    /// <param name="failures">Failed or lost connections in a row (0 after a connection that worked).</param>
    /// <param name="min">The wait of the first retry, before jitter.</param>
    /// <param name="max">The cap, before jitter.</param>
    /// <param name="random">A number in [0, 1).</param>
    internal static TimeSpan Delay(int failures, TimeSpan min, TimeSpan max, double random)
    {
        var doublings = Math.Clamp(failures, 0, 30);
        var ceiling = Math.Min(max.Ticks, min.Ticks * (double)(1L << doublings));
        return TimeSpan.FromTicks((long)(ceiling * (0.5 + (0.5 * random))));
    }
}
