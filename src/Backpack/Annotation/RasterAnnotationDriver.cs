using Backpack.Annotation.Rendering;
using Backpack.Geometry;
using Backpack.Imaging;
using Microsoft.Extensions.Logging;

namespace Backpack.Annotation;

/// <summary>
/// Draws annotations on a <see cref="BgrFrame"/> in place, in pure managed code: the C# counterpart of
/// Python Backpack's OpenCVImageAnnotationDriver, with the same geometry (text size and anchors, 1-pixel
/// rectangles, 20-pixel markers) and better drawing: anti-aliased lines of any thickness, filled convex and
/// concave polygons, each marker drawn as its name says, optional boxes behind labels, and semi-transparent
/// colours blended over the pixels a shape covers only.
/// </summary>
/// <remarks>
/// <para>
/// Coordinates are normalised; a point (x, y) lands on pixel (⌊x·width⌋, ⌊y·height⌋) truncated towards zero,
/// as in the original. Anything outside the frame is clipped, in double precision for lines and polygons, so that
/// finite coordinates however far away are drawn in their direction; annotations with NaN or infinite coordinates
/// are skipped with a warning. Text uses the Hershey plain font at font scale frame height / 400 × size, thickness
/// max(1, ⌊scale⌋). It has glyphs for printable ASCII; any other character is drawn and measured as one <c>?</c> per
/// byte of its UTF-8 form, as OpenCV does (<c>é</c> is <c>??</c>, <c>☕</c> is <c>???</c>, <c>😀</c> is <c>????</c>), so
/// anchored labels land where the original puts them.
/// </para>
/// <para>
/// Rendering allocates nothing once the driver has seen a frame size and the glyph sizes of its labels. The
/// driver owns scratch buffers of about one byte per frame pixel and a cache of rasterised glyphs of at most
/// 32 MiB (glyphs over 256 × 256 pixels are drawn without it): use one driver per thread.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var driver = new RasterAnnotationDriver();
/// var annotations = new List&lt;Annotation&gt;
/// {
///     new TimestampAnnotation(),
///     new BoundingBoxAnnotation(new Rectangle(0.1, 0.1, 0.3, 0.5), "person 0.93", "id 7", Color.FromId(7)),
/// };
/// driver.Render(annotations, frame);   // draws on the frame's pixels in place
/// </code>
/// </example>
public sealed class RasterAnnotationDriver : AnnotationDriver<BgrFrame>
{
    private const int TextPadding = 2;
    private const double MaxPixel = 1e9;

    /// <summary>
    /// Normalised coordinates are first cut to ±this (a million frame widths away): scaled to pixels they stay finite
    /// and exact to a small fraction of a pixel, and what is cut is too far away to change a pixel's direction.
    /// </summary>
    private const double NormalisedLimit = 1e6;

    private readonly RasterAnnotationOptions _options;
    private readonly CoverageMask _mask = new();
    private readonly Rasterizer _rasterizer = new();
    private readonly Clipper _clipper = new();
    private readonly GlyphCache _glyphs = new();
    private double[] _xs = new double[16];
    private double[] _ys = new double[16];

    /// <summary>Creates a raster driver.</summary>
    /// <param name="options">How to draw; the defaults when null.</param>
    /// <param name="timeProvider">The clock of live timestamps; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Where warnings go; nowhere when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public RasterAnnotationDriver(RasterAnnotationOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : base(timeProvider, loggerFactory)
    {
        _options = (options ?? new RasterAnnotationOptions()).Validated();
    }

    /// <summary>The options the driver draws with.</summary>
    public RasterAnnotationOptions Options => _options;

    internal int CachedGlyphCount => _glyphs.Count;

    internal long CachedGlyphBytes => _glyphs.Bytes;

    /// <summary>Glyph bitmaps larger than this are not cached but drawn directly (tests set it to compare both ways).</summary>
    internal int MaxCachedGlyphBytes
    {
        get => _glyphs.MaxGlyphBytes;
        init => _glyphs.MaxGlyphBytes = value;
    }

