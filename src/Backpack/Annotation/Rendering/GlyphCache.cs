using System.Numerics;

namespace Backpack.Annotation.Rendering;

/// <summary>
/// Rasterised glyphs, by glyph, scale, thickness and horizontal quarter-pixel position: text of a repeated
/// size is rasterised once and then stamped, which costs a copy of its coverage. Owned by one driver; not
/// thread safe. Memory stays bounded: a glyph larger than <see cref="MaxGlyphBytes"/> is drawn straight onto
/// the mask instead (huge text is rare and clipped to the frame), and the cache is emptied when its bitmaps
/// would exceed <see cref="MaxCacheBytes"/> (sizes that keep changing).
/// </summary>
internal sealed class GlyphCache
{
    /// <summary>The largest cached bitmap: 256 × 256 pixels, more than any glyph of size 2 on a 4K frame needs.</summary>
    internal const int DefaultMaxGlyphBytes = 256 * 256;

    /// <summary>The most all cached bitmaps together take by default: 32 MiB.</summary>
    internal const long DefaultMaxCacheBytes = 32L << 20;

    private const int Subpixels = 4;

    private readonly Dictionary<Key, Bitmap> _bitmaps = [];
    private readonly CoverageMask _scratch = new();
    private long _cachedBytes;

    internal int Count => _bitmaps.Count;

    /// <summary>The bytes of all cached bitmaps.</summary>
    internal long Bytes => _cachedBytes;

    /// <summary>The most all cached bitmaps together may take; the cache is emptied rather than grow beyond.</summary>
    internal long MaxCacheBytes { get; set; } = DefaultMaxCacheBytes;

    /// <summary>Glyphs whose bitmap would take more bytes than this are drawn without caching.</summary>
    internal int MaxGlyphBytes { get; set; } = DefaultMaxGlyphBytes;

    /// <summary>
    /// Draws <paramref name="text"/> with OpenCV's putText geometry: the glyph origin line starts at
    /// (<paramref name="originX"/>, <paramref name="originY"/>), pixel-centre coordinates as OpenCV's integer points.
    /// The glyphs are those of <see cref="HersheyFont.Glyphs"/>, which <see cref="HersheyFont.Measure"/> measures.
    /// </summary>
    internal void DrawText(CoverageMask mask, ReadOnlySpan<char> text, int originX, int originY, double scale, int thickness)
    {
        var pen = (double)originX;
        foreach (var index in HersheyFont.Glyphs(text))
        {
            var glyph = HersheyFont.GetGlyph(index);
            var whole = Math.Floor(pen);
            var quarter = (int)Math.Round((pen - whole) * Subpixels);
            if (quarter == Subpixels)
            {
                whole++;
                quarter = 0;
            }
            if (glyph.StrokeCount > 0 && whole > -1e6 && whole < 1e6)
            {
                if (BitmapBytes(glyph, scale, thickness) > MaxGlyphBytes)
                {
                    // Where the cached bitmap's strokes would land, so that both ways draw the same pixels.
                    StrokeGlyph(mask, glyph, whole + ((double)quarter / Subpixels) + 0.5, originY + 0.5 - (HersheyFont.BaseLine * scale), scale, thickness / 2.0);
                }
                else
                {
                    var bitmap = Get(new Key(index, BitConverter.DoubleToInt64Bits(scale), thickness, quarter), glyph);
                    Stamp(mask, bitmap, (int)whole + bitmap.OffsetX, originY + bitmap.OffsetY);
                }
            }
            pen += (glyph.Right - glyph.Left) * scale;
        }
    }

