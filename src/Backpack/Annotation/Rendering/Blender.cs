using Backpack.Imaging;

namespace Backpack.Annotation.Rendering;

/// <summary>Puts colour on a frame: blends a coverage mask (only the pixels it covers) or fills rectangles.</summary>
internal static class Blender
{
    /// <summary>
    /// Blends <paramref name="color"/> into every covered pixel with opacity coverage × alpha, and empties the
    /// mask as it goes. Without anti-aliasing, a pixel covered by half or more is painted fully, others not at all.
    /// </summary>
    internal static void Commit(CoverageMask mask, BgrFrame frame, Color color, bool antiAliasing)
    {
        if (mask.IsEmpty)
        {
            return;
        }
        // Opacity in 1/256 steps: 256 is opaque, so a fully covered pixel gets exactly the colour.
        var alpha = (int)Math.Round(color.Alpha * 256.0);
        var pixels = frame.Pixels;
        var stride = frame.Stride;
        int blue = color.B, green = color.G, red = color.R;
        for (var y = mask.Top; y <= mask.Bottom; y++)
        {
            var (start, end) = mask.RowRange(y);
            if (start > end)
            {
                continue;
            }
            var coverage = mask.Row(y)[start..(end + 1)];
            var row = pixels.Slice((y * stride) + (start * 3), coverage.Length * 3);
            for (var i = 0; i < coverage.Length; i++)
            {
                int c = coverage[i];
                if (c == 0)
                {
                    continue;
                }
                coverage[i] = 0;
                if (!antiAliasing)
                {
                    if (c < 128)
                    {
                        continue;
                    }
                    c = 255;
                }
                var a = ((c * alpha * 257) + 32768) >> 16;
                var p = i * 3;
                if (a >= 256)
                {
                    row[p] = (byte)blue;
                    row[p + 1] = (byte)green;
                    row[p + 2] = (byte)red;
                    continue;
                }
                row[p] = (byte)(row[p] + ((((blue - row[p]) * a) + 128) >> 8));
                row[p + 1] = (byte)(row[p + 1] + ((((green - row[p + 1]) * a) + 128) >> 8));
                row[p + 2] = (byte)(row[p + 2] + ((((red - row[p + 2]) * a) + 128) >> 8));
            }
            mask.ResetRow(y);
        }
        mask.ResetBounds();
    }

    /// <summary>Paints the integer rectangle [x0, x1] × [y0, y1] (inclusive, clipped) with an opaque colour.</summary>
    internal static void FillOpaque(BgrFrame frame, int x0, int y0, int x1, int y1, Color color)
    {
        x0 = Math.Max(x0, 0);
        y0 = Math.Max(y0, 0);
        x1 = Math.Min(x1, frame.Width - 1);
        y1 = Math.Min(y1, frame.Height - 1);
        if (x0 > x1 || y0 > y1)
        {
            return;
        }
        var pixels = frame.Pixels;
        var stride = frame.Stride;
        var length = (x1 - x0 + 1) * 3;
        var first = pixels.Slice((y0 * stride) + (x0 * 3), length);
        first[0] = color.B;
        first[1] = color.G;
        first[2] = color.R;
        for (var filled = 3; filled < length; filled *= 2)
        {
            first[..Math.Min(filled, length - filled)].CopyTo(first[filled..]);
        }
        for (var y = y0 + 1; y <= y1; y++)
        {
            first.CopyTo(pixels.Slice((y * stride) + (x0 * 3), length));
        }
    }
}
