using Backpack.Timepiece;
using Microsoft.Extensions.Logging;

namespace Backpack.Tests.Timepiece;

public sealed class AtScheduleTests
{
    private readonly ManualTimeProvider _time = new();
    private int _calls;

    private DateTimeOffset InSeconds(double seconds) => _time.GetUtcNow().AddSeconds(seconds);

    private AtSchedule Create(DateTimeOffset? at, TaskScheduler? dispatcher = null, ILogger? logger = null) =>
        new(at, () => Interlocked.Increment(ref _calls), dispatcher, _time, logger);

    [Fact]
    public void It_fires_once_at_the_first_tick_after_its_time()
    {
        var schedule = Create(InSeconds(3));

        schedule.Tick().Should().BeFalse();
        _time.AdvanceSeconds(3);
        schedule.Tick().Should().BeFalse("it fires strictly after its time");
        _time.AdvanceSeconds(0.04);
        schedule.Tick().Should().BeTrue();
        _time.AdvanceSeconds(10);
        schedule.Tick().Should().BeFalse();

        _calls.Should().Be(1);
        schedule.IsRepeating.Should().BeFalse();
    }

    [Fact]
    public void Setting_At_again_rearms_it_even_to_the_same_time()
    {
        var at = InSeconds(1);
        var schedule = Create(at);
        _time.AdvanceSeconds(2);
        schedule.Tick().Should().BeTrue();
        schedule.IsPending.Should().BeFalse();

        schedule.At = at;

        schedule.IsPending.Should().BeTrue();
        schedule.Tick().Should().BeTrue();
        _calls.Should().Be(2);
    }

    [Fact]
    public void A_null_time_never_fires_until_one_is_set()
    {
        var schedule = Create(null);

        _time.AdvanceSeconds(1000);
        schedule.Tick().Should().BeFalse();
        schedule.IsPending.Should().BeFalse();

        schedule.At = InSeconds(1);
        _time.AdvanceSeconds(2);
        schedule.Tick().Should().BeTrue();
        schedule.At.Should().Be(InSeconds(-1));
    }

    [Fact]
    public void Times_are_compared_as_instants_whatever_their_offset()
    {
        var inTwoSecondsInTokyo = InSeconds(2).ToOffset(TimeSpan.FromHours(9));
        var schedule = Create(inTwoSecondsInTokyo);

        _time.AdvanceSeconds(1);
        schedule.Tick().Should().BeFalse();
        _time.AdvanceSeconds(1.5);
        schedule.Tick().Should().BeTrue();
    }

    [Fact]
    public void An_inline_tick_gives_the_callbacks_result()
    {
        var schedule = new AtSchedule(InSeconds(1), () => "done", timeProvider: _time);
        _time.AdvanceSeconds(2);

        schedule.Tick(out var result).Should().BeTrue();

        result.Should().Be("done");
    }

    [Fact]
    public void A_tick_that_does_not_fire_gives_no_result()
    {
        var schedule = new AtSchedule(InSeconds(1), () => "done", timeProvider: _time);

        schedule.Tick(out var result).Should().BeFalse();

        result.Should().BeNull();
    }

    [Fact]
    public void An_inline_callback_that_throws_reaches_the_caller_and_the_schedule_counts_as_fired()
    {
        var schedule = new AtSchedule(InSeconds(1), () => throw new InvalidOperationException("boom"), timeProvider: _time);
        _time.AdvanceSeconds(2);

        schedule.Invoking(s => s.Tick()).Should().Throw<InvalidOperationException>();

        schedule.IsPending.Should().BeFalse();
        schedule.Tick().Should().BeFalse();
    }

    [Fact]
    public void A_dispatched_tick_returns_at_once_and_the_callback_runs_on_the_dispatcher()
    {
        var dispatcher = new ManualDispatcher();
        var schedule = Create(InSeconds(1), dispatcher);
        _time.AdvanceSeconds(2);

        schedule.Tick(out var result).Should().BeTrue();

        result.Should().BeNull();
        _calls.Should().Be(0);
        dispatcher.RunAll().Should().Be(1);
        _calls.Should().Be(1);
        schedule.IsDispatched.Should().BeTrue();
    }

    [Fact]
    public void A_dispatched_callback_that_throws_is_logged_and_never_reaches_the_loop()
    {
        var dispatcher = new ManualDispatcher();
        var logger = new ListLogger();
        var schedule = new AtSchedule(InSeconds(1), () => throw new InvalidOperationException("boom"), dispatcher, _time, logger);
        _time.AdvanceSeconds(2);

        schedule.Tick().Should().BeTrue();
        dispatcher.RunAll();

        var entry = logger.Entries.Should().ContainSingle().Subject;
        entry.Level.Should().Be(LogLevel.Error);
        entry.Exception.Should().BeOfType<InvalidOperationException>();
        entry.Message.Should().Contain("AtSchedule");
    }

    [Fact]
    public void A_dispatcher_that_refuses_the_callback_is_logged_and_never_reaches_the_loop()
    {
        var logger = new ListLogger();
        var schedule = Create(InSeconds(1), new RefusingDispatcher(), logger);
        _time.AdvanceSeconds(2);

        schedule.Tick().Should().BeTrue();

        logger.Entries.Should().ContainSingle().Which.Message.Should().Contain("refused");
        _calls.Should().Be(0);
    }

    [Fact]
    public async Task The_thread_pool_runs_a_dispatched_callback_on_another_thread()
    {
        var ran = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var schedule = new AtSchedule(
            InSeconds(1), () => ran.SetResult(Environment.CurrentManagedThreadId), TaskScheduler.Default, _time);
        _time.AdvanceSeconds(2);

        schedule.Tick().Should().BeTrue();

        var thread = await ran.Task.WaitAsync(TimeSpan.FromSeconds(30));
        thread.Should().NotBe(Environment.CurrentManagedThreadId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void It_fires_once_when_ticked_from_many_threads_at_once(bool dispatched)
    {
        var dispatcher = new ManualDispatcher();

        // A slow callback widens the window a check-then-act implementation would fire twice in.
        var schedule = new AtSchedule(
            InSeconds(1),
            () =>
            {
                Thread.SpinWait(100_000);
                Interlocked.Increment(ref _calls);
            },
            dispatched ? dispatcher : null,
            _time);
        _time.AdvanceSeconds(2);

        var fired = Concurrently.Count(threads: 8, repetitions: 1000, () => schedule.Tick());
        dispatcher.RunAll();

        fired.Should().Be(1);
        _calls.Should().Be(1);
    }

    [Fact]
    public void A_null_callback_is_rejected()
    {
        var withAction = () => new AtSchedule(null, (Action)null!);
        var withFunction = () => new AtSchedule(null, (Func<object?>)null!);

        withAction.Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("callback");
        withFunction.Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("callback");
    }
}
