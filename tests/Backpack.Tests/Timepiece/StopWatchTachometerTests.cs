using Backpack.Timepiece;

namespace Backpack.Tests.Timepiece;

public sealed class StopWatchTachometerTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly List<IntervalTimer> _reports = [];

    private StopWatchTachometer Create(double statsSeconds = 10, TaskScheduler? dispatcher = null) =>
        new((_, timer) => _reports.Add(timer), TimeSpan.FromSeconds(statsSeconds), "inference_time", dispatcher, _time);

    private void Spend(StopWatchTachometer tachometer, double seconds, double pauseAfter = 0)
    {
        using (tachometer.Start())
        {
            _time.AdvanceSeconds(seconds);
        }

        _time.AdvanceSeconds(pauseAfter);
    }

    [Fact]
    public void It_reports_the_durations_of_the_measured_blocks_every_stats_interval()
    {
        using var tachometer = Create(statsSeconds: 10);

        // As in the original's example: blocks of 2 s, then a function of 1.5 s.
        for (var i = 0; i < 11; i++)
        {
            Spend(tachometer, 2);
        }

        var timed = tachometer.Measure(() => _time.AdvanceSeconds(1.5));
        for (var i = 0; i < 15; i++)
        {
            timed();
        }

        _reports.Select(r => r.Count).Should().Equal(6, 5, 7, 7);
        _reports[0].Mean.Should().Be(TimeSpan.FromSeconds(2));
        _reports[2].Mean.Should().Be(TimeSpan.FromSeconds(1.5));
        _reports[1].ToString().Should().StartWith("<StopWatch intervals=[");
    }

    [Fact]
    public void Time_between_the_blocks_is_not_measured()
    {
        using var tachometer = Create(statsSeconds: 1);

        Spend(tachometer, 0.1, pauseAfter: 0.5);
        Spend(tachometer, 0.2, pauseAfter: 0.5);
        Spend(tachometer, 0.3);

        // The first block opens the window at 0.1 s; the third one ends at 1.6 s and closes it.
        var report = _reports.Should().ContainSingle().Subject;
        report.Sum.Should().Be(TimeSpan.FromSeconds(0.6));
        report.Count.Should().Be(3);
    }

    [Fact]
    public void Measure_passes_the_functions_result_through_and_times_calls_that_throw()
    {
        using var tachometer = Create(statsSeconds: 1);
        var answer = tachometer.Measure(() =>
        {
            _time.AdvanceSeconds(0.4);
            return 42;
        });
        var failing = tachometer.Measure(() =>
        {
            _time.AdvanceSeconds(0.7);
            throw new InvalidOperationException("boom");
        });

        answer().Should().Be(42);
        failing.Should().Throw<InvalidOperationException>();
        answer();

        _reports.Should().ContainSingle().Which.Intervals.Should().Equal(
            TimeSpan.FromSeconds(0.4), TimeSpan.FromSeconds(0.7), TimeSpan.FromSeconds(0.4));
    }

    [Fact]
    public void A_dispatched_report_runs_on_the_dispatcher()
    {
        var dispatcher = new ManualDispatcher();
        using var tachometer = Create(statsSeconds: 1, dispatcher);

        Spend(tachometer, 0.6);
        Spend(tachometer, 0.6);
        Spend(tachometer, 0.6);

        _reports.Should().BeEmpty();
        dispatcher.RunAll().Should().Be(1);
        _reports.Should().ContainSingle().Which.Count.Should().Be(3);
    }

    [Fact]
    public void A_scope_between_reports_allocates_nothing()
    {
        using var tachometer = new StopWatchTachometer((_, _) => { }, TimeSpan.FromHours(1), timeProvider: TimeProvider.System);

        Allocations.Of(() =>
        {
            using (tachometer.Start())
            {
            }
        }).Should().Be(0);
    }

    [Fact]
    public void Without_a_name_it_has_the_default_name()
    {
        using var tachometer = new StopWatchTachometer((_, _) => { });

        tachometer.Name.Should().Be(StopWatchTachometer.DefaultName);
        tachometer.StatsInterval.Should().Be(Tachometer.DefaultStatsInterval);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        var noCallback = () => new StopWatchTachometer(null!);
        var noInterval = () => new StopWatchTachometer((_, _) => { }, TimeSpan.Zero);
        var badName = () => new StopWatchTachometer((_, _) => { }, TimeSpan.FromSeconds(1), "has space");

        noCallback.Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("statsCallback");
        noInterval.Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("statsInterval");
        badName.Should().Throw<ArgumentException>().And.ParamName.Should().Be("name");
    }
}
