using Backpack.Geometry;

namespace Backpack.Annotation;

/// <summary>A polyline or, when closed, a polygon (a zone) with an optional fill.</summary>
/// <example>
/// <code>
/// var zone = new PolyLine([new(0.1, 0.5), new(0.4, 0.5), new(0.45, 0.9), new(0.05, 0.9)]);
/// new PolyLineAnnotation(zone, thickness: 2, color: HtmlColors.Lime, fillColor: HtmlColors.Lime.WithAlpha(0.3));
/// </code>
/// </example>
public sealed record PolyLineAnnotation : Annotation
{
    /// <summary>Creates a polyline annotation.</summary>
    /// <param name="polyLine">The points, normalised, and whether the polyline is closed.</param>
    /// <param name="thickness">The outline thickness in pixels, 1 to 255.</param>
    /// <param name="color">The outline colour; null for the driver's default colour (white).</param>
    /// <param name="fillColor">
    /// The fill colour of the inside; null for no fill. An open polyline is filled too, as if its last point joined
    /// its first (as Python Backpack's OpenCV driver fills it); only the outline stays open.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="polyLine"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="thickness"/> is out of range.</exception>
    public PolyLineAnnotation(PolyLine polyLine, int thickness = 1, Color? color = null, Color? fillColor = null)
    {
        ArgumentNullException.ThrowIfNull(polyLine);
        PolyLine = polyLine;
        Thickness = Thicknesses.Validate(thickness, nameof(thickness));
        Color = color;
        FillColor = fillColor;
    }

    /// <summary>The points and whether the polyline is closed.</summary>
    public PolyLine PolyLine { get; }

    /// <summary>The outline thickness in pixels.</summary>
    public int Thickness { get; }

    /// <summary>The outline colour; null for the driver's default.</summary>
    public Color? Color { get; }

    /// <summary>The fill colour of the inside (of an open polyline too, as if closed); null for no fill.</summary>
    public Color? FillColor { get; }
}
