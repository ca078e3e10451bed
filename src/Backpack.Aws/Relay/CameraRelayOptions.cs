namespace Backpack.Aws.Relay;

/// <summary>
/// The configuration of a camera relay (<c>backpack relay --config FILE</c>): the cameras, the video they stream, and
/// the outputs, each on when its section is present (<c>kinesis</c>, <c>rtsp</c>).
/// </summary>
/// <remarks>
/// A plain options class, bound from any <c>IConfiguration</c> (JSON, environment variables) by
/// <see cref="CameraRelayConfiguration.Read"/>, which also resolves and checks it; not thread-safe while it is being changed.
/// </remarks>
public sealed class CameraRelayOptions
{
    /// <summary>The cameras, at least one; their stream names must differ.</summary>
    public List<RelayCameraOptions> Cameras { get; set; } = [];

    /// <summary>The video every camera streams unless it overrides it (1280×720, 15 fps, annotated by default).</summary>
    public RelayVideoOptions Video { get; set; } = new();

    /// <summary>Kinesis Video Streams, one stream per camera; null (no <c>kinesis</c> section): off.</summary>
    public RelayKinesisOptions? Kinesis { get; set; }

    /// <summary>AWS IoT certificates per camera and remote control; null: Kinesis uses the default AWS credential chain.</summary>
    public RelayIotOptions? Iot { get; set; }

    /// <summary>An RTSP server with one mount per camera; null (no <c>rtsp</c> section): off.</summary>
    public RelayRtspOptions? Rtsp { get; set; }

    /// <summary>Seconds between two status lines per camera, 1 to 3600; default 5.</summary>
    public int StatusSeconds { get; set; } = 5;
}
