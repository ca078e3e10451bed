using System.Collections.ObjectModel;
using System.Text.Json;

namespace Backpack.Geometry;

/// <summary>
/// A series of connected line segments through <see cref="Points"/>; when <see cref="Closed"/>, the last
/// point connects back to the first and the polyline is a polygon (a zone).
/// </summary>
/// <remarks>
/// Immutable and thread safe: the points are copied on construction. Two polylines are equal when
/// their points (in order) and <see cref="Closed"/> are.
/// </remarks>
/// <example>
/// <code>
/// var zone = new PolyLine([new(0.1, 0.4), new(0.5, 0.4), new(0.5, 0.9), new(0.1, 0.9)], closed: true);
/// bool inZone = zone.HasInside(detection.Base);
/// </code>
/// </example>
public sealed class PolyLine : IEquatable<PolyLine>
{
    private readonly Point[] _points;
    private ReadOnlyCollection<Line>? _lines;

    /// <summary>Creates a polyline.</summary>
    /// <param name="points">At least 2 points, or 3 when <paramref name="closed"/>; copied.</param>
    /// <param name="closed">True (the default) to join the last point back to the first.</param>
    /// <exception cref="ArgumentNullException"><paramref name="points"/> is null.</exception>
    /// <exception cref="ArgumentException">Too few points.</exception>
    public PolyLine(IEnumerable<Point> points, bool closed = true)
    {
        ArgumentNullException.ThrowIfNull(points);
        _points = [.. points];
        if (_points.Length < MinimumPoints(closed))
        {
            throw new ArgumentException($"Too few points: {TooFewPoints(closed, _points.Length)}.", nameof(points));
        }
        Closed = closed;
        Points = new ReadOnlyCollection<Point>(_points);
    }

    /// <summary>The points, in order.</summary>
    public IReadOnlyList<Point> Points { get; }

    /// <summary>True when the last point joins back to the first.</summary>
    public bool Closed { get; }

