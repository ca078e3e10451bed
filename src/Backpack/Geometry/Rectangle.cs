using System.Globalization;
using System.Text.Json;

namespace Backpack.Geometry;

/// <summary>
/// An axis-aligned rectangle, normalised: whichever two opposite corners it is made from,
/// <see cref="PtMin"/> holds the smallest and <see cref="PtMax"/> the largest coordinates.
/// </summary>
/// <remarks>An immutable value; thread safe. Two rectangles are equal when their normalised corners are.</remarks>
/// <example>
/// <code>
/// var box = new Rectangle(new Point(0.5, 0.4), new Point(0.2, 0.1));   // any two opposite corners
/// // box.PtMin == (0.2, 0.1), box.PtMax == (0.5, 0.4), box.Base == (0.35, 0.4)
/// bool inside = box.HasInside(new Point(0.3, 0.3));                  // true
/// </code>
/// </example>
public readonly record struct Rectangle
{
    /// <summary>Creates a rectangle from any two opposite corners.</summary>
    /// <param name="pt1">One corner.</param>
    /// <param name="pt2">The opposite corner.</param>
    public Rectangle(Point pt1, Point pt2)
    {
        PtMin = new Point(Math.Min(pt1.X, pt2.X), Math.Min(pt1.Y, pt2.Y));
        PtMax = new Point(Math.Max(pt1.X, pt2.X), Math.Max(pt1.Y, pt2.Y));
    }

    /// <summary>Creates a rectangle from the coordinates of two opposite corners.</summary>
    /// <param name="x1">X of one corner.</param>
    /// <param name="y1">Y of one corner.</param>
    /// <param name="x2">X of the opposite corner.</param>
    /// <param name="y2">Y of the opposite corner.</param>
    public Rectangle(double x1, double y1, double x2, double y2)
        : this(new Point(x1, y1), new Point(x2, y2))
    {
    }

    /// <summary>The top-left corner: the smallest x and y.</summary>
    public Point PtMin { get; }

    /// <summary>The bottom-right corner: the largest x and y.</summary>
    public Point PtMax { get; }

    /// <summary>The centre.</summary>
    public Point Center => new((PtMin.X + PtMax.X) / 2, (PtMin.Y + PtMax.Y) / 2);

    /// <summary>The centre of the bottom edge, where a detected person or car stands.</summary>
    public Point Base => new((PtMin.X + PtMax.X) / 2, PtMax.Y);

    /// <summary>The width: <see cref="Right"/> − <see cref="Left"/>.</summary>
    public double Width => PtMax.X - PtMin.X;

    /// <summary>The height: <see cref="Bottom"/> − <see cref="Top"/>.</summary>
    public double Height => PtMax.Y - PtMin.Y;

    /// <summary>The width and the height.</summary>
    public (double Width, double Height) Size => (Width, Height);

    /// <summary>The area: width × height.</summary>
    public double Area => Width * Height;

    /// <summary>Width divided by height; infinite or NaN for a rectangle of zero height, as for doubles.</summary>
    public double AspectRatio => Width / Height;

    /// <summary>The y of the top edge.</summary>
    public double Top => PtMin.Y;

    /// <summary>The x of the left edge.</summary>
    public double Left => PtMin.X;

    /// <summary>The y of the bottom edge.</summary>
    public double Bottom => PtMax.Y;

    /// <summary>The x of the right edge.</summary>
    public double Right => PtMax.X;

    /// <summary>The coordinates as top, left, bottom, right.</summary>
    public (double Top, double Left, double Bottom, double Right) Tlbr => (Top, Left, Bottom, Right);

    /// <summary>The coordinates as top, left, height, width.</summary>
    public (double Top, double Left, double Height, double Width) Tlhw => (Top, Left, Height, Width);

    /// <summary>The corner with index 0 (<see cref="PtMin"/>) or 1 (<see cref="PtMax"/>).</summary>
    /// <param name="index">0 or 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is neither 0 nor 1.</exception>
    public Point this[int index] => index switch
    {
        0 => PtMin,
        1 => PtMax,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "Expected 0 (pt_min) or 1 (pt_max)."),
    };

    /// <summary>Whether a point lies inside the rectangle or on its edge.</summary>
    /// <param name="point">The point.</param>
    public bool HasInside(Point point) =>
        point.X >= PtMin.X && point.Y >= PtMin.Y && point.X <= PtMax.X && point.Y <= PtMax.Y;

    /// <summary>A rectangle from its top, left, bottom and right coordinates.</summary>
    /// <param name="top">Y of the top edge.</param>
    /// <param name="left">X of the left edge.</param>
    /// <param name="bottom">Y of the bottom edge.</param>
    /// <param name="right">X of the right edge.</param>
    public static Rectangle FromTlbr(double top, double left, double bottom, double right) =>
        new(new Point(left, top), new Point(right, bottom));

    /// <summary>A rectangle from its top, left, height and width.</summary>
    /// <param name="top">Y of the top edge.</param>
    /// <param name="left">X of the left edge.</param>
    /// <param name="height">The height.</param>
    /// <param name="width">The width.</param>
    public static Rectangle FromTlhw(double top, double left, double height, double width) =>
        new(new Point(left, top), new Point(left + width, top + height));

    /// <summary>
    /// A rectangle from its JSON form in a scene (docs/annotation.md): <c>[x1, y1, x2, y2]</c>,
    /// <c>[[x1, y1], [x2, y2]]</c> or, as the original writes it, <c>{"pt1": [x1, y1], "pt2": [x2, y2]}</c>: any two
    /// opposite corners, each also as <c>{"x": .., "y": ..}</c> in the last two forms.
    /// </summary>
    /// <param name="json">The JSON value.</param>
    /// <returns>The rectangle, normalised.</returns>
    /// <exception cref="ArgumentException"><paramref name="json"/> is a default element that holds no value.</exception>
    /// <exception cref="FormatException">
    /// The value is not a rectangle; the message starts with the JSON path of the fault (<c>$</c>, or <c>$[1]</c> or
    /// <c>$.pt2</c> for a bad second corner) and says what was expected and what was found.
    /// </exception>
    public static Rectangle FromJson(JsonElement json) => GeometryJson.Read<Rectangle>(json, GeometryJson.TryReadRectangle);

    /// <summary>A rectangle from JSON text such as <c>[0.1, 0.2, 0.3, 0.4]</c>; see <see cref="FromJson(JsonElement)"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The rectangle, normalised.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="FormatException">Not valid JSON, or not a rectangle; the message names the JSON path of the fault.</exception>
    public static Rectangle FromJson(string json) => GeometryJson.Parse<Rectangle>(json, GeometryJson.TryReadRectangle);

    /// <summary>The rectangle as <c>[(x1, y1), (x2, y2)]</c> of its normalised corners.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{PtMin}, {PtMax}]");
}
