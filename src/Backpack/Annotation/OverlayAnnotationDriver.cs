using Backpack.Geometry;
using Microsoft.Extensions.Logging;

namespace Backpack.Annotation;

/// <summary>
/// Maps annotations onto an <see cref="IOverlayMedia"/> display list: the C# counterpart of Python Backpack's
/// PanoramaMediaAnnotationDriver, for any overlay back end.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Rectangles and labels pass through; a timestamp becomes its text as a label; a bounding box becomes
/// its rectangle and its labels (the top one above the box, the bottom one below it), leaving out a label that is
/// null or empty, as the original does.</item>
/// <item>A marker becomes its symbol as a label centred on its point, as in the original:
/// <c>+</c>, <c>x</c>, <c>*</c>, <c>&lt;&gt;</c>, <c>||</c>, <c>/\</c>, <c>\/</c>.</item>
/// <item>Lines, and polylines as their segments, reach an <see cref="ILineOverlayMedia"/>; a media without
/// lines leaves them out, and no media can show a polyline's fill: each is said once in the log.</item>
/// </list>
/// </remarks>
/// <example>
/// <code>
/// var overlay = new OverlayAnnotationDriver();
/// overlay.Render(annotations, media);   // media: your IOverlayMedia, such as a Panorama media adapter
/// </code>
/// </example>
public sealed class OverlayAnnotationDriver : AnnotationDriver<IOverlayMedia>
{
    /// <summary>Creates an overlay driver.</summary>
    /// <param name="timeProvider">The clock of live timestamps; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Where notes on what the media cannot show go; nowhere when null.</param>
    public OverlayAnnotationDriver(TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : base(timeProvider, loggerFactory)
    {
    }

    /// <summary>The label text that stands for a marker style, as in Python Backpack's Panorama driver.</summary>
    /// <param name="style">The marker style.</param>
    public static string MarkerSymbol(MarkerStyle style) => style switch
    {
        MarkerStyle.Cross => "+",
        MarkerStyle.TiltedCross => "x",
        MarkerStyle.Star => "*",
        MarkerStyle.Diamond => "<>",
        MarkerStyle.Square => "||",
        MarkerStyle.TriangleUp => "/\\",
        MarkerStyle.TriangleDown => "\\/",
        _ => ".",
    };

    /// <inheritdoc/>
    protected override void AddRect(RectAnnotation rect, IOverlayMedia context)
    {
        if (IsFinite(rect.Rect))
        {
            context.AddRect(rect.Rect, rect.Color);
        }
        else
        {
            ReportNonFinite(rect);
        }
    }

    /// <inheritdoc/>
    protected override void AddLabel(LabelAnnotation label, IOverlayMedia context)
    {
        if (label.Point.IsFinite)
        {
            context.AddLabel(label.Text, label.Point, label.Color, label.HorizontalAnchor, label.VerticalAnchor, label.Size);
        }
        else
        {
            ReportNonFinite(label);
        }
    }

    /// <inheritdoc/>
    protected override void AddMarker(MarkerAnnotation marker, IOverlayMedia context)
    {
        if (marker.Point.IsFinite)
        {
            context.AddLabel(MarkerSymbol(marker.Style), marker.Point, marker.Color, HorizontalAnchor.Center, VerticalAnchor.Center, 1.0);
        }
        else
        {
            ReportNonFinite(marker);
        }
    }

    /// <inheritdoc/>
    protected override void AddLine(LineAnnotation line, IOverlayMedia context)
    {
        if (!line.Line.Pt1.IsFinite || !line.Line.Pt2.IsFinite)
        {
            ReportNonFinite(line);
            return;
        }
        if (context is ILineOverlayMedia lines)
        {
            lines.AddLine(line.Line, line.Color, line.Thickness);
        }
        else
        {
            ReportUnsupportedOnce("lines (the media does not implement ILineOverlayMedia)");
        }
    }

    /// <inheritdoc/>
    protected override void AddPolyLine(PolyLineAnnotation polyLine, IOverlayMedia context)
    {
        foreach (var point in polyLine.PolyLine.PointSpan)
        {
            if (!point.IsFinite)
            {
                ReportNonFinite(polyLine);
                return;
            }
        }
        if (polyLine.FillColor is not null)
        {
            ReportUnsupportedOnce("polyline fills");
        }
        if (context is not ILineOverlayMedia lines)
        {
            ReportUnsupportedOnce("polylines (the media does not implement ILineOverlayMedia)");
            return;
        }
        foreach (var segment in polyLine.PolyLine.Lines)
        {
            lines.AddLine(segment, polyLine.Color, polyLine.Thickness);
        }
    }

    /// <inheritdoc/>
    protected override void AddTimestamp(TimestampAnnotation timestamp, IOverlayMedia context)
    {
        if (timestamp.Point.IsFinite)
        {
            context.AddLabel(TimestampAnnotation.FormatTime(TimeOf(timestamp)), timestamp.Point, null, HorizontalAnchor.Left, VerticalAnchor.Bottom, 1.0);
        }
        else
        {
            ReportNonFinite(timestamp);
        }
    }

    /// <inheritdoc/>
    protected override void AddBoundingBox(BoundingBoxAnnotation boundingBox, IOverlayMedia context)
    {
        var rectangle = boundingBox.Rectangle;
        if (!IsFinite(rectangle))
        {
            ReportNonFinite(boundingBox);
            return;
        }
        context.AddRect(rectangle, boundingBox.Color);
        // An empty label is no label, as in the original (and as the raster driver draws it).
        if (boundingBox.TopLabel is { Length: > 0 } top)
        {
            context.AddLabel(top, rectangle.PtMin, boundingBox.Color, HorizontalAnchor.Left, VerticalAnchor.Bottom, 1.0);
        }
        if (boundingBox.BottomLabel is { Length: > 0 } bottom)
        {
            context.AddLabel(bottom, new Point(rectangle.PtMin.X, rectangle.PtMax.Y), boundingBox.Color, HorizontalAnchor.Left, VerticalAnchor.Top, 1.0);
        }
    }

    private static bool IsFinite(Rectangle rectangle) => rectangle.PtMin.IsFinite && rectangle.PtMax.IsFinite;
}