    /// <summary>The point at <paramref name="index"/>.</summary>
    /// <param name="index">From 0 to <c>Points.Count - 1</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the points.</exception>
    public Point this[int index] =>
        (uint)index < (uint)_points.Length
            ? _points[index]
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"Expected an index from 0 to {_points.Length - 1}.");

    /// <summary>The segments between consecutive points, and from the last to the first when closed.</summary>
    public IReadOnlyList<Line> Lines => _lines ??= Array.AsReadOnly(BuildLines());

    /// <summary>The smallest axis-aligned rectangle that holds every point.</summary>
    public Rectangle BoundingBox
    {
        get
        {
            double minX = double.PositiveInfinity, minY = double.PositiveInfinity;
            double maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
            foreach (var point in _points)
            {
                minX = Math.Min(minX, point.X);
                minY = Math.Min(minY, point.Y);
                maxX = Math.Max(maxX, point.X);
                maxY = Math.Max(maxY, point.Y);
            }
            return new Rectangle(minX, minY, maxX, maxY);
        }
    }

    /// <summary>Whether two segments that are not neighbours cross each other.</summary>
    public bool SelfIntersects
    {
        get
        {
            var lines = Lines;
            for (var i = 0; i < lines.Count; i++)
            {
                for (var j = i + 2; j < lines.Count; j++)
                {
                    if (lines[i].Intersects(lines[j]) != LineIntersection.None)
                    {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /// <summary>
    /// Whether the polygon through the points is convex: every consecutive triple of points (cyclically)
    /// turns the same way. Polygons of three points are convex. Undefined for self-intersecting polygons.
    /// </summary>
    public bool IsConvex
    {
        get
        {
            if (_points.Length < 4)
            {
                return true;
            }
            var first = Point.Ccw(_points[0], _points[1], _points[2]);
            for (var i = 1; i < _points.Length; i++)
            {
                var turn = Point.Ccw(_points[i], _points[(i + 1) % _points.Length], _points[(i + 2) % _points.Length]);
                if (turn != first)
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>
    /// Whether a point lies inside this closed polyline, by ray casting: a ray from just left of the
    /// bounding box to the point crosses the outline an odd number of times.
    /// </summary>
    /// <param name="point">The point.</param>
    /// <exception cref="InvalidOperationException">The polyline is open: only a closed one has an inside.</exception>
    public bool HasInside(Point point)
    {
        if (!Closed)
        {
            throw new InvalidOperationException("HasInside needs a closed polyline; this one is open.");
        }
        var box = BoundingBox;
        if (!box.HasInside(point))
        {
            return false;
        }
        var ray = new Line(new Point(box.PtMin.X - 0.01, box.PtMin.Y), point);
        var crossings = 0;
        foreach (var line in Lines)
        {
            if (ray.Intersects(line) != LineIntersection.None)
            {
                crossings++;
            }
        }
        return crossings % 2 == 1;
    }

    internal ReadOnlySpan<Point> PointSpan => _points;

    /// <summary>
    /// A polyline from its JSON form in a scene (docs/annotation.md): <c>{"points": [[x, y], ...], "closed": true}</c>
    /// (<c>closed</c> optional, true by default; no other field) or just the array of points <c>[[x, y], ...]</c>, closed.
    /// A point is <c>[x, y]</c> or <c>{"x": x, "y": y}</c>.
    /// </summary>
    /// <param name="json">The JSON value.</param>
    /// <returns>The polyline.</returns>
    /// <exception cref="ArgumentException"><paramref name="json"/> is a default element that holds no value.</exception>
    /// <exception cref="FormatException">
    /// The value is not a polyline. The message starts with the JSON path of the fault, relative to the value, and says
    /// what was expected: <c>$.points[2]: expected a point [x, y] ... got "a"</c>.
    /// </exception>
    /// <example>
    /// <code>
    /// var zone = PolyLine.FromJson("""{"points": [[0.1, 0.4], [0.5, 0.4], [0.5, 0.9]], "closed": true}""");
    /// </code>
    /// </example>
    public static PolyLine FromJson(JsonElement json) => GeometryJson.Read<PolyLine>(json, GeometryJson.TryReadPolyLine);

    /// <summary>A polyline from JSON text; see <see cref="FromJson(JsonElement)"/> for the forms.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The polyline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="FormatException">Not valid JSON, or not a polyline; the message names the JSON path of the fault.</exception>
    public static PolyLine FromJson(string json) => GeometryJson.Parse<PolyLine>(json, GeometryJson.TryReadPolyLine);

    /// <summary>How many points a polyline needs: 3 when closed, 2 when open.</summary>
    internal static int MinimumPoints(bool closed) => closed ? 3 : 2;

    /// <summary>What is wrong with <paramref name="count"/> points, fewer than <see cref="MinimumPoints"/>.</summary>
    internal static string TooFewPoints(bool closed, int count) =>
        $"{(closed ? "a closed" : "an open")} polyline needs at least {MinimumPoints(closed)} points; got {count}";

    /// <inheritdoc/>
    public bool Equals(PolyLine? other) =>
        other is not null && (ReferenceEquals(this, other) || (Closed == other.Closed && _points.AsSpan().SequenceEqual(other._points)));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PolyLine);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Closed);
        foreach (var point in _points)
        {
            hash.Add(point);
        }
        return hash.ToHashCode();
    }

    /// <summary>The points joined by arrows, such as <c>(0.1, 0.2) → (0.3, 0.4) → closed</c>.</summary>
    public override string ToString() =>
        string.Join(" → ", _points.Select(point => point.ToString())) + (Closed ? " → closed" : string.Empty);

    private Line[] BuildLines()
    {
        var count = Closed ? _points.Length : _points.Length - 1;
        var lines = new Line[count];
        for (var i = 0; i < count; i++)
        {
            lines[i] = new Line(_points[i], _points[(i + 1) % _points.Length]);
        }
        return lines;
    }
}