    /// <summary>The most the glyph cache holds in all.</summary>
    internal long GlyphCacheLimit
    {
        get => _glyphs.MaxCacheBytes;
        init => _glyphs.MaxCacheBytes = value;
    }

    /// <inheritdoc/>
    protected override void BeginRender(BgrFrame context)
    {
        _ = context.Pixels; // throws ObjectDisposedException for a disposed frame before anything is drawn
        _mask.Resize(context.Width, context.Height);
    }

    /// <inheritdoc/>
    protected override void AddRect(RectAnnotation rect, BgrFrame context)
    {
        if (!TryScale(rect.Rect.PtMin, context, out var x1, out var y1) || !TryScale(rect.Rect.PtMax, context, out var x2, out var y2))
        {
            ReportNonFinite(rect);
            return;
        }
        DrawRectangle(context, x1, y1, x2, y2, rect.Color ?? _options.DefaultColor);
    }

    /// <inheritdoc/>
    protected override void AddLine(LineAnnotation line, BgrFrame context)
    {
        if (!line.Line.Pt1.IsFinite || !line.Line.Pt2.IsFinite)
        {
            ReportNonFinite(line);
            return;
        }
        var color = line.Color ?? _options.DefaultColor;
        var radius = line.Thickness / 2.0;
        if (color.Alpha <= 0 || !TryPlaceSegment(line.Line.Pt1, line.Line.Pt2, context, radius, out var x1, out var y1, out var x2, out var y2))
        {
            return;
        }
        Rasterizer.StrokeSegment(_mask, x1, y1, x2, y2, radius);
        Blender.Commit(_mask, context, color, _options.AntiAliasing);
    }

    /// <inheritdoc/>
    protected override void AddMarker(MarkerAnnotation marker, BgrFrame context)
    {
        if (!TryScale(marker.Point, context, out var x, out var y))
        {
            ReportNonFinite(marker);
            return;
        }
        var color = marker.Color ?? _options.DefaultColor;
        if (color.Alpha <= 0)
        {
            return;
        }
        double cx = x + 0.5, cy = y + 0.5, h = _options.MarkerSize / 2;
        switch (marker.Style)
        {
            case MarkerStyle.Cross:
                Stroke(cx - h, cy, cx + h, cy);
                Stroke(cx, cy - h, cx, cy + h);
                break;
            case MarkerStyle.TiltedCross:
                Stroke(cx - h, cy - h, cx + h, cy + h);
                Stroke(cx + h, cy - h, cx - h, cy + h);
                break;
            case MarkerStyle.Star:
                Stroke(cx - h, cy, cx + h, cy);
                Stroke(cx, cy - h, cx, cy + h);
                Stroke(cx - h, cy - h, cx + h, cy + h);
                Stroke(cx + h, cy - h, cx - h, cy + h);
                break;
            case MarkerStyle.Diamond:
                Stroke(cx, cy - h, cx + h, cy);
                Stroke(cx + h, cy, cx, cy + h);
                Stroke(cx, cy + h, cx - h, cy);
                Stroke(cx - h, cy, cx, cy - h);
                break;
            case MarkerStyle.Square:
                Stroke(cx - h, cy - h, cx + h, cy - h);
                Stroke(cx + h, cy - h, cx + h, cy + h);
                Stroke(cx + h, cy + h, cx - h, cy + h);
                Stroke(cx - h, cy + h, cx - h, cy - h);
                break;
            case MarkerStyle.TriangleUp:
                Stroke(cx - h, cy + h, cx + h, cy + h);
                Stroke(cx + h, cy + h, cx, cy - h);
                Stroke(cx, cy - h, cx - h, cy + h);
                break;
            default:
                Stroke(cx - h, cy - h, cx + h, cy - h);
                Stroke(cx + h, cy - h, cx, cy + h);
                Stroke(cx, cy + h, cx - h, cy - h);
                break;
        }
        Blender.Commit(_mask, context, color, _options.AntiAliasing);

        void Stroke(double ax, double ay, double bx, double by) => Rasterizer.StrokeSegment(_mask, ax, ay, bx, by, 0.5);
    }

