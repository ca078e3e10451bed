using System.Globalization;
using System.Text.Json;

namespace Backpack.Geometry;

/// <summary>A line segment from <see cref="Pt1"/> to <see cref="Pt2"/>.</summary>
/// <remarks>An immutable value; thread safe.</remarks>
/// <example>
/// A counting line: did a tracked object's last step cross it, and from which side?
/// <code>
/// var countingLine = new Line(new Point(0.0, 0.6), new Point(1.0, 0.6));
/// var step = new Line(previousBase, currentBase);
/// switch (countingLine.Intersects(step))
/// {
///     case LineIntersection.Left: entering++; break;
///     case LineIntersection.Right: leaving++; break;
/// }
/// </code>
/// </example>
/// <param name="Pt1">The first end point.</param>
/// <param name="Pt2">The second end point.</param>
public readonly record struct Line(Point Pt1, Point Pt2)
{
    /// <summary>
    /// Whether <paramref name="other"/> crosses this segment, and in which direction. An observer at
    /// <see cref="Pt1"/> looks towards <see cref="Pt2"/>; the crossing is <see cref="LineIntersection.Left"/>
    /// when <see cref="Point.Ccw"/>(Pt1, Pt2, other.Pt1) holds — the other segment starts on the side that is
    /// counterclockwise in coordinate terms — and <see cref="LineIntersection.Right"/> otherwise, exactly as
    /// the Python Backpack decides. Remember that y grows downwards on the screen.
    /// Segments that only touch at a collinear end point may count as not crossing.
    /// </summary>
    /// <param name="other">The other segment.</param>
    /// <returns><see cref="LineIntersection.None"/> when the segments do not cross.</returns>
    public LineIntersection Intersects(Line other)
    {
        var startSide = Point.Ccw(Pt1, Pt2, other.Pt1);
        if (Point.Ccw(Pt1, other.Pt1, other.Pt2) == Point.Ccw(Pt2, other.Pt1, other.Pt2)
            || startSide == Point.Ccw(Pt1, Pt2, other.Pt2))
        {
            return LineIntersection.None;
        }
        return startSide ? LineIntersection.Left : LineIntersection.Right;
    }

    /// <summary>The end point with index 0 (<see cref="Pt1"/>) or 1 (<see cref="Pt2"/>).</summary>
    /// <param name="index">0 or 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is neither 0 nor 1.</exception>
    public Point this[int index] => index switch
    {
        0 => Pt1,
        1 => Pt2,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "Expected 0 (pt1) or 1 (pt2)."),
    };

    /// <summary>The length of the segment.</summary>
    public double Length => Pt1.Distance(Pt2);

    /// <summary>
    /// A segment from its JSON form in a scene (docs/annotation.md): <c>[[x1, y1], [x2, y2]]</c> or, as the original
    /// writes it, <c>{"pt1": [x1, y1], "pt2": [x2, y2]}</c>; either point may also be <c>{"x": .., "y": ..}</c>.
    /// </summary>
    /// <param name="json">The JSON value.</param>
    /// <returns>The segment.</returns>
    /// <exception cref="ArgumentException"><paramref name="json"/> is a default element that holds no value.</exception>
    /// <exception cref="FormatException">
    /// The value is not a segment; the message starts with the JSON path of the fault, such as <c>$[1]</c> or
    /// <c>$.pt2</c> for a bad second point, and says what was expected and what was found.
    /// </exception>
    public static Line FromJson(JsonElement json) => GeometryJson.Read<Line>(json, GeometryJson.TryReadLine);

    /// <summary>A segment from JSON text such as <c>[[0, 0.6], [1, 0.6]]</c>; see <see cref="FromJson(JsonElement)"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The segment.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="FormatException">Not valid JSON, or not a segment; the message names the JSON path of the fault.</exception>
    public static Line FromJson(string json) => GeometryJson.Parse<Line>(json, GeometryJson.TryReadLine);

    /// <summary>The segment as <c>[(x1, y1), (x2, y2)]</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Pt1}, {Pt2}]");
}
