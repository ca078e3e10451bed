using System.Runtime.CompilerServices;

namespace Backpack.Imaging;

/// <summary>
/// The checks of a BGR24 memory layout that <see cref="BgrFrame"/> makes before it wraps or allocates memory: every
/// one names the parameter at fault, says what was wrong and what was expected, and computes in 64 bits so that no
/// size or stride can overflow its way past them.
/// </summary>
internal static class BgrLayout
{
    private const int BytesPerPixel = BgrFrame.BytesPerPixel;

    /// <summary>Bytes from the first pixel to the last: <c>stride * (height - 1) + width * 3</c>; checked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int RequiredLength(int width, int height, int stride) =>
        checked((stride * (height - 1)) + (width * BytesPerPixel));

    internal static void ValidateAddress(nint address)
    {
        if (address == 0)
        {
            throw new ArgumentException("The pixel address is zero; expected the address of the first pixel.", nameof(address));
        }
    }

    /// <summary>Checks the dimensions, naming the one at fault, and returns the contiguous stride.</summary>
    internal static int ValidateSize(int width, int height)
    {
        if (width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "Expected a frame width of at least 1 pixel.");
        }
        if (height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(height), height, "Expected a frame height of at least 1 pixel.");
        }
        var bytes = (long)width * height * BytesPerPixel;
        if (bytes > Array.MaxLength)
        {
            // A row alone too long blames the width; otherwise there are too many rows.
            var fault = (long)width * BytesPerPixel > Array.MaxLength ? nameof(width) : nameof(height);
            throw new ArgumentOutOfRangeException(
                fault,
                $"A {width}x{height} BGR frame needs {bytes} bytes, more than the largest buffer of {Array.MaxLength} bytes; expected a smaller {fault}.");
        }
        return width * BytesPerPixel;
    }

    /// <summary>Checks that the stride holds a row and that the rows it spaces fit in the largest buffer (in 64-bit arithmetic).</summary>
    internal static void ValidateStride(int width, int height, int stride)
    {
        if (stride < width * BytesPerPixel)
        {
            throw new ArgumentException(
                $"The stride {stride} is smaller than a row of {width} BGR pixels; expected at least {width * BytesPerPixel} bytes.",
                nameof(stride));
        }
        var span = ((long)stride * (height - 1)) + ((long)width * BytesPerPixel);
        if (span > Array.MaxLength)
        {
            throw new ArgumentException(
                $"A {width}x{height} frame with stride {stride} spans {span} bytes, more than the largest buffer of {Array.MaxLength} bytes; expected a smaller stride or height.",
                nameof(stride));
        }
    }

    /// <summary>Checks that <paramref name="available"/> bytes hold the frame; call after <see cref="ValidateStride"/>.</summary>
    internal static void ValidateLength(long available, int width, int height, int stride, string parameterName)
    {
        var length = RequiredLength(width, height, stride);
        if (available < length)
        {
            throw new ArgumentException(
                $"The memory holds {available} bytes; a {width}x{height} BGR frame with stride {stride} needs at least {length}.",
                parameterName);
        }
    }
}
