using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Backpack.Imaging;

namespace Backpack.Annotation.Rendering;

/// <summary>Puts colour on a frame: blends a coverage mask (only the pixels it covers) or fills rectangles.</summary>
internal static class Blender
{
    private const int Lanes = 16;

    /// <summary>
    /// Blends <paramref name="color"/> into every covered pixel with opacity coverage × alpha, and empties the
    /// mask as it goes. Without anti-aliasing, a pixel covered by half or more is painted fully, others not at all.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Commit(CoverageMask mask, BgrFrame frame, Color color, bool antiAliasing)
    {
        if (mask.IsEmpty)
        {
            return;
        }
        var paint = new Paint(color);
        var pixels = frame.Pixels;
        var stride = frame.Stride;
        for (var y = mask.Top; y <= mask.Bottom; y++)
        {
            var (start, end) = mask.RowRange(y);
            if (start > end)
            {
                continue;
            }
            var coverage = mask.Row(y)[start..(end + 1)];
            var row = pixels.Slice((y * stride) + (start * 3), coverage.Length * 3);
            var i = 0;
            if (Vector128.IsHardwareAccelerated)
            {
                for (; i <= coverage.Length - Lanes; i += Lanes)
                {
                    var chunk = Vector128.Create<byte>(coverage.Slice(i, Lanes));
                    if (chunk == Vector128<byte>.Zero)
                    {
                        continue;
                    }
                    if (chunk == Vector128<byte>.AllBitsSet)
                    {
                        coverage.Slice(i, Lanes).Clear();
                        paint.FillFull(row.Slice(i * 3, Lanes * 3));
                        continue;
                    }
                    BlendScalar(coverage.Slice(i, Lanes), row.Slice(i * 3, Lanes * 3), in paint, antiAliasing);
                }
            }
            BlendScalar(coverage[i..], row[(i * 3)..], in paint, antiAliasing);
            mask.ResetRow(y);
        }
        mask.ResetBounds();
    }

    /// <summary>Paints the integer rectangle [x0, x1] × [y0, y1] (inclusive, clipped) with an opaque colour.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    private static void BlendScalar(Span<byte> coverage, Span<byte> row, in Paint paint, bool antiAliasing)
    {
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
            var a = ((c * paint.Alpha * 257) + 32768) >> 16;
            var p = i * 3;
            if (a >= 256)
            {
                row[p] = paint.Blue;
                row[p + 1] = paint.Green;
                row[p + 2] = paint.Red;
                continue;
            }
            var inverse = 256 - a;
            row[p] = (byte)(((row[p] * inverse) + (paint.Blue * a) + 128) >> 8);
            row[p + 1] = (byte)(((row[p + 1] * inverse) + (paint.Green * a) + 128) >> 8);
            row[p + 2] = (byte)(((row[p + 2] * inverse) + (paint.Red * a) + 128) >> 8);
        }
    }

    /// <summary>
    /// A colour prepared for blending: opacity in 1/256 steps (256 is opaque, so a fully covered pixel gets
    /// exactly the colour) and, for 16 fully covered pixels at once, the colour's 48-byte B, G, R pattern.
    /// </summary>
    private readonly struct Paint
    {
        private readonly Vector128<byte> _pattern0, _pattern1, _pattern2;
        private readonly Vector128<ushort> _weighted0, _weighted1, _weighted2, _weighted3, _weighted4, _weighted5;
        private readonly Vector128<ushort> _inverse;

        internal Paint(Color color)
        {
            Blue = color.B;
            Green = color.G;
            Red = color.R;
            Alpha = (int)Math.Round(color.Alpha * 256.0);
            Span<byte> pattern = stackalloc byte[Lanes * 3];
            for (var i = 0; i < pattern.Length; i += 3)
            {
                pattern[i] = Blue;
                pattern[i + 1] = Green;
                pattern[i + 2] = Red;
            }
            _pattern0 = Vector128.Create<byte>(pattern);
            _pattern1 = Vector128.Create<byte>(pattern[Lanes..]);
            _pattern2 = Vector128.Create<byte>(pattern[(2 * Lanes)..]);
            // Fully covered pixels of a see-through colour: (pixel × (256 − a) + colour × a + 128) / 256, in 16 bits.
            var weight = Vector128.Create((ushort)Alpha);
            var rounding = Vector128.Create((ushort)128);
            _inverse = Vector128.Create((ushort)(256 - Alpha));
            (_weighted0, _weighted1) = Weighted(_pattern0, weight, rounding);
            (_weighted2, _weighted3) = Weighted(_pattern1, weight, rounding);
            (_weighted4, _weighted5) = Weighted(_pattern2, weight, rounding);
        }

        internal byte Blue { get; }

        internal byte Green { get; }

        internal byte Red { get; }

        internal int Alpha { get; }

        /// <summary>Paints 16 fully covered pixels (48 bytes).</summary>
        internal void FillFull(Span<byte> bytes)
        {
            if (Alpha >= 256)
            {
                _pattern0.CopyTo(bytes);
                _pattern1.CopyTo(bytes[Lanes..]);
                _pattern2.CopyTo(bytes[(2 * Lanes)..]);
                return;
            }
            Blend(bytes, _weighted0, _weighted1);
            Blend(bytes[Lanes..], _weighted2, _weighted3);
            Blend(bytes[(2 * Lanes)..], _weighted4, _weighted5);
        }

        private static (Vector128<ushort> Lower, Vector128<ushort> Upper) Weighted(Vector128<byte> pattern, Vector128<ushort> weight, Vector128<ushort> rounding)
        {
            var (lower, upper) = Vector128.Widen(pattern);
            return ((lower * weight) + rounding, (upper * weight) + rounding);
        }

        private void Blend(Span<byte> bytes, Vector128<ushort> weightedLower, Vector128<ushort> weightedUpper)
        {
            var (lower, upper) = Vector128.Widen(Vector128.Create<byte>(bytes));
            lower = Vector128.ShiftRightLogical((lower * _inverse) + weightedLower, 8);
            upper = Vector128.ShiftRightLogical((upper * _inverse) + weightedUpper, 8);
            Vector128.Narrow(lower, upper).CopyTo(bytes);
        }
    }
}
