using Backpack.Timepiece;

namespace Backpack.Tests.Timepiece;

public sealed class TickerTests
{
    private readonly ManualTimeProvider _time = new();

    private Ticker TickAfter(int maxIntervals, params double[] seconds)
    {
        var ticker = new Ticker(maxIntervals, _time);
        ticker.Tick();
        foreach (var interval in seconds)
        {
            _time.AdvanceSeconds(interval);
            ticker.Tick();
        }

        return ticker;
    }

    [Fact]
    public void The_first_tick_only_starts_measuring()
    {
        var ticker = TickAfter(10);

        ticker.Count.Should().Be(0);
        ticker.Intervals.Should().BeEmpty();
    }

    [Fact]
    public void Each_tick_records_the_interval_since_the_previous_one()
    {
        var ticker = TickAfter(10, 0.1, 0.25, 0.05);

        ticker.Intervals.Should().Equal(TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(0.05));
    }

    [Fact]
    public void Only_the_last_max_intervals_are_kept_oldest_first()
    {
        var ticker = TickAfter(3, 0.1, 0.2, 0.3, 0.4, 0.5);

        ticker.MaxIntervals.Should().Be(3);
        ticker.Count.Should().Be(3);
        ticker.Intervals.Should().Equal(TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(0.4), TimeSpan.FromSeconds(0.5));
        ticker.Min.Should().Be(TimeSpan.FromSeconds(0.3));
        ticker.Sum.Should().Be(TimeSpan.FromSeconds(1.2));
    }

    [Fact]
    public void Statistics_describe_the_kept_intervals()
    {
        var ticker = TickAfter(10, 0.04, 0.02, 0.06);

        ticker.Count.Should().Be(3);
        ticker.Min.Should().Be(TimeSpan.FromSeconds(0.02));
        ticker.Max.Should().Be(TimeSpan.FromSeconds(0.06));
        ticker.Sum.Should().Be(TimeSpan.FromSeconds(0.12));
        ticker.Mean.Should().Be(TimeSpan.FromSeconds(0.04));
        ticker.Frequency.Should().BeApproximately(25.0, 1e-9);
    }

    [Fact]
    public void An_empty_ticker_has_zero_statistics_and_no_frequency()
    {
        var ticker = TickAfter(10);

        ticker.Min.Should().Be(TimeSpan.Zero);
        ticker.Max.Should().Be(TimeSpan.Zero);
        ticker.Mean.Should().Be(TimeSpan.Zero);
        ticker.Sum.Should().Be(TimeSpan.Zero);
        ticker.Frequency.Should().Be(0);
    }

    [Fact]
    public void Intervals_of_zero_length_give_no_frequency_rather_than_infinity()
    {
        var ticker = TickAfter(10, 0, 0);

        ticker.Count.Should().Be(2);
        ticker.Frequency.Should().Be(0);
    }

    [Fact]
    public void Reset_forgets_the_intervals_and_the_next_interval_counts_from_the_last_tick()
    {
        var ticker = TickAfter(10, 0.1, 0.2);

        ticker.Reset();
        ticker.Count.Should().Be(0);
        _time.AdvanceSeconds(0.3);
        ticker.Tick();

        ticker.Intervals.Should().Equal(TimeSpan.FromSeconds(0.3));
    }

    [Fact]
    public void Intervals_are_measured_on_the_monotonic_clock_so_wall_clock_jumps_do_not_count()
    {
        var ticker = TickAfter(10);

        _time.JumpWallClock(TimeSpan.FromHours(-1));
        _time.AdvanceSeconds(0.5);
        ticker.Tick();

        ticker.Intervals.Should().Equal(TimeSpan.FromSeconds(0.5));
    }

    [Fact]
    public void ToString_has_the_shape_of_the_original()
    {
        var ticker = TickAfter(5, 0.0899, 0.0632, 0.0543, 0.0713, 0.0681);

        ticker.ToString().Should().Be("<Ticker intervals=[0.0899, 0.0632, 0.0543, 0.0713, 0.0681] min=0.0543 mean=0.0694 max=0.0899>");
    }

    [Fact]
    public void ToString_shows_the_five_oldest_kept_intervals_then_an_ellipsis()
    {
        var ticker = TickAfter(10, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6);

        ticker.ToString().Should().Be("<Ticker intervals=[0.1000, 0.2000, 0.3000, 0.4000, 0.5000, ...] min=0.1000 mean=0.3500 max=0.6000>");
    }

    [Fact]
    public void ToString_of_an_empty_ticker_is_its_name_alone()
    {
        TickAfter(10).ToString().Should().Be("<Ticker>");
    }

    [Fact]
    public void Intervals_is_a_copy_that_later_ticks_do_not_change()
    {
        var ticker = TickAfter(2, 0.1, 0.2);
        var before = ticker.Intervals;

        _time.AdvanceSeconds(0.3);
        ticker.Tick();

        before.Should().Equal(TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(0.2));
    }

    [Fact]
    public void The_default_keeps_ten_intervals()
    {
        new Ticker().MaxIntervals.Should().Be(10);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_ticker_keeping_no_interval_is_rejected(int maxIntervals)
    {
        var create = () => new Ticker(maxIntervals, _time);

        create.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("A timer keeps at least 1 interval; expected maxIntervals >= 1*")
            .And.ParamName.Should().Be("maxIntervals");
    }

    [Fact]
    public void Tick_allocates_nothing()
    {
        var ticker = new Ticker(maxIntervals: 10, TimeProvider.System);

        Allocations.Of(ticker.Tick).Should().Be(0);
    }

    [Fact]
    public void The_system_clock_measures_real_time()
    {
        var ticker = new Ticker();
        ticker.Tick();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (System.Diagnostics.Stopwatch.GetElapsedTime(started) < TimeSpan.FromMilliseconds(2))
        {
            // Spin briefly: the interval must cover at least this much real time.
        }

        ticker.Tick();

        ticker.Min.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(2)).And.BeLessThan(TimeSpan.FromSeconds(30));
    }
}
