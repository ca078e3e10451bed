using Backpack.Geometry;

namespace Backpack.Cli.Demo;

/// <summary>
/// Counts tracked objects crossing a line: each update, the step of every track's base point (bottom centre
/// of its box) from its previous position is tested against the line with <see cref="Line.Intersects"/>.
/// With the line drawn from top to bottom, a crossing towards the right of the screen counts as
/// <see cref="In"/> (<see cref="LineIntersection.Left"/>: the step starts on the left side), towards the
/// left as <see cref="Out"/>.
/// </summary>
/// <remarks>
/// A track is remembered while it appears in the updates and forgotten at the first update without it, so a
/// track that vanishes and comes back is counted again only if it crosses again. Allocates nothing once
/// its table has grown to the number of tracks. Not thread safe.
/// </remarks>
internal sealed class CountingLine
{
    private readonly Dictionary<int, Track> _tracks = new(capacity: 64);
    private readonly List<int> _gone = new(capacity: 64);
    private long _update;

    /// <summary>Creates a counter for <paramref name="line"/>.</summary>
    internal CountingLine(Line line) => Line = line;

    /// <summary>The counting line.</summary>
    internal Line Line { get; }

    /// <summary>Crossings from the left side to the right side of the line.</summary>
    internal int In { get; private set; }

    /// <summary>Crossings from the right side to the left side.</summary>
    internal int Out { get; private set; }

    /// <summary>Counts the crossings of this frame's detections since the previous update.</summary>
    /// <returns>The number of crossings this update found.</returns>
    internal int Update(IReadOnlyList<Detection> detections)
    {
        ArgumentNullException.ThrowIfNull(detections);
        _update++;
        var crossings = 0;
        for (var i = 0; i < detections.Count; i++)
        {
            var detection = detections[i];
            var position = detection.Box.Base;
            if (_tracks.TryGetValue(detection.TrackId, out var track))
            {
                switch (Line.Intersects(new Line(track.Base, position)))
                {
                    case LineIntersection.Left:
                        In++;
                        crossings++;
                        break;
                    case LineIntersection.Right:
                        Out++;
                        crossings++;
                        break;
                }
            }
            _tracks[detection.TrackId] = new Track(position, _update);
        }
        foreach (var (id, track) in _tracks)
        {
            if (track.LastUpdate != _update)
            {
                _gone.Add(id);
            }
        }
        foreach (var id in _gone)
        {
            _tracks.Remove(id);
        }
        _gone.Clear();
        return crossings;
    }

    /// <summary>How many tracks the counter remembers.</summary>
    internal int TrackCount => _tracks.Count;

    private readonly record struct Track(Point Base, long LastUpdate);
}
