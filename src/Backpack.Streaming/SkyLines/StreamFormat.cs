using System.Globalization;

namespace Backpack.Streaming.SkyLines;

/// <summary>The video a SkyLine sends: frame rate and frame size, as decided when streaming started.</summary>
/// <param name="FrameRate">Frames per second, more than 0.</param>
/// <param name="Width">Width in pixels, even.</param>
/// <param name="Height">Height in pixels, even.</param>
public readonly record struct StreamFormat(double FrameRate, int Width, int Height)
{
    /// <summary>Such as <c>1280x720@30</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Width}x{Height}@{FrameRate:0.###}");
}
