using Backpack.Timepiece;

namespace Backpack.Tests.Timepiece;

public sealed class StopWatchTests
{
    private readonly ManualTimeProvider _time = new();

    private void Spend(StopWatch watch, double seconds)
    {
        using (watch.Start())
        {
            _time.AdvanceSeconds(seconds);
        }
    }

    [Fact]
    public void A_using_scope_records_how_long_the_block_took()
    {
        var watch = new StopWatch("inference", timeProvider: _time);

        Spend(watch, 0.25);
        Spend(watch, 0.5);

        watch.Intervals.Should().Equal(TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(0.5));
        watch.Mean.Should().Be(TimeSpan.FromSeconds(0.375));
    }

    [Fact]
    public void Time_outside_the_scopes_is_not_measured()
    {
        var watch = new StopWatch("inference", timeProvider: _time);

        Spend(watch, 0.1);
        _time.AdvanceSeconds(5);
        Spend(watch, 0.2);

        watch.Sum.Should().Be(TimeSpan.FromSeconds(0.3));
    }

    [Fact]
    public void Nested_scopes_of_one_stopwatch_each_measure_from_their_own_start()
    {
        var watch = new StopWatch("recursive", timeProvider: _time);

        using (watch.Start())
        {
            _time.AdvanceSeconds(1);
            Spend(watch, 2);
        }

        watch.Intervals.Should().Equal(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void The_default_scope_measures_nothing()
    {
        var scope = default(StopWatchScope);

        scope.Dispose();
    }

    [Fact]
    public void Measure_wraps_an_action_so_that_every_call_is_timed()
    {
        var watch = new StopWatch("postprocess", timeProvider: _time);
        var timed = watch.Measure(() => _time.AdvanceSeconds(0.2));

        timed();
        timed();

        watch.Intervals.Should().Equal(TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(0.2));
    }

    [Fact]
    public void Measure_wraps_a_function_and_passes_its_result_through()
    {
        var watch = new StopWatch("model", timeProvider: _time);
        var timed = watch.Measure(() =>
        {
            _time.AdvanceSeconds(0.3);
            return 42;
        });

        timed().Should().Be(42);
        watch.Intervals.Should().Equal(TimeSpan.FromSeconds(0.3));
    }

    [Fact]
    public void A_measured_call_that_throws_is_timed_all_the_same()
    {
        var watch = new StopWatch("flaky", timeProvider: _time);
        var timed = watch.Measure(() =>
        {
            _time.AdvanceSeconds(0.1);
            throw new InvalidOperationException("boom");
        });

        timed.Should().Throw<InvalidOperationException>();
        watch.Intervals.Should().Equal(TimeSpan.FromSeconds(0.1));
    }

    [Fact]
    public void Measure_rejects_a_null_delegate()
    {
        var watch = new StopWatch("w", timeProvider: _time);

        ((Action)(() => watch.Measure(null!))).Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("action");
        ((Action)(() => watch.Measure<int>(null!))).Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("function");
    }

    [Fact]
    public void Child_returns_the_existing_child_of_that_name()
    {
        var root = new StopWatch("root", timeProvider: _time);

        var first = root.Child("task1", maxIntervals: 5);
        var again = root.Child("task1", maxIntervals: 7);

        again.Should().BeSameAs(first);
        again.MaxIntervals.Should().Be(5);
        root.Children.Should().Equal(first);
    }

    [Fact]
    public void A_new_child_keeps_as_many_intervals_as_its_parent_unless_told_otherwise()
    {
        var root = new StopWatch("root", maxIntervals: 3, timeProvider: _time);

        root.Child("inherits").MaxIntervals.Should().Be(3);
        root.Child("own", maxIntervals: 8).MaxIntervals.Should().Be(8);
    }

    [Fact]
    public void A_child_measures_with_its_parents_clock()
    {
        var child = new StopWatch("root", timeProvider: _time).Child("task");

        Spend(child, 0.7);

        child.Intervals.Should().Equal(TimeSpan.FromSeconds(0.7));
    }

    [Fact]
    public void The_family_tree_names_parents_full_name_and_level()
    {
        var root = new StopWatch("root", timeProvider: _time);
        var task1 = root.Child("task1");
        var subtask = task1.Child("subtask1_1");

        subtask.Parent.Should().BeSameAs(task1);
        subtask.Parents.Should().Equal(task1, root);
        subtask.FullName.Should().Be("root.task1.subtask1_1");
        subtask.Level.Should().Be(2);
        root.Parent.Should().BeNull();
        root.Parents.Should().BeEmpty();
        root.FullName.Should().Be("root");
        root.Level.Should().Be(0);
        root.Name.Should().Be("root");
    }

    [Fact]
    public void ToString_indents_children_one_level_per_depth_as_in_the_original_readme()
    {
        // The timings of the original README's StopWatch example, replayed on the manual clock.
        var root = new StopWatch("root", timeProvider: _time);
        using (root.Start())
        {
            var task1 = root.Child("task1", maxIntervals: 5);
            using (task1.Start())
            {
                _time.AdvanceSeconds(0.0101);
                var subtask11 = task1.Child("subtask1_1");
                Spend(subtask11, 0.0301);
                Spend(task1.Child("subtask1_2"), 0.0701);
                Spend(task1.Child("subtask1_3"), 0.0901);
                Spend(subtask11, 0.0501);
            }

            foreach (var seconds in new[] { 0.0275, 0.0825, 0.0334, 0.0843, 0.0633 })
            {
                Spend(root.Child("task2"), seconds);
            }

            _time.AdvanceSeconds(0.0001);
        }

        root.ToString().Should().Be(
            """
            <StopWatch name=root intervals=[0.5416] min=0.5416 mean=0.5416 max=0.5416 children=[
                <StopWatch name=task1 intervals=[0.2505] min=0.2505 mean=0.2505 max=0.2505 children=[
                    <StopWatch name=subtask1_1 intervals=[0.0301, 0.0501] min=0.0301 mean=0.0401 max=0.0501>,
                    <StopWatch name=subtask1_2 intervals=[0.0701] min=0.0701 mean=0.0701 max=0.0701>,
                    <StopWatch name=subtask1_3 intervals=[0.0901] min=0.0901 mean=0.0901 max=0.0901>
                ]>,
                <StopWatch name=task2 intervals=[0.0275, 0.0825, 0.0334, 0.0843, 0.0633] min=0.0275 mean=0.0582 max=0.0843>
            ]>
            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void ToString_of_a_child_indents_relative_to_that_child()
    {
        var task = new StopWatch("root", timeProvider: _time).Child("task");
        Spend(task.Child("step"), 0.5);

        task.ToString().Should().Be(
            "<StopWatch name=task children=[\n    <StopWatch name=step intervals=[0.5000] min=0.5000 mean=0.5000 max=0.5000>\n]>");
    }

    [Fact]
    public void ToString_of_an_unused_stopwatch_is_its_name_alone()
    {
        new StopWatch("idle", timeProvider: _time).ToString().Should().Be("<StopWatch name=idle>");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_blank_name_is_rejected(string name)
    {
        var create = () => new StopWatch(name);
        var child = () => new StopWatch("root").Child(name);

        create.Should().Throw<ArgumentException>().And.ParamName.Should().Be("name");
        child.Should().Throw<ArgumentException>().And.ParamName.Should().Be("name");
    }

    [Fact]
    public void A_null_name_is_rejected()
    {
        var create = () => new StopWatch(null!);

        create.Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("name");
    }

    [Fact]
    public void A_stopwatch_keeping_no_interval_is_rejected()
    {
        var create = () => new StopWatch("w", maxIntervals: 0);
        var child = () => new StopWatch("w").Child("c", maxIntervals: 0);
        var parent = new StopWatch("p");
        parent.Child("existing");
        var existingChild = () => parent.Child("existing", maxIntervals: 0);

        create.Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("maxIntervals");
        child.Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("maxIntervals");
        existingChild.Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("maxIntervals");
    }

    [Fact]
    public void A_scope_allocates_nothing()
    {
        var watch = new StopWatch("hot", timeProvider: TimeProvider.System);
        var child = watch.Child("child");

        Allocations.Of(() =>
        {
            using (watch.Start())
            {
                using (watch.Child("child").Start())
                {
                }
            }
        }).Should().Be(0);
        child.Count.Should().Be(10);
    }
}