    private static void Stamp(CoverageMask mask, Bitmap bitmap, int left, int top)
    {
        var x0 = Math.Max(left, 0);
        var x1 = Math.Min(left + bitmap.Width, mask.Width);
        var y0 = Math.Max(top, 0);
        var y1 = Math.Min(top + bitmap.Height, mask.Height);
        if (x0 >= x1 || y0 >= y1)
        {
            return;
        }
        var width = x1 - x0;
        for (var y = y0; y < y1; y++)
        {
            var source = bitmap.Pixels.AsSpan(((y - top) * bitmap.Width) + (x0 - left), width);
            var target = mask.Row(y).Slice(x0, width);
            var x = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; x <= width - Vector<byte>.Count; x += Vector<byte>.Count)
                {
                    var merged = Vector.Max(new Vector<byte>(source[x..]), new Vector<byte>(target[x..]));
                    merged.CopyTo(target[x..]);
                }
            }
            for (; x < width; x++)
            {
                if (source[x] > target[x])
                {
                    target[x] = source[x];
                }
            }
            mask.Touch(y, x0, x1 - 1);
        }
    }

    /// <summary>About how many bytes the bitmap of a glyph at this scale and thickness takes, without overflowing.</summary>
    private static double BitmapBytes(HersheyFont.Glyph glyph, double scale, int thickness)
    {
        var margin = (2 * ((thickness / 2.0) + 1.0)) + 2;
        return (((glyph.MaxX - glyph.MinX) * scale) + margin) * (((glyph.Bottom - glyph.Top) * scale) + margin);
    }

    /// <summary>
    /// Strokes a glyph onto <paramref name="target"/>, the glyph point (x, y) in font units landing on
    /// (left + (x − glyph.Left) · scale, top + y · scale).
    /// </summary>
    private static void StrokeGlyph(CoverageMask target, HersheyFont.Glyph glyph, double left, double top, double scale, double radius)
    {
        for (var stroke = 0; stroke < glyph.StrokeCount; stroke++)
        {
            var end = glyph.StrokeStarts[stroke + 1];
            for (var p = glyph.StrokeStarts[stroke]; p + 1 < end; p++)
            {
                Rasterizer.StrokeSegment(
                    target,
                    left + ((glyph.Points[p].X - glyph.Left) * scale),
                    top + (glyph.Points[p].Y * scale),
                    left + ((glyph.Points[p + 1].X - glyph.Left) * scale),
                    top + (glyph.Points[p + 1].Y * scale),
                    radius);
            }
        }
    }

    private Bitmap Get(Key key, HersheyFont.Glyph glyph)
    {
        if (_bitmaps.TryGetValue(key, out var bitmap))
        {
            return bitmap;
        }
        bitmap = Rasterize(key, glyph);
        if (_cachedBytes + bitmap.Pixels.Length > MaxCacheBytes)
        {
            _bitmaps.Clear();
            _cachedBytes = 0;
        }
        _bitmaps.Add(key, bitmap);
        _cachedBytes += bitmap.Pixels.Length;
        return bitmap;
    }

    /// <summary>Rasterises a glyph whose pen sits at x = quarter / 4 and whose origin line is at y = 0 (pixel centres at .5).</summary>
    private Bitmap Rasterize(Key key, HersheyFont.Glyph glyph)
    {
        var scale = BitConverter.Int64BitsToDouble(key.ScaleBits);
        var radius = key.Thickness / 2.0;
        var penX = ((double)key.Quarter / Subpixels) + 0.5;
        var originY = 0.5 - (HersheyFont.BaseLine * scale);
        var margin = radius + 1.0;
        var left = (int)Math.Floor(penX + ((glyph.MinX - glyph.Left) * scale) - margin);
        var top = (int)Math.Floor(originY + (glyph.Top * scale) - margin);
        var width = (int)Math.Ceiling(penX + ((glyph.MaxX - glyph.Left) * scale) + margin) - left;
        var height = (int)Math.Ceiling(originY + (glyph.Bottom * scale) + margin) - top;
        _scratch.Resize(width, height);
        StrokeGlyph(_scratch, glyph, penX - left, originY - top, scale, radius);
        var pixels = new byte[checked(width * height)];
        for (var y = 0; y < height; y++)
        {
            _scratch.Row(y).CopyTo(pixels.AsSpan(y * width, width));
        }
        _scratch.Clear();
        return new Bitmap(pixels, width, height, left, top);
    }

    private readonly record struct Key(int Glyph, long ScaleBits, int Thickness, int Quarter);

    /// <summary>Coverage of a glyph, <see cref="OffsetX"/>, <see cref="OffsetY"/> from the pen's whole pixel and the origin line.</summary>
    private sealed record Bitmap(byte[] Pixels, int Width, int Height, int OffsetX, int OffsetY);
}
