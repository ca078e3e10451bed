using Backpack.Geometry;

namespace Backpack.Annotation;

/// <summary>A straight line segment, such as a counting line.</summary>
public sealed record LineAnnotation : Annotation
{
    /// <summary>Creates a line annotation.</summary>
    /// <param name="line">The segment, normalised.</param>
    /// <param name="color">The colour; null for the driver's default colour (white).</param>
    /// <param name="thickness">The thickness in pixels, 1 to 255.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="thickness"/> is out of range.</exception>
    public LineAnnotation(Line line, Color? color = null, int thickness = 1)
    {
        Line = line;
        Color = color;
        Thickness = Thicknesses.Validate(thickness, nameof(thickness));
    }

    /// <summary>The segment, normalised.</summary>
    public Line Line { get; }

    /// <summary>The colour; null for the driver's default.</summary>
    public Color? Color { get; }

    /// <summary>The thickness in pixels, 1 to 255.</summary>
    public int Thickness { get; }
}
