using Backpack.Aws.Http;

namespace Backpack.Aws.Tests.Http;

/// <summary>The wait before a retry: exponential growth from the base delay, a cap, full jitter, and the service's Retry-After.</summary>
public sealed class RetryBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(3, 400)]
    [InlineData(4, 800)]
    [InlineData(8, 12_800)]
    public void The_ceiling_doubles_with_each_retry_from_the_base_delay(int retry, int ceilingMs)
    {
        RetryBackoff.Delay(retry, Base, Max, random: 0.5).Should().Be(TimeSpan.FromMilliseconds(ceilingMs / 2.0));
    }

    [Theory]
    [InlineData(9)]
    [InlineData(20)]
    [InlineData(31)]
    [InlineData(int.MaxValue)]
    public void The_ceiling_stops_at_the_maximum_delay_however_many_retries(int retry)
    {
        RetryBackoff.Delay(retry, Base, Max, random: 0.5).Should().Be(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void The_wait_is_spread_over_the_whole_range_from_zero_to_just_below_the_ceiling()
    {
        RetryBackoff.Delay(3, Base, Max, random: 0).Should().Be(TimeSpan.Zero);
        RetryBackoff.Delay(3, Base, Max, random: 0.25).Should().Be(TimeSpan.FromMilliseconds(100));
        RetryBackoff.Delay(3, Base, Max, random: Math.BitDecrement(1.0)).Should().BeLessThan(TimeSpan.FromMilliseconds(400))
            .And.BeGreaterThan(TimeSpan.FromMilliseconds(399.999));
    }

    [Fact]
    public void Every_wait_lies_between_zero_and_the_capped_ceiling()
    {
        var random = new Random(20260115);
        for (var sample = 0; sample < 10_000; sample++)
        {
            var retry = random.Next(1, 40);
            var ceiling = TimeSpan.FromTicks((long)Math.Min(Max.Ticks, Base.Ticks * Math.Pow(2, retry - 1)));

            var delay = RetryBackoff.Delay(retry, Base, Max, random.NextDouble());

            delay.Should().BeGreaterThanOrEqualTo(TimeSpan.Zero).And.BeLessThanOrEqualTo(ceiling);
        }
    }

    [Fact]
    public void A_Retry_After_longer_than_the_jittered_wait_is_honoured()
    {
        RetryBackoff.Delay(1, Base, Max, random: 0.5, retryAfter: TimeSpan.FromSeconds(3)).Should().Be(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void A_Retry_After_longer_than_the_maximum_delay_is_capped_at_it()
    {
        RetryBackoff.Delay(1, Base, Max, random: 0.5, retryAfter: TimeSpan.FromMinutes(5)).Should().Be(Max);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(0)]
    [InlineData(-2000)] // A Retry-After date already past.
    public void A_Retry_After_shorter_than_the_jittered_wait_changes_nothing(int retryAfterMs)
    {
        RetryBackoff.Delay(3, Base, Max, random: 0.5, retryAfter: TimeSpan.FromMilliseconds(retryAfterMs)).Should().Be(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_zero_base_delay_retries_at_once()
    {
        RetryBackoff.Delay(5, TimeSpan.Zero, Max, random: 0.9).Should().Be(TimeSpan.Zero);
    }
}
