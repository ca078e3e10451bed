namespace Backpack.Aws.Relay;

/// <summary>One camera of a relay (an entry of the configuration's <c>cameras</c> list).</summary>
/// <remarks>A plain options class for configuration binding; not thread-safe while it is being changed.</remarks>
public sealed class RelayCameraOptions
{
    /// <summary>
    /// The camera's name. Its stream name (the Kinesis stream, the RTSP mount, the IoT thing) is this name with a trailing
    /// UUID and the one separator before it removed, as the AWS multi-camera sample strips Panorama's stream ids:
    /// <c>dock-1_0f8fad5b-d9cb-469f-a165-70867728950e</c> streams as <c>dock-1</c>. Required.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>
    /// Where the video comes from: <c>rtsp://</c> (or <c>rtsps://</c>), <c>http(s)://</c>, <c>file://</c> or a file path,
    /// <c>v4l2:///dev/video0</c>, or <c>test:</c> for a generated test pattern. Required.
    /// </summary>
    public string? Source { get; set; }

    /// <summary>Whether the camera streams at start (default true); its shadow's <c>desired.streaming</c>, once read, overrides it.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The RTSP user, when it is not in <see cref="Source"/>'s URL. Never logged.</summary>
    public string? User { get; set; }

    /// <summary>The RTSP password for <see cref="User"/>. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>RTSP transport, <c>tcp</c> (default: goes through firewalls and NAT) or <c>udp</c>.</summary>
    public string? Transport { get; set; }

    /// <summary>This camera's video settings where they differ from the relay's <c>video</c> section; null: the relay's.</summary>
    public RelayVideoOptions? Video { get; set; }

    /// <inheritdoc/>
    public override string ToString() => $"camera {Name}";
}
