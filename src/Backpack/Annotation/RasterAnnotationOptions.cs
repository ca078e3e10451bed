namespace Backpack.Annotation;

/// <summary>How a <see cref="RasterAnnotationDriver"/> draws.</summary>
/// <example>
/// <code>
/// var driver = new RasterAnnotationDriver(new RasterAnnotationOptions { LabelBackground = true, DefaultColor = HtmlColors.Yellow });
/// </code>
/// </example>
public sealed record RasterAnnotationOptions
{
    /// <summary>Smooth edges (the default); false paints each pixel fully or not at all, as OpenCV's LINE_8.</summary>
    public bool AntiAliasing { get; init; } = true;

    /// <summary>The colour of annotations without one: white, as in Python Backpack.</summary>
    public Color DefaultColor { get; init; } = HtmlColors.White;

    /// <summary>
    /// Whether plain labels and timestamps get a filled box of their colour behind them (text then black or
    /// white, whichever reads better); false by default, as in Python Backpack.
    /// </summary>
    public bool LabelBackground { get; init; }

    /// <summary>Whether the labels of bounding boxes get a filled box of the box's colour behind them; true by default.</summary>
    public bool BoundingBoxLabelBackground { get; init; } = true;

    /// <summary>Width and height of markers in pixels, 2 to 1000; 20 as OpenCV's drawMarker.</summary>
    public int MarkerSize { get; init; } = 20;

    /// <summary>Line thickness of rectangles and bounding boxes in pixels, 1 to 255; 1 as in Python Backpack.</summary>
    public int RectangleThickness { get; init; } = 1;

    /// <summary>The frame height, in pixels, at which a label of size 1 has font scale 1 (OpenCV's FONT_HERSHEY_PLAIN at 1.0): 400 as in Python Backpack.</summary>
    public int UnitFontHeight { get; init; } = 400;

    internal RasterAnnotationOptions Validated()
    {
        if (MarkerSize is < 2 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(MarkerSize), MarkerSize, "Expected a marker size from 2 to 1000 pixels.");
        }
        Thicknesses.Validate(RectangleThickness, nameof(RectangleThickness));
        if (UnitFontHeight is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(UnitFontHeight), UnitFontHeight, "Expected a frame height from 1 to 100000 pixels.");
        }
        return this;
    }
}
