using Backpack.Geometry;

namespace Backpack.Annotation;

/// <summary>A small symbol centred on a point.</summary>
public sealed record MarkerAnnotation : Annotation
{
    /// <summary>Creates a marker.</summary>
    /// <param name="point">The centre, normalised.</param>
    /// <param name="style">The shape; a cross by default.</param>
    /// <param name="color">The colour; null for the driver's default colour (white).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="style"/> is not defined.</exception>
    public MarkerAnnotation(Point point, MarkerStyle style = MarkerStyle.Cross, Color? color = null)
    {
        Point = point;
        Style = Enum.IsDefined(style)
            ? style
            : throw new ArgumentOutOfRangeException(nameof(style), style, "Expected a MarkerStyle such as Cross or Diamond.");
        Color = color;
    }

    /// <summary>The centre, normalised.</summary>
    public Point Point { get; }

    /// <summary>The shape.</summary>
    public MarkerStyle Style { get; }

    /// <summary>The colour; null for the driver's default.</summary>
    public Color? Color { get; }
}
