using Backpack.Timepiece;

namespace Backpack.Tests.Timepiece;

public sealed class OrdinalScheduleTests
{
    private static List<int> FiringTicks(OrdinalSchedule schedule, int ticks) =>
        Enumerable.Range(1, ticks).Where(_ => schedule.Tick()).ToList();

    [Fact]
    public void It_fires_on_every_nth_tick_and_never_on_the_first()
    {
        var schedule = new OrdinalSchedule(17, () => { });

        FiringTicks(schedule, 125).Should().Equal(17, 34, 51, 68, 85, 102, 119);
        schedule.IsRepeating.Should().BeTrue();
        schedule.Ordinal.Should().Be(17);
    }

    [Fact]
    public void An_ordinal_of_one_fires_on_every_tick_including_the_first()
    {
        FiringTicks(new OrdinalSchedule(1, () => { }), 3).Should().Equal(1, 2, 3);
    }

    [Fact]
    public void An_ordinal_of_zero_never_fires()
    {
        var calls = 0;

        FiringTicks(new OrdinalSchedule(0, () => calls++), 1000).Should().BeEmpty();
        calls.Should().Be(0);
    }

    [Fact]
    public void A_negative_ordinal_is_rejected()
    {
        var create = () => new OrdinalSchedule(-1, () => { });

        create.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("Expected an ordinal of 0 (never fire) or more, got -1.*")
            .And.ParamName.Should().Be("ordinal");
    }

    [Fact]
    public void An_inline_tick_gives_the_callbacks_result()
    {
        var schedule = new OrdinalSchedule(2, () => "second");

        schedule.Tick(out var first).Should().BeFalse();
        schedule.Tick(out var second).Should().BeTrue();

        first.Should().BeNull();
        second.Should().Be("second");
    }

    [Fact]
    public void A_dispatched_firing_runs_on_the_dispatcher()
    {
        var dispatcher = new ManualDispatcher();
        var calls = 0;
        var schedule = new OrdinalSchedule(2, () => calls++, dispatcher);

        FiringTicks(schedule, 4).Should().Equal(2, 4);

        calls.Should().Be(0);
        dispatcher.RunAll().Should().Be(2);
        calls.Should().Be(2);
    }

    [Fact]
    public void Ticks_from_many_threads_are_each_counted_once()
    {
        var schedule = new OrdinalSchedule(10, () => { });

        var fired = Concurrently.Count(threads: 4, repetitions: 2500, () => schedule.Tick());

        fired.Should().Be(1000);
    }

    [Fact]
    public void A_null_callback_is_rejected()
    {
        var create = () => new OrdinalSchedule(3, (Func<object?>)null!);

        create.Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("callback");
    }
}
