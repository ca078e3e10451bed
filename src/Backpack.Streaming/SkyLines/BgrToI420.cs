using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Backpack.Streaming.SkyLines;

/// <summary>
/// Converts BGR24 pixels to I420 (limited range) in one pass over the source: the single copy
/// SkyLine makes of each frame is also its colour conversion. 32 pixels at a time with AVX2, 16
/// with 128-bit SIMD (SSSE3 or Arm64 NEON), in fixed point with 8 fractional bits; each chroma
/// sample is the mean of its 2×2 pixels.
/// </summary>
/// <remarks>Thread safe: no state.</remarks>
internal static class BgrToI420
{
    private const byte Zero = 0x80; // a shuffle index that yields 0 on both SSSE3 and NEON

    private static readonly Vector128<byte> Blue0 = Vector128.Create((byte)0, 3, 6, 9, 12, 15, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero);
    private static readonly Vector128<byte> Blue1 = Vector128.Create(Zero, Zero, Zero, Zero, Zero, Zero, 2, 5, 8, 11, 14, Zero, Zero, Zero, Zero, Zero);
    private static readonly Vector128<byte> Blue2 = Vector128.Create(Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, 1, 4, 7, 10, 13);
    private static readonly Vector128<byte> Green0 = Vector128.Create((byte)1, 4, 7, 10, 13, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero);
    private static readonly Vector128<byte> Green1 = Vector128.Create(Zero, Zero, Zero, Zero, Zero, 0, 3, 6, 9, 12, 15, Zero, Zero, Zero, Zero, Zero);
    private static readonly Vector128<byte> Green2 = Vector128.Create(Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, 2, 5, 8, 11, 14);
    private static readonly Vector128<byte> Red0 = Vector128.Create((byte)2, 5, 8, 11, 14, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero);
    private static readonly Vector128<byte> Red1 = Vector128.Create(Zero, Zero, Zero, Zero, Zero, 1, 4, 7, 10, 13, Zero, Zero, Zero, Zero, Zero, Zero);
    private static readonly Vector128<byte> Red2 = Vector128.Create(Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, Zero, 0, 3, 6, 9, 12, 15);

    /// <summary>Whether the SIMD paths run on this machine (otherwise a scalar loop does the same).</summary>
    internal static bool IsVectorized => Ssse3.IsSupported || AdvSimd.Arm64.IsSupported;

