using Backpack.Timepiece;
using Microsoft.Extensions.Logging;

namespace Backpack.Tests.Timepiece;

public sealed class TickerTachometerTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly List<(DateTimeOffset Timestamp, IntervalTimer Timer)> _reports = [];

    private TickerTachometer Create(double statsSeconds = 2, TaskScheduler? dispatcher = null, ILogger? logger = null) =>
        new((timestamp, timer) => _reports.Add((timestamp, timer)), TimeSpan.FromSeconds(statsSeconds), name: null, dispatcher, _time, logger);

    /// <summary>Ticks every <paramref name="seconds"/> apart, <paramref name="count"/> times; returns how many ticks reported.</summary>
    private int TickEvery(TickerTachometer tachometer, double seconds, int count)
    {
        var reported = 0;
        for (var i = 0; i < count; i++)
        {
            _time.AdvanceSeconds(seconds);
            if (tachometer.Tick())
            {
                reported++;
            }
        }

        return reported;
    }

    [Fact]
    public void The_first_tick_reports_nothing_however_late_it_comes_because_its_window_is_empty()
    {
        using var tachometer = Create(statsSeconds: 1);
        _time.AdvanceSeconds(30);

        tachometer.Tick().Should().BeFalse();

        _reports.Should().BeEmpty();
    }

    [Fact]
    public void Every_stats_interval_it_reports_the_windows_statistics_and_starts_a_new_window()
    {
        using var tachometer = Create(statsSeconds: 2);
        tachometer.Tick();

        TickEvery(tachometer, 0.1, 19).Should().Be(0);
        TickEvery(tachometer, 0.1, 1).Should().Be(1, "the 20th interval reaches 2 s");
        TickEvery(tachometer, 0.25, 8).Should().Be(1);

        _reports.Should().HaveCount(2);
        var first = _reports[0].Timer;
        first.Count.Should().Be(20);
        first.Min.Should().Be(TimeSpan.FromSeconds(0.1));
        first.Max.Should().Be(TimeSpan.FromSeconds(0.1));
        first.Sum.Should().Be(TimeSpan.FromSeconds(2));
        first.Frequency.Should().BeApproximately(10, 1e-9);
        var second = _reports[1].Timer;
        second.Count.Should().Be(8);
        second.Mean.Should().Be(TimeSpan.FromSeconds(0.25));
    }

    [Fact]
    public void The_report_is_stamped_with_the_local_time_of_the_report()
    {
        using var tachometer = Create(statsSeconds: 2);
        tachometer.Tick();

        TickEvery(tachometer, 1, 2);

        var timestamp = _reports.Should().ContainSingle().Subject.Timestamp;
        timestamp.Should().Be(_time.GetUtcNow());
        timestamp.Offset.Should().Be(TimeSpan.FromHours(2));
    }

    [Fact]
    public void After_a_stall_one_report_covers_the_whole_stall()
    {
        using var tachometer = Create(statsSeconds: 1);
        tachometer.Tick();

        TickEvery(tachometer, 10, 1).Should().Be(1);
        TickEvery(tachometer, 0.5, 2).Should().Be(1);

        _reports.Select(r => r.Timer.Sum).Should().Equal(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void The_reported_timer_is_a_detached_copy_that_later_ticks_do_not_change()
    {
        using var tachometer = Create(statsSeconds: 1);
        tachometer.Tick();
        TickEvery(tachometer, 0.5, 2);
        var report = _reports.Single().Timer;

        TickEvery(tachometer, 0.1, 5);

        report.Count.Should().Be(2);
        report.Intervals.Should().Equal(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.5));
        report.ToString().Should().Be("<Ticker intervals=[0.5000, 0.5000] min=0.5000 mean=0.5000 max=0.5000>");
        report.Reset();
        report.Count.Should().Be(0);
    }

    [Fact]
    public void A_busy_window_counts_every_interval_and_keeps_the_latest_hundred_per_second()
    {
        using var tachometer = Create(statsSeconds: 1);
        tachometer.Tick();
        TickEvery(tachometer, 0.004, 249);
        TickEvery(tachometer, 0.002, 1);    // the shortest interval of the window...
        TickEvery(tachometer, 0.008, 1);    // ...and the longest, which reaches 1 s

        var report = _reports.Should().ContainSingle().Subject.Timer;
        report.Count.Should().Be(251);
        report.Sum.Should().Be(TimeSpan.FromSeconds(1.006));
        report.Min.Should().Be(TimeSpan.FromSeconds(0.002));
        report.Max.Should().Be(TimeSpan.FromSeconds(0.008));
        report.MaxIntervals.Should().Be(100);
        report.Intervals.Should().HaveCount(100);
        report.Intervals[^1].Should().Be(TimeSpan.FromSeconds(0.008));
    }

    [Fact]
    public void The_default_stats_interval_is_one_minute()
    {
        using var tachometer = new TickerTachometer((_, timer) => _reports.Add((default, timer)));

        tachometer.StatsInterval.Should().Be(TimeSpan.FromMinutes(1));
        Tachometer.DefaultStatsInterval.Should().Be(TimeSpan.FromMinutes(1));
        tachometer.Name.Should().Be(TickerTachometer.DefaultName);
    }

    [Fact]
    public void A_dispatched_report_returns_at_once_and_the_callback_runs_on_the_dispatcher()
    {
        var dispatcher = new ManualDispatcher();
        using var tachometer = Create(statsSeconds: 1, dispatcher);
        tachometer.Tick();

        TickEvery(tachometer, 0.5, 2).Should().Be(1);

        _reports.Should().BeEmpty();
        TickEvery(tachometer, 0.25, 2);
        dispatcher.RunAll().Should().Be(1);
        _reports.Should().ContainSingle().Which.Timer.Count.Should().Be(2, "the copy was taken when the window closed");
    }

    [Fact]
    public void A_dispatched_callback_that_throws_is_logged_and_never_reaches_the_loop()
    {
        var dispatcher = new ManualDispatcher();
        var logger = new ListLogger();
        using var tachometer = new TickerTachometer(
            (_, _) => throw new InvalidOperationException("CloudWatch is down"), TimeSpan.FromSeconds(1), "frame_time", dispatcher, _time, logger);
        tachometer.Tick();

        TickEvery(tachometer, 1, 1).Should().Be(1);
        dispatcher.RunAll();

        var entry = logger.Entries.Should().ContainSingle().Subject;
        entry.Level.Should().Be(LogLevel.Error);
        entry.Exception!.Message.Should().Be("CloudWatch is down");
        entry.Message.Should().Contain("TickerTachometer 'frame_time'");
    }

    [Fact]
    public void An_inline_callback_that_throws_reaches_the_caller_and_the_next_window_starts_fresh()
    {
        var fail = true;
        using var tachometer = new TickerTachometer(
            (timestamp, timer) =>
            {
                if (fail)
                {
                    throw new InvalidOperationException("boom");
                }

                _reports.Add((timestamp, timer));
            },
            TimeSpan.FromSeconds(1), timeProvider: _time);
        tachometer.Tick();
        _time.AdvanceSeconds(1);

        tachometer.Invoking(t => t.Tick()).Should().Throw<InvalidOperationException>();
        fail = false;
        TickEvery(tachometer, 0.5, 2);

        _reports.Should().ContainSingle().Which.Timer.Sum.Should().Be(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Ticks_from_many_threads_are_each_recorded_once()
    {
        using var tachometer = Create(statsSeconds: 1);

        Concurrently.Count(threads: 4, repetitions: 1000, tachometer.Tick).Should().Be(0, "the clock did not move");
        TickEvery(tachometer, 1, 1);

        _reports.Should().ContainSingle().Which.Timer.Count.Should().Be(4000, "3999 intervals between the threads' ticks and one more");
    }

    [Fact]
    public void A_tick_between_reports_allocates_nothing()
    {
        using var tachometer = new TickerTachometer((_, _) => { }, TimeSpan.FromHours(1), timeProvider: TimeProvider.System);
        tachometer.Tick();

        Allocations.Of(() => tachometer.Tick()).Should().Be(0);
    }

    [Fact]
    public void A_null_callback_is_rejected()
    {
        var create = () => new TickerTachometer(null!, TimeSpan.FromSeconds(1));

        create.Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("statsCallback");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_zero_or_negative_stats_interval_is_rejected(double seconds)
    {
        var create = () => new TickerTachometer((_, _) => { }, TimeSpan.FromSeconds(seconds));

        create.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("Expected a positive time interval, got *")
            .And.ParamName.Should().Be("statsInterval");
    }

    [Theory]
    [InlineData("")]
    [InlineData("9lives")]
    [InlineData("frame time")]
    [InlineData("café")]
    public void A_name_that_is_no_instrument_name_is_rejected(string name)
    {
        var create = () => new TickerTachometer((_, _) => { }, TimeSpan.FromSeconds(1), name);

        create.Should().Throw<ArgumentException>()
            .WithMessage("*is not a metric instrument name; expected a letter followed by*")
            .And.ParamName.Should().Be("name");
    }
}
