namespace Backpack.Cli.Demo;

/// <summary>The kinds of object the demo scene moves around and "detects".</summary>
internal enum ObjectClass
{
    /// <summary>A pedestrian on a sidewalk or the crosswalk.</summary>
    Person,

    /// <summary>A car on the road.</summary>
    Car,

    /// <summary>A bicycle at the edge of the road.</summary>
    Bicycle,

    /// <summary>A truck on the road.</summary>
    Truck,
}
