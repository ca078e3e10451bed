namespace Backpack.Timepiece;

/// <summary>
/// Conversions between <see cref="TimeProvider"/> timestamps (ticks of
/// <see cref="TimeProvider.TimestampFrequency"/> per second) and <see cref="TimeSpan"/>.
/// </summary>
internal static class TimestampMath
{
    /// <summary>An elapsed count of timestamp ticks as a <see cref="TimeSpan"/>, truncated to 100 ns.</summary>
    internal static TimeSpan ToTimeSpan(long elapsed, long frequency)
    {
        if (frequency == TimeSpan.TicksPerSecond)
        {
            return new TimeSpan(elapsed);
        }

        // Int128 keeps the product exact: a day in nanoseconds times 10^7 overflows a long.
        var ticks = (Int128)elapsed * TimeSpan.TicksPerSecond / frequency;
        return new TimeSpan((long)Int128.Clamp(ticks, long.MinValue, long.MaxValue));
    }

    /// <summary>A positive <see cref="TimeSpan"/> in timestamp ticks: at least 1, at most <see cref="long.MaxValue"/>.</summary>
    internal static long ToTimestampTicks(TimeSpan span, long frequency)
    {
        var ticks = (Int128)span.Ticks * frequency / TimeSpan.TicksPerSecond;
        return (long)Int128.Clamp(ticks, 1, long.MaxValue);
    }

    /// <summary>Adds without wrapping around: saturates at <see cref="long.MaxValue"/>.</summary>
    internal static long SaturatingAdd(long value, long positive) =>
        value > long.MaxValue - positive ? long.MaxValue : value + positive;
}
