using Backpack.Timepiece;

namespace Backpack.Tests.Timepiece;

public sealed class IntervalScheduleTests
{
    private readonly ManualTimeProvider _time = new();
    private int _calls;

    private IntervalSchedule Create(double seconds, TaskScheduler? dispatcher = null, IntervalCadence cadence = IntervalCadence.FixedRate) =>
        new(TimeSpan.FromSeconds(seconds), () => Interlocked.Increment(ref _calls), dispatcher, _time, cadence: cadence);

    /// <summary>Ticks at each given time (seconds from the start) and says which ticks fired.</summary>
    private List<double> FiringsAt(IntervalSchedule schedule, params double[] times)
    {
        var fired = new List<double>();
        var now = TimeSpan.Zero;
        foreach (var time in times)
        {
            // Whole ticks from the start, so that steps add up exactly.
            var at = TimeSpan.FromTicks((long)Math.Round(time * TimeSpan.TicksPerSecond));
            _time.Advance(at - now);
            now = at;
            if (schedule.Tick())
            {
                fired.Add(time);
            }
        }

        return fired;
    }

    [Fact]
    public void It_fires_at_the_first_tick_and_then_once_per_interval()
    {
        var schedule = Create(1.0);

        FiringsAt(schedule, 0, 0.5, 0.99, 1.0, 1.5, 2.1, 2.9, 3.0)
            .Should().Equal(0, 1.0, 2.1, 3.0);
        schedule.IsRepeating.Should().BeTrue();
    }

    [Fact]
    public void It_keeps_its_rhythm_rather_than_counting_from_the_late_tick()
    {
        var schedule = Create(1.0);

        // Ticks every 300 ms: each firing comes late, yet the next one is due on the 1 s grid
        // (2.0 s, 3.0 s), not one interval after the late tick (2.2 s, 3.4 s).
        var ticks = Enumerable.Range(0, 13).Select(i => i * 0.3).ToArray();

        FiringsAt(schedule, ticks).Should().Equal(0, 1.2, 2.1, 3.0);
    }

    [Fact]
    public void At_a_fixed_rate_two_firings_can_be_closer_than_the_interval()
    {
        var schedule = Create(1.0);

        // The firing due at 1.0 s comes late, at 1.1 s; the next is due on the grid at 2.0 s, 0.9 s later.
        FiringsAt(schedule, 0, 1.1, 2.0).Should().Equal(0, 1.1, 2.0);
        schedule.Cadence.Should().Be(IntervalCadence.FixedRate, "the original's grid is the default");
    }

    [Fact]
    public void With_a_fixed_delay_firings_are_at_least_one_interval_apart()
    {
        var schedule = Create(1.0, cadence: IntervalCadence.FixedDelay);

        FiringsAt(schedule, 0, 1.1, 2.0, 2.09, 2.1, 3.0, 3.2).Should().Equal(0, 1.1, 2.1, 3.2);
        schedule.Cadence.Should().Be(IntervalCadence.FixedDelay);
    }

    [Fact]
    public void With_a_fixed_delay_late_ticks_push_the_following_firings_later()
    {
        var schedule = Create(1.0, cadence: IntervalCadence.FixedDelay);
        var ticks = Enumerable.Range(0, 13).Select(i => i * 3 / 10.0).ToArray();

        // Every 300 ms: each firing waits a whole interval from the previous one, so 1.2 s apart rather than on the grid.
        FiringsAt(schedule, ticks).Should().Equal(0, 1.2, 2.4, 3.6);
    }

    [Fact]
    public void With_a_fixed_delay_a_stall_fires_once_and_the_next_firing_is_an_interval_after_it()
    {
        var schedule = Create(1.0, cadence: IntervalCadence.FixedDelay);

        FiringsAt(schedule, 0, 5.5, 6.0, 6.4, 6.5, 7.5).Should().Equal(0, 5.5, 6.5, 7.5);
    }

    [Fact]
    public void With_a_fixed_delay_each_firing_happens_once_when_ticked_from_many_threads()
    {
        var schedule = Create(1, cadence: IntervalCadence.FixedDelay);

        var fired = Concurrently.Count(threads: 4, repetitions: 1000, () => schedule.Tick());

        fired.Should().Be(1);
    }

    [Fact]
    public void With_a_fixed_delay_a_tick_that_does_not_fire_allocates_nothing()
    {
        var schedule = new IntervalSchedule(TimeSpan.FromHours(1), () => { }, timeProvider: TimeProvider.System, cadence: IntervalCadence.FixedDelay);
        schedule.Tick().Should().BeTrue();

        Allocations.Of(() => schedule.Tick()).Should().Be(0);
    }

    [Fact]
    public void A_cadence_that_is_not_defined_is_rejected()
    {
        var create = () => Create(1, cadence: (IntervalCadence)7);

        create.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("Expected IntervalCadence.FixedRate or IntervalCadence.FixedDelay*")
            .And.ParamName.Should().Be("cadence");
    }

    [Fact]
    public void After_a_stall_it_fires_once_not_once_per_missed_interval()
    {
        var schedule = Create(1.0);

        FiringsAt(schedule, 0, 5.5, 5.6, 5.9, 6.0, 6.5, 7.0).Should().Equal(0, 5.5, 6.0, 7.0);
    }

    [Fact]
    public void It_measures_on_the_monotonic_clock_so_wall_clock_jumps_do_not_fire_it()
    {
        var schedule = Create(10);
        schedule.Tick().Should().BeTrue();

        _time.JumpWallClock(TimeSpan.FromHours(1));

        schedule.Tick().Should().BeFalse();
    }

    [Fact]
    public void A_dispatched_firing_returns_at_once_and_runs_on_the_dispatcher()
    {
        var dispatcher = new ManualDispatcher();
        var schedule = Create(1, dispatcher);

        schedule.Tick().Should().BeTrue();

        _calls.Should().Be(0);
        dispatcher.RunAll().Should().Be(1);
        _calls.Should().Be(1);
    }

    [Fact]
    public void An_inline_tick_gives_the_callbacks_result()
    {
        var schedule = new IntervalSchedule(TimeSpan.FromSeconds(1), () => 7, timeProvider: _time);

        schedule.Tick(out var result).Should().BeTrue();

        result.Should().Be(7);
        schedule.Interval.Should().Be(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Each_firing_happens_once_when_ticked_from_many_threads()
    {
        var schedule = Create(1);

        var fired = Concurrently.Count(threads: 4, repetitions: 1000, () => schedule.Tick());

        fired.Should().Be(1, "the clock did not move, so only the first tick fires");
    }

    [Fact]
    public void A_tick_that_does_not_fire_allocates_nothing()
    {
        var schedule = new IntervalSchedule(TimeSpan.FromHours(1), () => { }, timeProvider: TimeProvider.System);
        schedule.Tick().Should().BeTrue();

        Allocations.Of(() => schedule.Tick()).Should().Be(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_zero_or_negative_interval_is_rejected(double seconds)
    {
        var create = () => Create(seconds);

        create.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("Expected a positive time interval, got *")
            .And.ParamName.Should().Be("interval");
    }

    [Fact]
    public void A_null_callback_is_rejected()
    {
        var create = () => new IntervalSchedule(TimeSpan.FromSeconds(1), (Action)null!);

        create.Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("callback");
    }
}