    /// <inheritdoc/>
    protected override void AddPolyLine(PolyLineAnnotation polyLine, BgrFrame context)
    {
        var points = polyLine.PolyLine.PointSpan;
        foreach (var point in points)
        {
            if (!point.IsFinite)
            {
                ReportNonFinite(polyLine);
                return;
            }
        }
        if (polyLine.FillColor is { Alpha: > 0 } fill)
        {
            // Open polylines are filled too, as if closed: the original's cv2.fillPoly does the same.
            FillPolygon(points, context);
            Blender.Commit(_mask, context, fill, _options.AntiAliasing);
        }
        var color = polyLine.Color ?? _options.DefaultColor;
        if (color.Alpha <= 0)
        {
            return;
        }
        var radius = polyLine.Thickness / 2.0;
        var segments = polyLine.PolyLine.Closed ? points.Length : points.Length - 1;
        for (var i = 0; i < segments; i++)
        {
            var j = i + 1 == points.Length ? 0 : i + 1;
            if (TryPlaceSegment(points[i], points[j], context, radius, out var x1, out var y1, out var x2, out var y2))
            {
                Rasterizer.StrokeSegment(_mask, x1, y1, x2, y2, radius);
            }
        }
        Blender.Commit(_mask, context, color, _options.AntiAliasing);
    }

    /// <inheritdoc/>
    protected override void AddLabel(LabelAnnotation label, BgrFrame context)
    {
        if (!DrawLabel(context, label.Text, label.Point, label.Color, label.HorizontalAnchor, label.VerticalAnchor, label.Size, _options.LabelBackground))
        {
            ReportNonFinite(label);
        }
    }

    /// <inheritdoc/>
    protected override void AddTimestamp(TimestampAnnotation timestamp, BgrFrame context)
    {
        Span<char> text = stackalloc char[32];
        var length = TimestampAnnotation.FormatTime(TimeOf(timestamp), text);
        if (!DrawLabel(context, text[..length], timestamp.Point, null, HorizontalAnchor.Left, VerticalAnchor.Bottom, 1.0, _options.LabelBackground))
        {
            ReportNonFinite(timestamp);
        }
    }

    /// <inheritdoc/>
    protected override void AddBoundingBox(BoundingBoxAnnotation boundingBox, BgrFrame context)
    {
        var rectangle = boundingBox.Rectangle;
        if (!TryScale(rectangle.PtMin, context, out var x1, out var y1) || !TryScale(rectangle.PtMax, context, out var x2, out var y2))
        {
            ReportNonFinite(boundingBox);
            return;
        }
        var color = boundingBox.Color ?? _options.DefaultColor;
        DrawRectangle(context, x1, y1, x2, y2, color);
        var background = _options.BoundingBoxLabelBackground;
        if (boundingBox.TopLabel is { } top)
        {
            DrawLabel(context, top, rectangle.PtMin, color, HorizontalAnchor.Left, VerticalAnchor.Bottom, 1.0, background);
        }
        if (boundingBox.BottomLabel is { } bottom)
        {
            DrawLabel(context, bottom, new Point(rectangle.PtMin.X, rectangle.PtMax.Y), color, HorizontalAnchor.Left, VerticalAnchor.Top, 1.0, background);
        }
    }

    /// <summary>
    /// The pixel a normalised point lands on, truncated towards zero as Python's <c>int()</c>; false for NaN or
    /// infinite coordinates. A finite point far away (whose pixel may not even fit a double) is pulled in to ±10⁹
    /// pixels, which changes nothing for what is drawn at a point: markers, labels, axis-aligned rectangle edges.
    /// </summary>
    internal static bool TryScale(Point point, BgrFrame frame, out int x, out int y)
    {
        if (!point.IsFinite)
        {
            x = y = 0;
            return false;
        }
        x = (int)Math.Clamp(Math.Truncate(point.X * frame.Width), -MaxPixel, MaxPixel);
        y = (int)Math.Clamp(Math.Truncate(point.Y * frame.Height), -MaxPixel, MaxPixel);
        return true;
    }

