using Backpack.Imaging;

namespace Backpack.Cli.Bench;

/// <summary>
/// The synthetic frames every streaming benchmark feeds (data/bench/FRAMES.md): a blue/green
/// gradient with eight coloured squares moving at different speeds.
/// </summary>
internal static class BenchFrames
{
    /// <summary>Makes frame <paramref name="index"/> of size <paramref name="width"/> x <paramref name="height"/>.</summary>
    internal static BgrFrame Create(int width, int height, int index)
    {
        var frame = BgrFrame.Create(width, height);
        var pixels = frame.Pixels;
        for (var y = 0; y < height; y++)
        {
            var row = pixels.Slice(y * frame.Stride, width * 3);
            var green = (byte)(y * 255 / (height - 1));
            for (var x = 0; x < width; x++)
            {
                row[x * 3] = (byte)(x * 255 / (width - 1));
                row[(x * 3) + 1] = green;
                row[(x * 3) + 2] = 128;
            }
        }
        var side = height / 8;
        for (var k = 0; k < 8; k++)
        {
            var blue = (byte)(255 * (k & 1));
            var greenSquare = (byte)(255 * ((k >> 1) & 1));
            var red = (byte)(255 * ((k >> 2) & 1));
            var left = ((k * width / 8) + (index * (k + 1) * 4)) % (width - side);
            var top = ((k * height / 10) + (index * (8 - k) * 3)) % (height - side);
            for (var y = top; y < top + side; y++)
            {
                var row = pixels.Slice((y * frame.Stride) + (left * 3), side * 3);
                for (var x = 0; x < side; x++)
                {
                    row[x * 3] = blue;
                    row[(x * 3) + 1] = greenSquare;
                    row[(x * 3) + 2] = red;
                }
            }
        }
        return frame;
    }
}
