using Backpack.Geometry;

namespace Backpack.Annotation;

/// <summary>The outline of an axis-aligned rectangle.</summary>
/// <param name="Rect">The rectangle, normalised.</param>
/// <param name="Color">The line colour; null for the driver's default colour (white).</param>
public sealed record RectAnnotation(Rectangle Rect, Color? Color = null) : Annotation;