    /// <summary>
    /// The pixel-centre coordinates of a segment between two finite normalised points, each end on its pixel as
    /// <see cref="TryScale"/> puts it, cut in double precision to the frame and a margin wider than the stroke, so
    /// that a segment to a far-away point keeps its direction. False when no part of it comes near the frame.
    /// </summary>
    private static bool TryPlaceSegment(
        Point from, Point to, BgrFrame frame, double radius, out double x1, out double y1, out double x2, out double y2)
    {
        (x1, y1, x2, y2) = (from.X, from.Y, to.X, to.Y);
        if (!Clipper.ClipSegment(ref x1, ref y1, ref x2, ref y2, -NormalisedLimit, -NormalisedLimit, NormalisedLimit, NormalisedLimit))
        {
            return false;
        }
        (x1, y1, x2, y2) = (PixelCenter(x1, frame.Width), PixelCenter(y1, frame.Height), PixelCenter(x2, frame.Width), PixelCenter(y2, frame.Height));
        var margin = radius + 2;
        return Clipper.ClipSegment(ref x1, ref y1, ref x2, ref y2, -margin, -margin, frame.Width + margin, frame.Height + margin);
    }

    /// <summary>The centre of the pixel a normalised coordinate within ±<see cref="NormalisedLimit"/> lands on.</summary>
    private static double PixelCenter(double coordinate, int size) => Math.Truncate(coordinate * size) + 0.5;

    /// <summary>
    /// Covers the polygon through finite normalised points on the mask, cut in double precision first to
    /// ±<see cref="NormalisedLimit"/> and, in pixels, to just around the frame (which changes no covered pixel).
    /// </summary>
    private void FillPolygon(ReadOnlySpan<Point> points, BgrFrame frame)
    {
        if (_xs.Length < points.Length)
        {
            _xs = new double[points.Length];
            _ys = new double[points.Length];
        }
        for (var i = 0; i < points.Length; i++)
        {
            (_xs[i], _ys[i]) = (points[i].X, points[i].Y);
        }
        var count = points.Length;
        if (Clipper.AnyOutside(_xs.AsSpan(0, count), _ys.AsSpan(0, count), -NormalisedLimit, -NormalisedLimit, NormalisedLimit, NormalisedLimit))
        {
            count = _clipper.ClipPolygon(ref _xs, ref _ys, count, -NormalisedLimit, -NormalisedLimit, NormalisedLimit, NormalisedLimit);
        }
        for (var i = 0; i < count; i++)
        {
            (_xs[i], _ys[i]) = (PixelCenter(_xs[i], frame.Width), PixelCenter(_ys[i], frame.Height));
        }
        if (Clipper.AnyOutside(_xs.AsSpan(0, count), _ys.AsSpan(0, count), -1, -1, frame.Width + 1, frame.Height + 1))
        {
            count = _clipper.ClipPolygon(ref _xs, ref _ys, count, -1, -1, frame.Width + 1, frame.Height + 1);
        }
        if (count >= 3)
        {
            _rasterizer.FillPolygon(_mask, _xs.AsSpan(0, count), _ys.AsSpan(0, count));
        }
    }

    /// <summary>
    /// Where OpenCV's putText origin goes for a label anchored at pixel (x, y), exactly as Python Backpack's
    /// driver computes it (including its 2-pixel padding and its integer truncation).
    /// </summary>
    internal static (int X, int Y) AnchorOrigin(
        ReadOnlySpan<char> text, int x, int y, HorizontalAnchor horizontal, VerticalAnchor vertical, double scale, int thickness)
    {
        if (horizontal == HorizontalAnchor.Left && vertical == VerticalAnchor.Bottom)
        {
            return (x, y);
        }
        var (width, height, baseline) = HersheyFont.Measure(text, scale, thickness);
        double shiftX = horizontal switch
        {
            HorizontalAnchor.Center => -width / 2.0,
            HorizontalAnchor.Right => -(width + TextPadding),
            _ => TextPadding,
        };
        double shiftY = vertical switch
        {
            VerticalAnchor.Center => height / 2.0,
            VerticalAnchor.Top => height + TextPadding,
            VerticalAnchor.Baseline => baseline,
            _ => -TextPadding,
        };
        return (x + (int)shiftX, y + (int)shiftY);
    }

