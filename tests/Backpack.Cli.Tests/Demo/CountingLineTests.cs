using Backpack.Cli.Demo;
using Backpack.Geometry;

namespace Backpack.Cli.Tests.Demo;

public sealed class CountingLineTests
{
    // A vertical line at x = 0.5 drawn from top to bottom.
    private static readonly Line Vertical = new(new Point(0.5, 0.0), new Point(0.5, 1.0));

    [Fact]
    public void A_track_whose_base_steps_from_the_left_to_the_right_counts_one_in()
    {
        var counter = new CountingLine(Vertical);

        counter.Update([At(1, 0.45, 0.5)]);
        var crossings = counter.Update([At(1, 0.55, 0.5)]);

        crossings.Should().Be(1);
        counter.In.Should().Be(1);
        counter.Out.Should().Be(0);
    }

    [Fact]
    public void A_track_whose_base_steps_from_the_right_to_the_left_counts_one_out()
    {
        var counter = new CountingLine(Vertical);

        counter.Update([At(1, 0.55, 0.5)]);
        counter.Update([At(1, 0.45, 0.5)]);

        counter.In.Should().Be(0);
        counter.Out.Should().Be(1);
    }

    [Fact]
    public void A_track_that_moves_without_crossing_counts_nothing()
    {
        var counter = new CountingLine(Vertical);

        counter.Update([At(1, 0.10, 0.5)]);
        counter.Update([At(1, 0.30, 0.6)]);
        counter.Update([At(1, 0.49, 0.9)]);

        (counter.In, counter.Out).Should().Be((0, 0));
    }

    [Fact]
    public void A_track_seen_for_the_first_time_counts_nothing_whichever_side_it_is_on()
    {
        var counter = new CountingLine(Vertical);

        counter.Update([At(1, 0.45, 0.5)]);
        counter.Update([At(2, 0.55, 0.5)]);

        (counter.In, counter.Out).Should().Be((0, 0));
    }

    [Fact]
    public void The_base_of_the_box_decides_not_its_centre()
    {
        // A short line across the lower half only: the boxes' centres pass above it, their bases through it.
        var counter = new CountingLine(new Line(new Point(0.5, 0.6), new Point(0.5, 1.0)));

        counter.Update([new Detection(1, ObjectClass.Car, new Rectangle(0.35, 0.4, 0.45, 0.7), 0.9)]);
        counter.Update([new Detection(1, ObjectClass.Car, new Rectangle(0.55, 0.4, 0.65, 0.7), 0.9)]);

        counter.In.Should().Be(1);
    }

    [Fact]
    public void A_track_missing_from_one_update_is_forgotten_and_not_counted_across_the_gap()
    {
        var counter = new CountingLine(Vertical);

        counter.Update([At(1, 0.45, 0.5)]);
        counter.Update([]);
        counter.Update([At(1, 0.55, 0.5)]);

        (counter.In, counter.Out).Should().Be((0, 0));
        counter.TrackCount.Should().Be(1);
    }

    [Fact]
    public void Several_tracks_crossing_in_one_update_each_count_in_their_direction()
    {
        var counter = new CountingLine(Vertical);

        counter.Update([At(1, 0.45, 0.2), At(2, 0.48, 0.4), At(3, 0.6, 0.6), At(4, 0.2, 0.8)]);
        var crossings = counter.Update([At(1, 0.55, 0.2), At(2, 0.52, 0.4), At(3, 0.4, 0.6), At(4, 0.25, 0.8)]);

        crossings.Should().Be(3);
        (counter.In, counter.Out).Should().Be((2, 1));
    }

    [Fact]
    public void A_track_going_back_and_forth_counts_every_crossing()
    {
        var counter = new CountingLine(Vertical);

        foreach (var x in new[] { 0.4, 0.6, 0.4, 0.6, 0.6 })
        {
            counter.Update([At(7, x, 0.5)]);
        }

        (counter.In, counter.Out).Should().Be((2, 1));
    }

    [Fact]
    public void Tracks_that_left_are_dropped_so_the_table_does_not_grow()
    {
        var counter = new CountingLine(Vertical);

        for (var id = 0; id < 1000; id++)
        {
            counter.Update([At(id, 0.3, 0.5), At(id + 1, 0.3, 0.5)]);
        }

        counter.TrackCount.Should().Be(2);
    }

    /// <summary>A detection whose base is at (x, y).</summary>
    private static Detection At(int id, double x, double y) =>
        new(id, ObjectClass.Person, new Rectangle(x - 0.01, y - 0.1, x + 0.01, y), 0.9);
}
