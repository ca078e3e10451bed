using Backpack.Timepiece;

namespace Backpack.Tests.Timepiece;

public sealed class AlarmClockTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void It_replays_the_original_readme_example_in_order()
    {
        // The original's example: an AtSchedule 3 s ahead, an IntervalSchedule of 1.35 s and an
        // OrdinalSchedule of 17, ticked 125 times 40 ms apart.
        var calls = new List<string>();
        var start = _time.GetTimestamp();
        string Elapsed() => _time.GetElapsedTime(start).TotalSeconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        var at = new AtSchedule(_time.GetUtcNow().AddSeconds(3), () => calls.Add($"At {Elapsed()}"), timeProvider: _time);
        var interval = new IntervalSchedule(TimeSpan.FromSeconds(1.35), () => calls.Add($"Interval {Elapsed()}"), timeProvider: _time);
        var ordinal = new OrdinalSchedule(17, () => calls.Add($"Ordinal {Elapsed()}"));
        var clock = new AlarmClock([at, interval, ordinal]);

        for (var i = 0; i < 125; i++)
        {
            clock.Tick();
            _time.Advance(TimeSpan.FromMilliseconds(40));
        }

        calls.Should().Equal(
            "Interval 0.00", "Ordinal 0.64", "Ordinal 1.32", "Interval 1.36", "Ordinal 2.00", "Ordinal 2.68",
            "Interval 2.72", "At 3.04", "Ordinal 3.36", "Ordinal 4.04", "Interval 4.08", "Ordinal 4.72");
    }

    [Fact]
    public void Tick_ticks_every_schedule_and_says_how_many_fired()
    {
        var clock = new AlarmClock([new OrdinalSchedule(1, () => { }), new OrdinalSchedule(2, () => { }), new OrdinalSchedule(0, () => { })]);

        clock.Tick().Should().Be(1);
        clock.Tick().Should().Be(2);
    }

    [Fact]
    public void A_one_shot_schedule_leaves_the_set_after_firing_and_repeating_ones_stay()
    {
        var at = new AtSchedule(_time.GetUtcNow(), () => { }, timeProvider: _time);
        var ordinal = new OrdinalSchedule(1, () => { });
        var clock = new AlarmClock([at, ordinal]);

        clock.Tick().Should().Be(1, "the AtSchedule is not due yet");
        clock.Count.Should().Be(2);
        _time.AdvanceSeconds(1);
        clock.Tick().Should().Be(2);

        clock.Schedules.Should().Equal(ordinal);
    }

    [Fact]
    public void A_dispatched_one_shot_schedule_leaves_the_set_too()
    {
        var dispatcher = new ManualDispatcher();
        var at = new AtSchedule(_time.GetUtcNow(), () => { }, dispatcher, _time);
        var clock = new AlarmClock([at]);
        _time.AdvanceSeconds(1);

        clock.Tick().Should().Be(1);

        clock.Count.Should().Be(0);
        dispatcher.Pending.Should().Be(1);
    }

    [Fact]
    public void An_inline_callback_that_throws_reaches_the_caller_and_its_one_shot_schedule_leaves_all_the_same()
    {
        var failing = new AtSchedule(_time.GetUtcNow(), () => throw new InvalidOperationException("boom"), timeProvider: _time);
        var later = new OrdinalSchedule(1, () => { });
        var clock = new AlarmClock([failing, later]);
        _time.AdvanceSeconds(1);

        clock.Invoking(c => c.Tick()).Should().Throw<InvalidOperationException>();

        clock.Schedules.Should().Equal(later);
        clock.Tick().Should().Be(1);
    }

    [Fact]
    public void Add_and_Remove_say_whether_they_changed_the_set()
    {
        var schedule = new OrdinalSchedule(1, () => { });
        var clock = new AlarmClock();

        clock.Add(schedule).Should().BeTrue();
        clock.Add(schedule).Should().BeFalse();
        clock.Count.Should().Be(1);
        clock.Remove(schedule).Should().BeTrue();
        clock.Remove(schedule).Should().BeFalse();
        clock.Count.Should().Be(0);
    }

    [Fact]
    public void A_schedule_listed_twice_is_ticked_once_per_tick()
    {
        var calls = 0;
        var schedule = new OrdinalSchedule(1, () => calls++);

        new AlarmClock([schedule, schedule]).Tick();

        calls.Should().Be(1);
    }

    [Fact]
    public void Callbacks_may_add_and_remove_schedules_while_the_clock_ticks()
    {
        var clock = new AlarmClock();
        var added = new OrdinalSchedule(1, () => { });
        OrdinalSchedule? self = null;
        self = new OrdinalSchedule(1, () =>
        {
            clock.Add(added);
            clock.Remove(self!);
        });
        clock.Add(self);

        clock.Tick().Should().Be(1, "a schedule added during a tick is ticked from the next tick on");
        clock.Schedules.Should().Equal(added);
        clock.Tick().Should().Be(1);
    }

    [Fact]
    public void Schedules_may_be_added_and_removed_from_another_thread_while_the_clock_ticks()
    {
        var clock = new AlarmClock();
        var permanentCalls = 0;
        clock.Add(new OrdinalSchedule(1, () => Interlocked.Increment(ref permanentCalls)));
        var churn = Enumerable.Range(0, 50).Select(_ => new OrdinalSchedule(3, () => { })).ToArray();
        using var stop = new CancellationTokenSource();
        Exception? failure = null;

        var ticker = new Thread(() =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    clock.Tick();
                }
            }
            catch (Exception exception)
            {
                failure = exception;
            }
        });
        ticker.Start();
        for (var round = 0; round < 200; round++)
        {
            foreach (var schedule in churn)
            {
                clock.Add(schedule);
            }

            foreach (var schedule in churn)
            {
                clock.Remove(schedule);
            }
        }

        stop.Cancel();
        ticker.Join();

        failure.Should().BeNull();
        clock.Count.Should().Be(1);
        permanentCalls.Should().BeGreaterThan(0);
    }

    [Fact]
    public void A_tick_that_fires_nothing_allocates_nothing()
    {
        var clock = new AlarmClock([
            new IntervalSchedule(TimeSpan.FromHours(1), () => { }),
            new OrdinalSchedule(0, () => { }),
            new AtSchedule(null, () => { }),
        ]);
        clock.Tick();

        Allocations.Of(() => clock.Tick()).Should().Be(0);
    }

    [Fact]
    public void Null_schedules_are_rejected()
    {
        var clock = new AlarmClock();

        clock.Invoking(c => c.Add(null!)).Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("schedule");
        clock.Invoking(c => c.Remove(null!)).Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("schedule");
        var create = () => new AlarmClock([new OrdinalSchedule(1, () => { }), null!]);
        create.Should().Throw<ArgumentException>().And.ParamName.Should().Be("schedules");
    }
}
