using Backpack.Geometry;

namespace Backpack.Annotation;

/// <summary>
/// A display list that shows rectangles and labels over a video, with the operations of AWS Panorama's
/// media object (<c>add_rect</c> with two normalised corners, <c>add_label</c> at a normalised point):
/// the seam between <see cref="OverlayAnnotationDriver"/> and any overlay back end (a browser overlay, a
/// device SDK). Implement <see cref="ILineOverlayMedia"/> as well when the back end can draw lines.
/// </summary>
/// <remarks>
/// Back ends may ignore what they cannot show, such as colours (Panorama's media object has none) or anchors.
/// All coordinates are normalised to [0; 1).
/// </remarks>
public interface IOverlayMedia
{
    /// <summary>Adds the outline of a rectangle.</summary>
    /// <param name="rectangle">The rectangle, its corners normalised.</param>
    /// <param name="color">The colour, or null for the back end's default.</param>
    void AddRect(Rectangle rectangle, Color? color);

    /// <summary>Adds a line of text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="point">The anchor point, normalised.</param>
    /// <param name="color">The colour, or null for the back end's default.</param>
    /// <param name="horizontalAnchor">Which point of the text lies at <paramref name="point"/> horizontally.</param>
    /// <param name="verticalAnchor">Which point of the text lies at <paramref name="point"/> vertically.</param>
    /// <param name="size">The relative text size (1 is the normal size).</param>
    void AddLabel(string text, Point point, Color? color, HorizontalAnchor horizontalAnchor, VerticalAnchor verticalAnchor, double size);
}
