using Backpack.Geometry;

namespace Backpack.Cli.Demo;

/// <summary>
/// Watches a polygon zone: an object is in the zone when the base point (bottom centre) of its box, where it
/// stands on the ground, lies inside the polygon.
/// </summary>
/// <remarks>Not thread safe.</remarks>
internal sealed class ZoneMonitor
{
    /// <summary>Creates a monitor of a closed polygon.</summary>
    /// <exception cref="ArgumentException">The polyline is open.</exception>
    internal ZoneMonitor(PolyLine zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (!zone.Closed)
        {
            throw new ArgumentException("A zone must be a closed polygon; this polyline is open.", nameof(zone));
        }
        Zone = zone;
    }

    /// <summary>The zone.</summary>
    internal PolyLine Zone { get; }

    /// <summary>How many objects stood in the zone at the last update.</summary>
    internal int Occupancy { get; private set; }

    /// <summary>Whether anything stood in the zone at the last update.</summary>
    internal bool IsOccupied => Occupancy > 0;

    /// <summary>Counts the detections of this frame that stand in the zone.</summary>
    /// <returns>The new <see cref="Occupancy"/>.</returns>
    internal int Update(IReadOnlyList<Detection> detections)
    {
        ArgumentNullException.ThrowIfNull(detections);
        var occupancy = 0;
        for (var i = 0; i < detections.Count; i++)
        {
            if (Zone.HasInside(detections[i].Box.Base))
            {
                occupancy++;
            }
        }
        Occupancy = occupancy;
        return occupancy;
    }
}