    /// <summary>
    /// Converts a BGR24 picture into an I420 buffer laid out as <paramref name="layout"/> says.
    /// </summary>
    /// <param name="bgr">The source: row <c>y</c> starts at <c>y * stride</c>, 3 bytes per pixel.</param>
    /// <param name="stride">Bytes between source rows.</param>
    /// <param name="layout">The destination's planes; its size is the picture's.</param>
    /// <param name="matrix">The colour matrix.</param>
    /// <param name="destination">At least <see cref="I420Layout.Size"/> bytes.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Convert(ReadOnlySpan<byte> bgr, int stride, I420Layout layout, ColorMatrix matrix, Span<byte> destination)
    {
        var width = layout.Width;
        var height = layout.Height;
        if (destination.Length < layout.Size)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; an I420 picture of {width}x{height} needs {layout.Size}.", nameof(destination));
        }
        if (bgr.Length < (stride * (height - 1)) + (width * 3))
        {
            throw new ArgumentException("The source is shorter than its size and stride say.", nameof(bgr));
        }
        var coefficients = Coefficients.Of(matrix);
        ref var source = ref MemoryMarshal.GetReference(bgr);
        ref var target = ref MemoryMarshal.GetReference(destination);
        var vectorWidth = IsVectorized ? width & ~15 : 0;
        var wideWidth = Avx2.IsSupported ? width & ~31 : 0;
        for (var y = 0; y < height; y += 2)
        {
            // An odd last row pairs with itself for its chroma.
            var nextRow = y + 1 < height ? y + 1 : y;
            ref var row0 = ref Unsafe.Add(ref source, y * stride);
            ref var row1 = ref Unsafe.Add(ref source, nextRow * stride);
            ref var luma0 = ref Unsafe.Add(ref target, y * layout.LumaStride);
            ref var luma1 = ref Unsafe.Add(ref target, nextRow * layout.LumaStride);
            ref var blueDifference = ref Unsafe.Add(ref target, layout.BlueDifferenceOffset + (y / 2 * layout.ChromaStride));
            ref var redDifference = ref Unsafe.Add(ref target, layout.RedDifferenceOffset + (y / 2 * layout.ChromaStride));
            if (wideWidth > 0)
            {
                ConvertRowPairWide(ref row0, ref row1, ref luma0, ref luma1, ref blueDifference, ref redDifference, wideWidth, coefficients);
            }
            if (vectorWidth > wideWidth)
            {
                ConvertRowPairVector(ref row0, ref row1, ref luma0, ref luma1, ref blueDifference, ref redDifference, wideWidth, vectorWidth, coefficients);
            }
            ConvertRowPairScalar(ref row0, ref row1, ref luma0, ref luma1, ref blueDifference, ref redDifference, vectorWidth, width, coefficients);
        }
    }

    /// <summary>
    /// 32 pixels at a time: two 16-pixel deinterleaves (shuffles stay within 128 bits), then the
    /// arithmetic on 256-bit vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvertRowPairWide(
        ref byte row0, ref byte row1, ref byte luma0, ref byte luma1, ref byte blueDifference, ref byte redDifference,
        int wideWidth, Coefficients c)
    {
        var yRed = Vector256.Create(c.YRed);
        var yGreen = Vector256.Create(c.YGreen);
        var yBlue = Vector256.Create(c.YBlue);
        var uRed = Vector256.Create(c.URed);
        var uGreen = Vector256.Create(c.UGreen);
        var uBlue = Vector256.Create(c.UBlue);
        var vRed = Vector256.Create(c.VRed);
        var vGreen = Vector256.Create(c.VGreen);
        var vBlue = Vector256.Create(c.VBlue);
        for (var x = 0; x < wideWidth; x += 32)
        {
            Deinterleave(ref Unsafe.Add(ref row0, x * 3), out var b0Low, out var g0Low, out var r0Low);
            Deinterleave(ref Unsafe.Add(ref row0, (x + 16) * 3), out var b0High, out var g0High, out var r0High);
            Deinterleave(ref Unsafe.Add(ref row1, x * 3), out var b1Low, out var g1Low, out var r1Low);
            Deinterleave(ref Unsafe.Add(ref row1, (x + 16) * 3), out var b1High, out var g1High, out var r1High);
            var b0 = Vector256.Create(b0Low, b0High);
            var g0 = Vector256.Create(g0Low, g0High);
            var r0 = Vector256.Create(r0Low, r0High);
            var b1 = Vector256.Create(b1Low, b1High);
            var g1 = Vector256.Create(g1Low, g1High);
            var r1 = Vector256.Create(r1Low, r1High);
            Luma(b0, g0, r0, yRed, yGreen, yBlue).StoreUnsafe(ref luma0, (nuint)x);
            Luma(b1, g1, r1, yRed, yGreen, yBlue).StoreUnsafe(ref luma1, (nuint)x);

            var blue = Quad(b0, b1);
            var green = Quad(g0, g1);
            var red = Quad(r0, r1);
            Chroma(blue, green, red, uRed, uGreen, uBlue).StoreUnsafe(ref blueDifference, (nuint)(x / 2));
            Chroma(blue, green, red, vRed, vGreen, vBlue).StoreUnsafe(ref redDifference, (nuint)(x / 2));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Luma(Vector256<byte> blue, Vector256<byte> green, Vector256<byte> red, Vector256<ushort> cr, Vector256<ushort> cg, Vector256<ushort> cb)
    {
        var (blueLow, blueHigh) = Vector256.Widen(blue);
        var (greenLow, greenHigh) = Vector256.Widen(green);
        var (redLow, redHigh) = Vector256.Widen(red);
        var rounding = Vector256.Create((ushort)128);
        var low = Vector256.ShiftRightLogical((redLow * cr) + (greenLow * cg) + (blueLow * cb) + rounding, 8);
        var high = Vector256.ShiftRightLogical((redHigh * cr) + (greenHigh * cg) + (blueHigh * cb) + rounding, 8);
        return Vector256.Narrow(low, high) + Vector256.Create((byte)16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> Quad(Vector256<byte> top, Vector256<byte> bottom)
    {
        var mask = Vector256.Create((ushort)0x00FF);
        var topPairs = top.AsUInt16();
        var bottomPairs = bottom.AsUInt16();
        var sum = (topPairs & mask) + Vector256.ShiftRightLogical(topPairs, 8) + (bottomPairs & mask) + Vector256.ShiftRightLogical(bottomPairs, 8);
        return Vector256.ShiftRightLogical(sum + Vector256.Create((ushort)2), 2).AsInt16();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Chroma(Vector256<short> blue, Vector256<short> green, Vector256<short> red, Vector256<short> cr, Vector256<short> cg, Vector256<short> cb)
    {
        var value = Vector256.ShiftRightArithmetic((red * cr) + (green * cg) + (blue * cb) + Vector256.Create((short)128), 8) + Vector256.Create((short)128);
        return Vector256.Narrow(value.AsUInt16(), value.AsUInt16()).GetLower();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvertRowPairVector(
        ref byte row0, ref byte row1, ref byte luma0, ref byte luma1, ref byte blueDifference, ref byte redDifference,
        int from, int vectorWidth, Coefficients c)
    {
        var yRed = Vector128.Create(c.YRed);
        var yGreen = Vector128.Create(c.YGreen);
        var yBlue = Vector128.Create(c.YBlue);
        var uRed = Vector128.Create(c.URed);
        var uGreen = Vector128.Create(c.UGreen);
        var uBlue = Vector128.Create(c.UBlue);
        var vRed = Vector128.Create(c.VRed);
        var vGreen = Vector128.Create(c.VGreen);
        var vBlue = Vector128.Create(c.VBlue);
        for (var x = from; x < vectorWidth; x += 16)
        {
            Deinterleave(ref Unsafe.Add(ref row0, x * 3), out var b0, out var g0, out var r0);
            Deinterleave(ref Unsafe.Add(ref row1, x * 3), out var b1, out var g1, out var r1);
            Luma(b0, g0, r0, yRed, yGreen, yBlue).StoreUnsafe(ref luma0, (nuint)x);
            Luma(b1, g1, r1, yRed, yGreen, yBlue).StoreUnsafe(ref luma1, (nuint)x);

            // Means of 2x2 blocks: 8 chroma samples per 16 pixels.
            var blue = Quad(b0, b1);
            var green = Quad(g0, g1);
            var red = Quad(r0, r1);
            var u = Chroma(blue, green, red, uRed, uGreen, uBlue);
            var v = Chroma(blue, green, red, vRed, vGreen, vBlue);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref blueDifference, x / 2), u);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref redDifference, x / 2), v);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Deinterleave(ref byte pixels, out Vector128<byte> blue, out Vector128<byte> green, out Vector128<byte> red)
    {
        var v0 = Vector128.LoadUnsafe(ref pixels);
        var v1 = Vector128.LoadUnsafe(ref pixels, 16);
        var v2 = Vector128.LoadUnsafe(ref pixels, 32);
        blue = Vector128.ShuffleNative(v0, Blue0) | Vector128.ShuffleNative(v1, Blue1) | Vector128.ShuffleNative(v2, Blue2);
        green = Vector128.ShuffleNative(v0, Green0) | Vector128.ShuffleNative(v1, Green1) | Vector128.ShuffleNative(v2, Green2);
        red = Vector128.ShuffleNative(v0, Red0) | Vector128.ShuffleNative(v1, Red1) | Vector128.ShuffleNative(v2, Red2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Luma(Vector128<byte> blue, Vector128<byte> green, Vector128<byte> red, Vector128<ushort> cr, Vector128<ushort> cg, Vector128<ushort> cb)
    {
        // Unsigned 16-bit arithmetic holds it: the coefficients sum to 220, and 220 * 255 + 128 < 65536.
        var (blueLow, blueHigh) = Vector128.Widen(blue);
        var (greenLow, greenHigh) = Vector128.Widen(green);
        var (redLow, redHigh) = Vector128.Widen(red);
        var rounding = Vector128.Create((ushort)128);
        var low = Vector128.ShiftRightLogical((redLow * cr) + (greenLow * cg) + (blueLow * cb) + rounding, 8);
        var high = Vector128.ShiftRightLogical((redHigh * cr) + (greenHigh * cg) + (blueHigh * cb) + rounding, 8);
        return Vector128.Narrow(low, high) + Vector128.Create((byte)16);
    }

    /// <summary>Means of horizontal pairs over two rows: 8 values from 16 pixels of each row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> Quad(Vector128<byte> top, Vector128<byte> bottom)
    {
        var mask = Vector128.Create((ushort)0x00FF);
        var topPairs = top.AsUInt16();
        var bottomPairs = bottom.AsUInt16();
        var sum = (topPairs & mask) + Vector128.ShiftRightLogical(topPairs, 8) + (bottomPairs & mask) + Vector128.ShiftRightLogical(bottomPairs, 8);
        return Vector128.ShiftRightLogical(sum + Vector128.Create((ushort)2), 2).AsInt16();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Chroma(Vector128<short> blue, Vector128<short> green, Vector128<short> red, Vector128<short> cr, Vector128<short> cg, Vector128<short> cb)
    {
        // Signed 16-bit arithmetic holds it: |112 * 255| + 128 < 32768.
        var value = Vector128.ShiftRightArithmetic((red * cr) + (green * cg) + (blue * cb) + Vector128.Create((short)128), 8) + Vector128.Create((short)128);
        return Vector128.Narrow(value.AsUInt16(), value.AsUInt16()).AsUInt64().ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvertRowPairScalar(
        ref byte row0, ref byte row1, ref byte luma0, ref byte luma1, ref byte blueDifference, ref byte redDifference,
        int from, int width, Coefficients c)
    {
        for (var x = from; x < width; x += 2)
        {
            var nextColumn = x + 1 < width ? x + 1 : x;
            // At an odd last column the pixel stands in for its missing right neighbour.
            int blue = 0, green = 0, red = 0;
            Pixel(ref row0, ref luma0, x, c, ref blue, ref green, ref red);
            Pixel(ref row0, ref luma0, nextColumn, c, ref blue, ref green, ref red, writeLuma: nextColumn != x);
            Pixel(ref row1, ref luma1, x, c, ref blue, ref green, ref red);
            Pixel(ref row1, ref luma1, nextColumn, c, ref blue, ref green, ref red, writeLuma: nextColumn != x);
            blue = (blue + 2) >> 2;
            green = (green + 2) >> 2;
            red = (red + 2) >> 2;
            Unsafe.Add(ref blueDifference, x / 2) = (byte)((((c.URed * red) + (c.UGreen * green) + (c.UBlue * blue) + 128) >> 8) + 128);
            Unsafe.Add(ref redDifference, x / 2) = (byte)((((c.VRed * red) + (c.VGreen * green) + (c.VBlue * blue) + 128) >> 8) + 128);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pixel(ref byte row, ref byte luma, int x, Coefficients c, ref int blueSum, ref int greenSum, ref int redSum, bool writeLuma = true)
    {
        int blue = Unsafe.Add(ref row, x * 3);
        int green = Unsafe.Add(ref row, (x * 3) + 1);
        int red = Unsafe.Add(ref row, (x * 3) + 2);
        blueSum += blue;
        greenSum += green;
        redSum += red;
        if (writeLuma)
        {
            Unsafe.Add(ref luma, x) = (byte)((((c.YRed * red) + (c.YGreen * green) + (c.YBlue * blue) + 128) >> 8) + 16);
        }
    }

    /// <summary>Fixed-point coefficients (× 256) of a limited-range matrix.</summary>
    private readonly record struct Coefficients(
        ushort YRed, ushort YGreen, ushort YBlue,
        short URed, short UGreen, short UBlue,
        short VRed, short VGreen, short VBlue)
    {
        private static readonly Coefficients Bt601 = new(66, 129, 25, -38, -74, 112, 112, -94, -18);

        // Each chroma row sums to 0 so that greys have neutral chroma exactly.
        private static readonly Coefficients Bt709 = new(47, 157, 16, -26, -86, 112, 112, -102, -10);

        internal static Coefficients Of(ColorMatrix matrix) => matrix == ColorMatrix.Bt709 ? Bt709 : Bt601;
    }
}