    /// <summary>The font scale and stroke thickness of a label of relative size <paramref name="size"/> on a frame this high.</summary>
    internal (double Scale, int Thickness) FontFor(int frameHeight, double size)
    {
        var scale = (double)frameHeight / _options.UnitFontHeight * size;
        return (scale, Math.Max((int)scale, 1));
    }

    private void DrawRectangle(BgrFrame frame, int x1, int y1, int x2, int y2, Color color)
    {
        if (color.Alpha <= 0)
        {
            return;
        }
        var t = _options.RectangleThickness;
        int before = (t - 1) / 2, after = t / 2;
        int left = x1 - before, right = x2 + after, top = y1 - before, bottom = y2 + after;
        if (color.IsOpaque)
        {
            Blender.FillOpaque(frame, left, top, right, y1 + after, color);
            Blender.FillOpaque(frame, left, y2 - before, right, bottom, color);
            Blender.FillOpaque(frame, left, top, x1 + after, bottom, color);
            Blender.FillOpaque(frame, x2 - before, top, right, bottom, color);
            return;
        }
        Rasterizer.FillPixels(_mask, left, top, right, y1 + after);
        Rasterizer.FillPixels(_mask, left, y2 - before, right, bottom);
        Rasterizer.FillPixels(_mask, left, top, x1 + after, bottom);
        Rasterizer.FillPixels(_mask, x2 - before, top, right, bottom);
        Blender.Commit(_mask, frame, color, _options.AntiAliasing);
    }

    private bool DrawLabel(
        BgrFrame frame, ReadOnlySpan<char> text, Point point, Color? labelColor,
        HorizontalAnchor horizontal, VerticalAnchor vertical, double size, bool background)
    {
        if (!TryScale(point, frame, out var x, out var y))
        {
            return false;
        }
        var color = labelColor ?? _options.DefaultColor;
        if (text.IsEmpty || color.Alpha <= 0)
        {
            return true;
        }
        var (scale, thickness) = FontFor(frame.Height, size);
        var (originX, originY) = AnchorOrigin(text, x, y, horizontal, vertical, scale, thickness);
        var textColor = color;
        if (background)
        {
            var (width, _, _) = HersheyFont.Measure(text, scale, thickness);
            // A box hugging the glyphs: from the cap line, or the top of taller glyphs (brackets, i, $), to the bottom
            // of capitals or descenders, one pixel of padding around; the glyph origin line is BaseLine units above originY.
            var half = thickness / 2.0;
            var (glyphTop, glyphBottom) = HersheyFont.VerticalExtent(text);
            var top = originY + (int)Math.Floor(((glyphTop - HersheyFont.BaseLine) * scale) - half) - 1;
            var bottom = originY + (int)Math.Ceiling(((glyphBottom - HersheyFont.BaseLine) * scale) + half);
            var left = originX - 1;
            var right = originX + width;
            if (color.IsOpaque)
            {
                Blender.FillOpaque(frame, left, top, right, bottom, color);
            }
            else
            {
                Rasterizer.FillPixels(_mask, left, top, right, bottom);
                Blender.Commit(_mask, frame, color, _options.AntiAliasing);
            }
            textColor = Contrasting(color);
        }
        _glyphs.DrawText(_mask, text, originX, originY, scale, thickness);
        Blender.Commit(_mask, frame, textColor, _options.AntiAliasing);
        return true;
    }

    /// <summary>Black or white, whichever reads better on <paramref name="background"/>, with its opacity.</summary>
    private static Color Contrasting(Color background)
    {
        var luma = (0.299 * background.R) + (0.587 * background.G) + (0.114 * background.B);
        return luma >= 150 ? new Color(0, 0, 0, background.Alpha) : new Color(255, 255, 255, background.Alpha);
    }
}
