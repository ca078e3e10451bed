namespace Backpack.Timepiece;

/// <summary>
/// Time-zone-aware local times, the helpers of the Python original (<c>local_now</c>, <c>local_dt</c>,
/// <c>panorama_timestamp_to_datetime</c>): every result is a <see cref="DateTimeOffset"/> in the local
/// time zone of the <see cref="TimeProvider"/>, so it names an instant without ambiguity.
/// </summary>
/// <example>
/// <code>
/// DateTimeOffset now = LocalClock.Now();                         // 2022-02-18T14:08:27.0257+01:00
/// DateTimeOffset captured = LocalClock.FromPanoramaTimestamp(1645189707, 25772);
/// TimeSpan age = now - captured;
/// </code>
/// </example>
public static class LocalClock
{
    private const long MicrosecondsPerSecond = 1_000_000;

    /// <summary>The current time in the local time zone.</summary>
    /// <param name="timeProvider">Where time and the local zone come from; <see cref="TimeProvider.System"/> when null.</param>
    public static DateTimeOffset Now(TimeProvider? timeProvider = null) =>
        (timeProvider ?? TimeProvider.System).GetLocalNow();

    /// <summary>
    /// <paramref name="dateTime"/> as a time-zone-aware value in the local time zone: a UTC time is
    /// converted; a local or unspecified one is taken as a local time of that zone.
    /// </summary>
    /// <param name="dateTime">The time to convert.</param>
    /// <param name="timeProvider">Where the local zone comes from; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException"><paramref name="dateTime"/> is a local time that does not exist in the zone (skipped by a daylight-saving change).</exception>
    public static DateTimeOffset ToLocal(DateTime dateTime, TimeProvider? timeProvider = null)
    {
        var zone = (timeProvider ?? TimeProvider.System).LocalTimeZone;
        if (dateTime.Kind == DateTimeKind.Utc)
        {
            return TimeZoneInfo.ConvertTime(new DateTimeOffset(dateTime), zone);
        }

        var local = DateTime.SpecifyKind(dateTime, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            throw new ArgumentException(
                $"{local:yyyy-MM-dd HH:mm:ss} does not exist in the time zone {zone.Id} (a daylight-saving change skips it); expected an existing local time.",
                nameof(dateTime));
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>
    /// A Panorama media timestamp — whole seconds since the Unix epoch and microseconds — as a
    /// time-zone-aware value in the local time zone.
    /// </summary>
    /// <param name="seconds">Seconds since 1970-01-01T00:00:00Z, within the range of <see cref="DateTimeOffset"/>.</param>
    /// <param name="microseconds">Microseconds within the second, 0 to 999,999.</param>
    /// <param name="timeProvider">Where the local zone comes from; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range.</exception>
    public static DateTimeOffset FromPanoramaTimestamp(long seconds, long microseconds, TimeProvider? timeProvider = null)
    {
        var minSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
        var maxSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();
        if (seconds < minSeconds || seconds > maxSeconds)
        {
            throw new ArgumentOutOfRangeException(
                nameof(seconds), seconds, $"Expected seconds since the Unix epoch from {minSeconds} to {maxSeconds}, got {seconds}.");
        }

        if (microseconds is < 0 or >= MicrosecondsPerSecond)
        {
            throw new ArgumentOutOfRangeException(
                nameof(microseconds), microseconds, $"Expected microseconds within a second, 0 to 999999, got {microseconds}.");
        }

        var utc = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);
        return TimeZoneInfo.ConvertTime(utc, (timeProvider ?? TimeProvider.System).LocalTimeZone);
    }
}
