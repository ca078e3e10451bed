using Backpack.Geometry;

namespace Backpack.Annotation;

/// <summary>A line of text whose anchor lies at <see cref="Point"/>.</summary>
/// <remarks>
/// The raster driver draws it in a Hershey stroke font whose size is 1 at a frame height of 400 pixels and
/// grows with the frame, times <see cref="Size"/>. The font has printable ASCII only: any other character shows, as in
/// OpenCV, as one <c>?</c> per byte of its UTF-8 form (<c>é</c> as <c>??</c>, <c>☕</c> as <c>???</c>).
/// </remarks>
/// <example>
/// <code>
/// new LabelAnnotation(new Point(0.5, 0.05), "Entrance", HtmlColors.Yellow,
///     HorizontalAnchor.Center, VerticalAnchor.Top, size: 1.5);
/// </code>
/// </example>
public sealed record LabelAnnotation : Annotation
{
    /// <summary>Creates a label.</summary>
    /// <param name="point">The anchor point, normalised.</param>
    /// <param name="text">The text, one line.</param>
    /// <param name="color">The text colour; null for the driver's default colour (white).</param>
    /// <param name="horizontalAnchor">Which point of the text lies at <paramref name="point"/> horizontally.</param>
    /// <param name="verticalAnchor">Which point of the text lies at <paramref name="point"/> vertically.</param>
    /// <param name="size">The relative text size, above 0 and at most 100; 1 by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The size is out of range or an anchor is not defined.</exception>
    public LabelAnnotation(
        Point point,
        string text,
        Color? color = null,
        HorizontalAnchor horizontalAnchor = HorizontalAnchor.Left,
        VerticalAnchor verticalAnchor = VerticalAnchor.Bottom,
        double size = 1.0)
    {
        ArgumentNullException.ThrowIfNull(text);
        Point = point;
        Text = text;
        Color = color;
        HorizontalAnchor = Enum.IsDefined(horizontalAnchor)
            ? horizontalAnchor
            : throw new ArgumentOutOfRangeException(nameof(horizontalAnchor), horizontalAnchor, "Expected Left, Center or Right.");
        VerticalAnchor = Enum.IsDefined(verticalAnchor)
            ? verticalAnchor
            : throw new ArgumentOutOfRangeException(nameof(verticalAnchor), verticalAnchor, "Expected Top, Center, Baseline or Bottom.");
        Size = size is > 0 and <= 100
            ? size
            : throw new ArgumentOutOfRangeException(nameof(size), size, "Expected a relative text size above 0 and at most 100.");
    }

    /// <summary>The anchor point, normalised.</summary>
    public Point Point { get; }

    /// <summary>The text.</summary>
    public string Text { get; }

    /// <summary>The text colour; null for the driver's default.</summary>
    public Color? Color { get; }

    /// <summary>Which point of the text lies at <see cref="Point"/> horizontally.</summary>
    public HorizontalAnchor HorizontalAnchor { get; }

    /// <summary>Which point of the text lies at <see cref="Point"/> vertically.</summary>
    public VerticalAnchor VerticalAnchor { get; }

    /// <summary>The relative text size; 1 is the size of the original at a 400-pixel-high frame.</summary>
    public double Size { get; }
}
