using Backpack.Geometry;

namespace Backpack.Annotation;

/// <summary>
/// A detection: the outline of a rectangle with an optional label above it and one below it, all in one colour.
/// </summary>
/// <remarks>
/// The raster driver draws the labels on a filled box of the annotation's colour (text in black or white,
/// whichever reads better) so they stay readable on any picture; see <see cref="RasterAnnotationOptions"/>.
/// </remarks>
/// <example>
/// <code>
/// new BoundingBoxAnnotation(detection.Box, $"person {detection.Score:0.00}", $"id {track.Id}", Color.FromId(track.Id));
/// </code>
/// </example>
/// <param name="Rectangle">The box, normalised.</param>
/// <param name="TopLabel">Text above the box, or null.</param>
/// <param name="BottomLabel">Text below the box, or null.</param>
/// <param name="Color">The colour of the box and its labels; null for the driver's default colour (white).</param>
public sealed record BoundingBoxAnnotation(
    Rectangle Rectangle,
    string? TopLabel = null,
    string? BottomLabel = null,
    Color? Color = null) : Annotation;
