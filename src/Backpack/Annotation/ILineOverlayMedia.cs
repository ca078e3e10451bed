using Backpack.Geometry;

namespace Backpack.Annotation;

/// <summary>An <see cref="IOverlayMedia"/> that can also draw straight lines, so lines and polylines reach it too.</summary>
public interface ILineOverlayMedia : IOverlayMedia
{
    /// <summary>Adds a line segment.</summary>
    /// <param name="line">The segment, normalised.</param>
    /// <param name="color">The colour, or null for the back end's default.</param>
    /// <param name="thickness">The thickness in pixels of the displayed video.</param>
    void AddLine(Line line, Color? color, int thickness);
}
