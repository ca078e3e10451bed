namespace Backpack.Aws.Relay;

/// <summary>
/// The video every camera of a relay streams (the configuration's <c>video</c> section), or one camera's override of it
/// (its own <c>video</c> section: the settings it names replace the relay's, the others stay).
/// </summary>
/// <remarks>A plain options class for configuration binding; not thread-safe while it is being changed.</remarks>
public sealed class RelayVideoOptions
{
    /// <summary>The default width, 1280 pixels (720p, as the AWS multi-camera sample).</summary>
    public const int DefaultWidth = 1280;

    /// <summary>The default height, 720 pixels.</summary>
    public const int DefaultHeight = 720;

    /// <summary>The default frame rate, 15 frames per second (as the AWS multi-camera sample).</summary>
    public const int DefaultFps = 15;

    /// <summary>Width of the streamed video in pixels: even, 16 to 7680. Null: the relay's (1280 at the top).</summary>
    public int? Width { get; set; }

    /// <summary>Height of the streamed video in pixels: even, 16 to 4320. Null: the relay's (720 at the top).</summary>
    public int? Height { get; set; }

    /// <summary>Frames per second streamed, 1 to 60. Null: the relay's (15 at the top).</summary>
    public int? Fps { get; set; }

    /// <summary><c>annotate</c> or <c>passthrough</c>. Null: the relay's (<c>annotate</c> at the top).</summary>
    public RelayMode? Mode { get; set; }
}
