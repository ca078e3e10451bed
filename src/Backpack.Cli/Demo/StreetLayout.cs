using Backpack.Geometry;

namespace Backpack.Cli.Demo;

/// <summary>
/// Where things are in the demo's street, normalised to the frame (x from the left, y from the top):
/// buildings at the top, a sidewalk, a two-lane road with a crosswalk, another sidewalk at the bottom.
/// The world, the background and the scene share these figures so objects move where the picture shows
/// a road or a sidewalk.
/// </summary>
internal static class StreetLayout
{
    /// <summary>Bottom of the buildings, top of the upper sidewalk.</summary>
    internal const double BuildingsBottom = 0.30;

    /// <summary>Top edge of the road (the upper curb).</summary>
    internal const double RoadTop = 0.45;

    /// <summary>Bottom edge of the road (the lower curb).</summary>
    internal const double RoadBottom = 0.78;

    /// <summary>The dashed line between the two lanes.</summary>
    internal const double LaneDivider = 0.615;

    /// <summary>Left edge of the crosswalk.</summary>
    internal const double CrosswalkLeft = 0.64;

    /// <summary>Right edge of the crosswalk.</summary>
    internal const double CrosswalkRight = 0.76;

    /// <summary>Where the base (bottom centre) of an eastbound vehicle runs.</summary>
    internal const double EastboundBase = 0.595;

    /// <summary>Where the base of a westbound vehicle runs.</summary>
    internal const double WestboundBase = 0.745;

    /// <summary>Where the base of a bicycle runs, along the upper edge of the road.</summary>
    internal const double BicycleBase = 0.50;

    /// <summary>The range of bases of people walking along the upper sidewalk.</summary>
    internal static (double Min, double Max) UpperSidewalkBases => (0.36, 0.44);

    /// <summary>The range of bases of people walking along the lower sidewalk.</summary>
    internal static (double Min, double Max) LowerSidewalkBases => (0.86, 0.97);

    /// <summary>
    /// The counting line, drawn from top to bottom across the whole street: an object whose base crosses
    /// it going right (eastwards) counts as in, going left as out.
    /// </summary>
    internal static Line CountingLine { get; } = new(new Point(0.40, 0.31), new Point(0.42, 0.99));

    /// <summary>The monitored zone: the crosswalk and a margin around it on the road.</summary>
    internal static PolyLine Zone { get; } = new(
    [
        new Point(CrosswalkLeft - 0.01, RoadTop),
        new Point(CrosswalkRight + 0.01, RoadTop),
        new Point(CrosswalkRight + 0.04, RoadBottom),
        new Point(CrosswalkLeft - 0.03, RoadBottom),
    ]);
}
