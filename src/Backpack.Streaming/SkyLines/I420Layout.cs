namespace Backpack.Streaming.SkyLines;

/// <summary>
/// Where the planes of an I420 picture lie in one buffer, exactly as GStreamer lays out
/// <c>video/x-raw,format=I420</c> by default (gst_video_info_set_format): rows of the luma plane
/// padded to 4 bytes, chroma planes of half the size (rounded up) with rows padded to 4 bytes,
/// and plane heights rounded up to even.
/// </summary>
internal readonly record struct I420Layout
{
    internal I420Layout(int width, int height)
    {
        Width = width;
        Height = height;
        LumaStride = RoundUp4(width);
        ChromaStride = RoundUp4(RoundUp2(width) / 2);
        ChromaWidth = (width + 1) / 2;
        ChromaHeight = (height + 1) / 2;
        var evenHeight = RoundUp2(height);
        BlueDifferenceOffset = LumaStride * evenHeight;
        RedDifferenceOffset = BlueDifferenceOffset + (ChromaStride * evenHeight / 2);
        Size = RedDifferenceOffset + (ChromaStride * evenHeight / 2);
    }

    /// <summary>Width in pixels.</summary>
    internal int Width { get; }

    /// <summary>Height in pixels.</summary>
    internal int Height { get; }

    /// <summary>Bytes between rows of the Y plane.</summary>
    internal int LumaStride { get; }

    /// <summary>Bytes between rows of the U and V planes.</summary>
    internal int ChromaStride { get; }

    /// <summary>Samples per row of the U and V planes.</summary>
    internal int ChromaWidth { get; }

    /// <summary>Rows of the U and V planes.</summary>
    internal int ChromaHeight { get; }

    /// <summary>Offset of the U (Cb) plane.</summary>
    internal int BlueDifferenceOffset { get; }

    /// <summary>Offset of the V (Cr) plane.</summary>
    internal int RedDifferenceOffset { get; }

    /// <summary>Bytes of the whole picture.</summary>
    internal int Size { get; }

    private static int RoundUp2(int value) => (value + 1) & ~1;

    private static int RoundUp4(int value) => (value + 3) & ~3;
}
