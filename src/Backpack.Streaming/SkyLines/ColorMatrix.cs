namespace Backpack.Streaming.SkyLines;

/// <summary>The RGB→YCbCr matrix of a stream, limited range, as GStreamer names it in caps.</summary>
internal enum ColorMatrix
{
    /// <summary>ITU-R BT.601: standard definition.</summary>
    Bt601,

    /// <summary>ITU-R BT.709: high definition.</summary>
    Bt709,
}
