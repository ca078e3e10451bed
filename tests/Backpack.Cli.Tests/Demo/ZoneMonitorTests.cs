using Backpack.Cli.Demo;
using Backpack.Geometry;

namespace Backpack.Cli.Tests.Demo;

public sealed class ZoneMonitorTests
{
    private static readonly PolyLine Square = new([new(0.4, 0.4), new(0.6, 0.4), new(0.6, 0.6), new(0.4, 0.6)]);

    [Fact]
    public void An_object_standing_in_the_zone_occupies_it()
    {
        var zone = new ZoneMonitor(Square);

        zone.Update([Standing(1, 0.5, 0.55)]).Should().Be(1);

        zone.IsOccupied.Should().BeTrue();
    }

    [Fact]
    public void An_object_whose_box_overlaps_the_zone_but_stands_outside_does_not_occupy_it()
    {
        var zone = new ZoneMonitor(Square);

        // The box reaches into the zone from the right; its base (0.675, 0.5) is beside it.
        zone.Update([new Detection(1, ObjectClass.Truck, new Rectangle(0.55, 0.3, 0.8, 0.5), 0.9)]);
        zone.Occupancy.Should().Be(0);

        // The box covers the whole zone; its base (0.5, 0.7) is below it.
        zone.Update([new Detection(1, ObjectClass.Truck, new Rectangle(0.3, 0.3, 0.7, 0.7), 0.9)]);
        zone.IsOccupied.Should().BeFalse();
    }

    [Fact]
    public void Occupancy_counts_every_object_inside_and_follows_each_update()
    {
        var zone = new ZoneMonitor(Square);

        zone.Update([Standing(1, 0.45, 0.5), Standing(2, 0.55, 0.5), Standing(3, 0.9, 0.5)]).Should().Be(2);
        zone.Update([Standing(1, 0.45, 0.5)]).Should().Be(1);
        zone.Update([]).Should().Be(0);
        zone.IsOccupied.Should().BeFalse();
    }

    [Fact]
    public void The_demo_zone_holds_the_crosswalk()
    {
        var zone = new ZoneMonitor(StreetLayout.Zone);

        var middle = (StreetLayout.CrosswalkLeft + StreetLayout.CrosswalkRight) / 2;
        zone.Update([Standing(1, middle, (StreetLayout.RoadTop + StreetLayout.RoadBottom) / 2)]).Should().Be(1);
        zone.Update([Standing(1, 0.1, (StreetLayout.RoadTop + StreetLayout.RoadBottom) / 2)]).Should().Be(0);
    }

    [Fact]
    public void An_open_polyline_is_refused_because_it_has_no_inside()
    {
        var open = new PolyLine([new(0.1, 0.1), new(0.2, 0.2), new(0.3, 0.1)], closed: false);

        var create = () => new ZoneMonitor(open);

        create.Should().Throw<ArgumentException>().WithParameterName("zone").WithMessage("*closed polygon*");
    }

    private static Detection Standing(int id, double x, double y) =>
        new(id, ObjectClass.Person, new Rectangle(x - 0.01, y - 0.1, x + 0.01, y), 0.9);
}
