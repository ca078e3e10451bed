using Backpack.Imaging;

namespace Backpack.Cli.Bench;

/// <summary>
/// A frame's number drawn into the frame as a row of 16 black or white squares (bit 15 first) in its top
/// left corner, large enough to survive H.264 at low bitrates, and read back from a decoded grey picture.
/// </summary>
internal static class FrameCode
{
    /// <summary>Bits in the code: numbers from 0 to 65535.</summary>
    internal const int Bits = 16;

    /// <summary>The side of a square for a frame of <paramref name="height"/> lines: a twentieth of it, at least 8 pixels.</summary>
    internal static int Square(int height) => Math.Max(8, height / 20);

    /// <summary>Draws <paramref name="number"/> (modulo 65536) into the frame.</summary>
    /// <exception cref="ArgumentException">The frame is too narrow for the code.</exception>
    internal static void Draw(BgrFrame frame, int number)
    {
        var side = Square(frame.Height);
        if (frame.Width < side * Bits || frame.Height < side)
        {
            throw new ArgumentException($"A {frame.Width}x{frame.Height} frame cannot hold the code; expected at least {side * Bits}x{side}.", nameof(frame));
        }
        for (var bit = 0; bit < Bits; bit++)
        {
            var value = (byte)(((number >> (Bits - 1 - bit)) & 1) == 1 ? 255 : 0);
            using var square = frame.Crop(bit * side, 0, side, side);
            square.Fill(value, value, value);
        }
    }

    /// <summary>The row that crosses the middle of the squares, where <see cref="Read"/> looks.</summary>
    internal static int MiddleRow(int height) => Square(height) / 2;

    /// <summary>Reads the number from the <see cref="MiddleRow"/> of a grey (8 bits per pixel) picture: the centre of each square, white above 127.</summary>
    /// <param name="row">The bytes of the middle row, at least <c>16 * Square(height)</c> of them.</param>
    /// <param name="height">Rows of the picture.</param>
    internal static int Read(ReadOnlySpan<byte> row, int height)
    {
        var side = Square(height);
        var number = 0;
        for (var bit = 0; bit < Bits; bit++)
        {
            number = (number << 1) | (row[(bit * side) + (side / 2)] > 127 ? 1 : 0);
        }
        return number;
    }
}
