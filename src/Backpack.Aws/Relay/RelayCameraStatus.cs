using Backpack.Streaming.Cameras;
using Backpack.Streaming.SkyLines;

namespace Backpack.Aws.Relay;

/// <summary>What one camera of a relay is doing, for a status line or a health check.</summary>
/// <param name="Name">The camera's name as configured.</param>
/// <param name="StreamName">Its stream name (Kinesis stream, RTSP mount, IoT thing).</param>
/// <param name="Streaming">Whether it is switched on (by its configuration or its shadow).</param>
/// <param name="Since">When it was last switched on or off.</param>
/// <param name="Camera">The camera source's state; <see cref="CameraState.Stopped"/> while switched off.</param>
/// <param name="SkyLine">The SkyLine's state.</param>
/// <param name="FramesIn">Frames read from the camera since the relay started (passing through: the camera's access units).</param>
/// <param name="FramesOut">Frames encoded, or access units handed to the outputs when passing through, since the relay started.</param>
/// <param name="FramesDropped">Frames the camera source or the SkyLine dropped since the relay started.</param>
/// <param name="FramesPerSecond">Frames read per second over the last status interval.</param>
/// <param name="Reconnects">Times the camera was reconnected.</param>
/// <param name="FragmentsPersisted">Kinesis fragments the service persisted; null without Kinesis.</param>
/// <param name="BufferedBytes">Bytes waiting to be sent to Kinesis; null without Kinesis.</param>
/// <param name="Viewers">RTSP clients watching; null without RTSP.</param>
/// <param name="LastError">The last error of the camera or its outputs, or null.</param>
public sealed record RelayCameraStatus(
    string Name,
    string StreamName,
    bool Streaming,
    DateTimeOffset Since,
    CameraState Camera,
    SkyLineState SkyLine,
    long FramesIn,
    long FramesOut,
    long FramesDropped,
    double FramesPerSecond,
    long Reconnects,
    long? FragmentsPersisted,
    long? BufferedBytes,
    int? Viewers,
    string? LastError);
