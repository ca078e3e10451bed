using System.Globalization;
using System.Text.Json;

namespace Backpack.Geometry;

/// <summary>
/// A point (or a vector) on the plane. Annotations use coordinates normalised to the frame:
/// <see cref="X"/> in [0; 1) from the left edge, <see cref="Y"/> in [0; 1) from the top edge
/// (screen orientation: y grows downwards).
/// </summary>
/// <remarks>An immutable value; thread safe.</remarks>
/// <example>
/// <code>
/// var a = new Point(0.1, 0.2);
/// var b = new Point(0.4, 0.6);
/// double d = a.Distance(b);          // 0.5
/// var (x, y) = (a + b) / 2;          // the midpoint 0.25, 0.4
/// </code>
/// </example>
/// <param name="X">The x coordinate.</param>
/// <param name="Y">The y coordinate.</param>
public readonly record struct Point(double X, double Y)
{
    /// <summary>
    /// Whether <paramref name="pt1"/>, <paramref name="pt2"/>, <paramref name="pt3"/> turn
    /// counterclockwise in the mathematical sense of the coordinates (which is clockwise on the screen,
    /// where y grows downwards). Collinear points, and two equal points, count as counterclockwise.
    /// </summary>
    /// <param name="pt1">The first point.</param>
    /// <param name="pt2">The second point.</param>
    /// <param name="pt3">The third point.</param>
    /// <returns><c>true</c> when the cross product of pt2 − pt1 and pt3 − pt1 is zero or positive.</returns>
    public static bool Ccw(Point pt1, Point pt2, Point pt3)
    {
        var d21 = pt2 - pt1;
        var d31 = pt3 - pt1;
        return d21.X * d31.Y >= d31.X * d21.Y;
    }

    /// <summary>The Euclidean distance to another point.</summary>
    /// <param name="other">The other point.</param>
    public double Distance(Point other)
    {
        var d = this - other;
        return Math.Sqrt((d.X * d.X) + (d.Y * d.Y));
    }

    /// <summary>The coordinate with index 0 (<see cref="X"/>) or 1 (<see cref="Y"/>).</summary>
    /// <param name="index">0 or 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is neither 0 nor 1.</exception>
    public double this[int index] => index switch
    {
        0 => X,
        1 => Y,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "Expected 0 (x) or 1 (y)."),
    };

    /// <summary>Adds two points as vectors.</summary>
    /// <param name="left">The first point.</param>
    /// <param name="right">The second point.</param>
    public static Point operator +(Point left, Point right) => new(left.X + right.X, left.Y + right.Y);

    /// <summary>Subtracts two points as vectors.</summary>
    /// <param name="left">The first point.</param>
    /// <param name="right">The point subtracted.</param>
    public static Point operator -(Point left, Point right) => new(left.X - right.X, left.Y - right.Y);

    /// <summary>Divides both coordinates by a number.</summary>
    /// <param name="point">The point.</param>
    /// <param name="divisor">The divisor; dividing by zero gives infinite or NaN coordinates, as for doubles.</param>
    public static Point operator /(Point point, double divisor) => new(point.X / divisor, point.Y / divisor);

    /// <summary>Adds two points as vectors (the named form of <c>+</c>).</summary>
    /// <param name="left">The first point.</param>
    /// <param name="right">The second point.</param>
    public static Point Add(Point left, Point right) => left + right;

    /// <summary>Subtracts two points as vectors (the named form of <c>−</c>).</summary>
    /// <param name="left">The first point.</param>
    /// <param name="right">The point subtracted.</param>
    public static Point Subtract(Point left, Point right) => left - right;

    /// <summary>Divides both coordinates by a number (the named form of <c>/</c>).</summary>
    /// <param name="point">The point.</param>
    /// <param name="divisor">The divisor.</param>
    public static Point Divide(Point point, double divisor) => point / divisor;

    /// <summary>True when both coordinates are finite numbers (neither NaN nor infinite).</summary>
    public bool IsFinite => double.IsFinite(X) && double.IsFinite(Y);

    /// <summary>A point from its JSON form in a scene (docs/annotation.md): <c>[x, y]</c> or <c>{"x": x, "y": y}</c>.</summary>
    /// <param name="json">The JSON value.</param>
    /// <returns>The point.</returns>
    /// <exception cref="ArgumentException"><paramref name="json"/> is a default element that holds no value.</exception>
    /// <exception cref="FormatException">
    /// The value is not a point; the message starts with the JSON path of the fault (<c>$</c>: the value itself) and
    /// says what was expected and what was found.
    /// </exception>
    /// <example>
    /// <code>
    /// using var document = JsonDocument.Parse("""{"door": [0.25, 0.5]}""");
    /// var door = Point.FromJson(document.RootElement.GetProperty("door"));   // (0.25, 0.5)
    /// </code>
    /// </example>
    public static Point FromJson(JsonElement json) => GeometryJson.Read<Point>(json, GeometryJson.TryReadPoint);

    /// <summary>A point from JSON text such as <c>[0.25, 0.5]</c>; see <see cref="FromJson(JsonElement)"/> for the forms.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The point.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="FormatException">Not valid JSON, or not a point; the message names the JSON path of the fault.</exception>
    public static Point FromJson(string json) => GeometryJson.Parse<Point>(json, GeometryJson.TryReadPoint);

    /// <summary>The point as <c>(x, y)</c> with invariant culture, such as <c>(0.25, 0.5)</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"({X}, {Y})");
}
