using System.Numerics;

namespace Backpack.Annotation.Rendering;

/// <summary>
/// Rasterised glyphs, by glyph, scale, thickness and horizontal quarter-pixel position: text of a repeated
/// size is rasterised once and then stamped, which costs a copy of its coverage. Owned by one driver; not
/// thread safe. The cache is emptied when it reaches <see cref="Capacity"/> entries (sizes that keep changing).
/// </summary>
internal sealed class GlyphCache
{
    internal const int Capacity = 4096;
    private const int Subpixels = 4;

    private readonly Dictionary<Key, Bitmap> _bitmaps = [];
    private readonly CoverageMask _scratch = new();

    internal int Count => _bitmaps.Count;

    /// <summary>
    /// Draws <paramref name="text"/> with OpenCV's putText geometry: the glyph origin line starts at
    /// (<paramref name="originX"/>, <paramref name="originY"/>), pixel-centre coordinates as OpenCV's integer points.
    /// </summary>
    internal void DrawText(CoverageMask mask, ReadOnlySpan<char> text, int originX, int originY, double scale, int thickness)
    {
        var pen = (double)originX;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            var index = HersheyFont.GlyphIndex(text[i]);
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
                var bitmap = Get(new Key(index, BitConverter.DoubleToInt64Bits(scale), thickness, quarter), glyph);
                Stamp(mask, bitmap, (int)whole + bitmap.OffsetX, originY + bitmap.OffsetY);
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

    private Bitmap Get(Key key, HersheyFont.Glyph glyph)
    {
        if (_bitmaps.TryGetValue(key, out var bitmap))
        {
            return bitmap;
        }
        if (_bitmaps.Count >= Capacity)
        {
            _bitmaps.Clear();
        }
        bitmap = Rasterize(key, glyph);
        _bitmaps.Add(key, bitmap);
        return bitmap;
    }

    /// <summary>Rasterises a glyph whose pen sits at x = quarter / 4 and whose origin line is at y = 0 (pixel centres at .5).</summary>
    private Bitmap Rasterize(Key key, HersheyFont.Glyph glyph)
    {
        var scale = BitConverter.Int64BitsToDouble(key.ScaleBits);
        var radius = key.Thickness / 2.0;
        var penX = ((double)key.Quarter / Subpixels) + 0.5;
        var originY = 0.5 - (HersheyFont.BaseLine * scale);
        double minX = double.PositiveInfinity, maxX = double.NegativeInfinity, minY = double.PositiveInfinity, maxY = double.NegativeInfinity;
        foreach (var (px, py) in glyph.Points)
        {
            var x = penX + ((px - glyph.Left) * scale);
            var y = originY + (py * scale);
            minX = Math.Min(minX, x);
            maxX = Math.Max(maxX, x);
            minY = Math.Min(minY, y);
            maxY = Math.Max(maxY, y);
        }
        var margin = radius + 1.0;
        var left = (int)Math.Floor(minX - margin);
        var top = (int)Math.Floor(minY - margin);
        var width = (int)Math.Ceiling(maxX + margin) - left;
        var height = (int)Math.Ceiling(maxY + margin) - top;
        _scratch.Resize(width, height);
        for (var stroke = 0; stroke < glyph.StrokeCount; stroke++)
        {
            var start = glyph.StrokeStarts[stroke];
            var end = glyph.StrokeStarts[stroke + 1];
            for (var p = start; p + 1 < end; p++)
            {
                Rasterizer.StrokeSegment(
                    _scratch,
                    penX + ((glyph.Points[p].X - glyph.Left) * scale) - left,
                    originY + (glyph.Points[p].Y * scale) - top,
                    penX + ((glyph.Points[p + 1].X - glyph.Left) * scale) - left,
                    originY + (glyph.Points[p + 1].Y * scale) - top,
                    radius);
            }
        }
        var pixels = new byte[width * height];
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
