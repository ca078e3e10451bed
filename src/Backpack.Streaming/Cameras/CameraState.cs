namespace Backpack.Streaming.Cameras;

/// <summary>Where a <see cref="CameraSource"/> is in its life.</summary>
/// <remarks>
/// <code>
///  Stopped ──Start──► Connecting ──first frame──► Streaming
///  Connecting or Streaming ──error, end of a live stream, no frame for StallTimeout──► Reconnecting
///  Reconnecting ──after a back-off delay, the pipeline rebuilt, first frame──► Streaming
///  Streaming ──a file ends (LoopFile false)──► Ended
///  any state ──Dispose──► Stopped
/// </code>
/// </remarks>
public enum CameraState
{
    /// <summary>Not started yet, or disposed: no frames come.</summary>
    Stopped = 0,

    /// <summary>Started: the pipeline is being built and no frame came yet.</summary>
    Connecting = 1,

    /// <summary>Frames come.</summary>
    Streaming = 2,

    /// <summary>The source failed or went silent; it is rebuilt after a back-off delay, again and again, until a frame comes.</summary>
    Reconnecting = 3,

    /// <summary>A file was played to its end (and <see cref="CameraSourceOptions.LoopFile"/> is false): reads end once the last frame is taken.</summary>
    Ended = 4,
}
