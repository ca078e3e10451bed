namespace Backpack.Tests.Timepiece;

/// <summary>
/// A clock the test moves by hand: the monotonic timestamp (in nanoseconds, like Stopwatch on Linux)
/// and the wall clock advance together with <see cref="Advance"/>; <see cref="JumpWallClock"/> moves
/// the wall clock alone, as an NTP correction does. Thread safe.
/// </summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    public const long NanosecondsPerSecond = 1_000_000_000;

    // Not zero, so that code treating timestamp 0 as "never" is caught.
    private const long FirstTimestamp = 123_456_789;

    private readonly TimeZoneInfo _zone;
    private long _elapsedNanoseconds;
    private long _wallClockTicks;

    public ManualTimeProvider(DateTimeOffset? utcStart = null, TimeZoneInfo? zone = null)
    {
        _wallClockTicks = (utcStart ?? new DateTimeOffset(2022, 2, 18, 13, 8, 27, TimeSpan.Zero)).UtcTicks;
        _zone = zone ?? TimeZoneInfo.CreateCustomTimeZone("Test/Plus2", TimeSpan.FromHours(2), "Test +02:00", "Test +02:00");
    }

    public override long TimestampFrequency => NanosecondsPerSecond;

    public override TimeZoneInfo LocalTimeZone => _zone;

    public override long GetTimestamp() => FirstTimestamp + Interlocked.Read(ref _elapsedNanoseconds);

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _wallClockTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by)
    {
        Interlocked.Add(ref _elapsedNanoseconds, by.Ticks * 100);
        Interlocked.Add(ref _wallClockTicks, by.Ticks);
    }

    public void AdvanceSeconds(double seconds) => Advance(TimeSpan.FromSeconds(seconds));

    public void JumpWallClock(TimeSpan by) => Interlocked.Add(ref _wallClockTicks, by.Ticks);
}
