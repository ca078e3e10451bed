using Backpack.Cli.Demo;
using Backpack.Geometry;

namespace Backpack.Cli.Tests.Demo;

public sealed class DemoWorldTests
{
    private const double Step = 1.0 / 30;

    [Fact]
    public void The_same_seed_gives_the_same_objects_and_detections()
    {
        var first = Run(seed: 5, frames: 900);
        var second = Run(seed: 5, frames: 900);
        var other = Run(seed: 6, frames: 900);

        second.Should().Equal(first);
        other.Should().NotEqual(first);
    }

    [Fact]
    public void Objects_of_every_class_enter_over_two_minutes_with_unique_increasing_ids()
    {
        var world = new DemoWorld(seed: 3);
        var seen = new Dictionary<int, ObjectClass>();

        for (var i = 0; i < 30 * 120; i++)
        {
            world.Step(Step);
            world.Objects.Count.Should().BeLessThanOrEqualTo(world.MaxObjects);
            foreach (var item in world.Objects)
            {
                seen.TryAdd(item.Id, item.Class);
            }
        }

        seen.Values.Distinct().Should().BeEquivalentTo(Enum.GetValues<ObjectClass>());
        seen.Keys.Should().OnlyHaveUniqueItems();
        world.Objects.Select(item => item.Id).Should().BeInAscendingOrder("objects are kept oldest first");
        world.Entered.Should().Be(seen.Count);
    }

    [Fact]
    public void An_object_moves_by_its_velocity_times_the_step()
    {
        var world = new DemoWorld(seed: 1);
        var car = world.Add(ObjectClass.Car, new Point(0.2, 0.5), new Point(0.15, 0), 0.1, 0.08);

        world.Step(0.5);

        car.Center.X.Should().BeApproximately(0.275, 1e-12);
        car.Center.Y.Should().Be(0.5);
        car.Age.Should().Be(0.5);
    }

    [Fact]
    public void An_object_is_removed_once_its_box_has_left_the_frame_in_its_direction_of_travel()
    {
        var world = new DemoWorld(seed: 1, maxObjects: 1);
        var car = world.Add(ObjectClass.Car, new Point(0.9, 0.5), new Point(0.2, 0), 0.1, 0.08);

        world.Step(0.5);
        world.Objects.Should().Contain(car, "its box still overlaps the frame (left edge at 0.95)");
        world.Step(0.5);
        world.Objects.Should().NotContain(car);
    }

    [Fact]
    public void Every_object_whose_box_overlaps_the_frame_is_detected_near_its_true_box()
    {
        var world = new DemoWorld(seed: 9);
        var detections = new List<Detection>();

        for (var i = 0; i < 30 * 60; i++)
        {
            world.Step(Step);
            world.Detect(detections);
            var visible = world.Objects.Where(item => item.Box.Right > 0 && item.Box.Left < 1 && item.Box.Bottom > 0 && item.Box.Top < 1).ToList();
            detections.Select(d => d.TrackId).Should().Equal(visible.Select(item => item.Id));
            foreach (var (detection, item) in detections.Zip(visible))
            {
                detection.Class.Should().Be(item.Class);
                detection.Box.Left.Should().BeApproximately(item.Box.Left, 0.002);
                detection.Box.Bottom.Should().BeApproximately(item.Box.Bottom, 0.002);
                detection.Score.Should().BeInRange(0.05, 0.99).And.BeApproximately(item.BaseScore, 0.03);
            }
        }
    }

    [Fact]
    public void People_and_vehicles_cross_the_counting_line_both_ways_within_three_minutes()
    {
        var world = new DemoWorld(seed: 2);
        var counter = new CountingLine(StreetLayout.CountingLine);
        var zone = new ZoneMonitor(StreetLayout.Zone);
        var detections = new List<Detection>();
        var zoneWasOccupied = false;

        for (var i = 0; i < 30 * 180; i++)
        {
            world.Step(Step);
            world.Detect(detections);
            counter.Update(detections);
            zoneWasOccupied |= zone.Update(detections) > 0;
        }

        counter.In.Should().BePositive();
        counter.Out.Should().BePositive();
        zoneWasOccupied.Should().BeTrue();
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_step_that_is_not_more_than_0_and_at_most_1_second_is_refused(double seconds)
    {
        var world = new DemoWorld();

        var step = () => world.Step(seconds);

        step.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(seconds));
    }

    private static List<Detection> Run(int seed, int frames)
    {
        var world = new DemoWorld(seed);
        var all = new List<Detection>();
        var detections = new List<Detection>();
        for (var i = 0; i < frames; i++)
        {
            world.Step(Step);
            world.Detect(detections);
            all.AddRange(detections);
        }
        return all;
    }
}
