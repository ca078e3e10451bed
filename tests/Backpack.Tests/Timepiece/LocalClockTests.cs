using Backpack.Timepiece;

namespace Backpack.Tests.Timepiece;

public sealed class LocalClockTests
{
    private static readonly TimeZoneInfo Plus2 =
        TimeZoneInfo.CreateCustomTimeZone("Test/Plus2", TimeSpan.FromHours(2), "Test +02:00", "Test +02:00");

    // A zone with a daylight-saving change: 2:00 jumps to 3:00 on the last Sunday of March.
    private static readonly TimeZoneInfo WithDaylightSaving = TimeZoneInfo.CreateCustomTimeZone(
        "Test/Summer", TimeSpan.FromHours(1), "Test", "Test", "Test summer",
        [
            TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
                DateTime.MinValue.Date, DateTime.MaxValue.Date, TimeSpan.FromHours(1),
                TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0), 3, 5, DayOfWeek.Sunday),
                TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 3, 0, 0), 10, 5, DayOfWeek.Sunday)),
        ]);

    [Fact]
    public void Now_is_the_current_instant_with_the_offset_of_the_local_zone()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2022, 2, 18, 13, 8, 27, TimeSpan.Zero), Plus2);

        var now = LocalClock.Now(time);

        now.Should().Be(new DateTimeOffset(2022, 2, 18, 15, 8, 27, TimeSpan.FromHours(2)));
        now.Offset.Should().Be(TimeSpan.FromHours(2));
    }

    [Fact]
    public void Now_without_a_provider_reads_the_system_clock()
    {
        var before = DateTimeOffset.UtcNow;

        var now = LocalClock.Now();

        now.Should().BeOnOrAfter(before).And.BeOnOrBefore(DateTimeOffset.UtcNow);
        now.Offset.Should().Be(TimeZoneInfo.Local.GetUtcOffset(now.UtcDateTime));
    }

    [Fact]
    public void ToLocal_takes_an_unspecified_time_as_a_local_time_of_the_zone()
    {
        var local = LocalClock.ToLocal(new DateTime(2022, 7, 1, 12, 0, 0, DateTimeKind.Unspecified), new ManualTimeProvider(zone: WithDaylightSaving));

        local.Should().Be(new DateTimeOffset(2022, 7, 1, 12, 0, 0, TimeSpan.FromHours(2)));
        local.Offset.Should().Be(TimeSpan.FromHours(2), "July is in summer time");
    }

    [Fact]
    public void ToLocal_converts_a_utc_time_into_the_zone()
    {
        var local = LocalClock.ToLocal(new DateTime(2022, 1, 1, 12, 0, 0, DateTimeKind.Utc), new ManualTimeProvider(zone: WithDaylightSaving));

        local.DateTime.Should().Be(new DateTime(2022, 1, 1, 13, 0, 0));
        local.Offset.Should().Be(TimeSpan.FromHours(1));
    }

    [Fact]
    public void ToLocal_rejects_a_local_time_the_daylight_saving_change_skips()
    {
        var skipped = new DateTime(2022, 3, 27, 2, 30, 0);

        var convert = () => LocalClock.ToLocal(skipped, new ManualTimeProvider(zone: WithDaylightSaving));

        convert.Should().Throw<ArgumentException>().WithMessage("2022-03-27 02:30:00 does not exist in the time zone Test/Summer*")
            .And.ParamName.Should().Be("dateTime");
    }

    [Fact]
    public void A_panorama_timestamp_becomes_the_same_instant_in_the_local_zone()
    {
        var time = new ManualTimeProvider(zone: Plus2);

        var converted = LocalClock.FromPanoramaTimestamp(1645189707, 25772, time);

        converted.UtcDateTime.Should().Be(new DateTime(2022, 2, 18, 13, 8, 27, DateTimeKind.Utc).AddTicks(257720));
        converted.Offset.Should().Be(TimeSpan.FromHours(2));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1_000_000)]
    public void Microseconds_outside_a_second_are_rejected(long microseconds)
    {
        var convert = () => LocalClock.FromPanoramaTimestamp(1645189707, microseconds);

        convert.Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("microseconds");
    }

    [Fact]
    public void Seconds_beyond_the_calendar_are_rejected()
    {
        var convert = () => LocalClock.FromPanoramaTimestamp(long.MaxValue, 0);

        convert.Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("seconds");
    }
}
