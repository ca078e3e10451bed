namespace Backpack.Streaming.SkyLines;

/// <summary>Where a <see cref="SkyLine"/> is in its life; the states and transitions of the original SkyLine.</summary>
/// <remarks>
/// <code>
///  Stopped ──StartStreaming(all values known)──────────────────────────────► Streaming
///  Stopped ──StartStreaming(any value auto)──► StartWarmup ──first Put──► Warmup ──N frames──► Streaming
///  Streaming ──pipeline error──► Error ──after a back-off delay, by itself──► Streaming
///  any state ──StopStreaming──► Stopped
/// </code>
/// </remarks>
public enum SkyLineState
{
    /// <summary>A pipeline error stopped the stream; it restarts by itself after a delay unless restarts are disabled. Put returns false.</summary>
    Error = -1,

    /// <summary>Not streaming: Put returns false and keeps nothing.</summary>
    Stopped = 0,

    /// <summary>Streaming was started with a value to measure; the warmup begins with the next frame.</summary>
    StartWarmup = 1,

    /// <summary>Frames are measured (frame rate from their arrival times, size from the frames) and not sent.</summary>
    Warmup = 2,

    /// <summary>Frames are encoded and sent.</summary>
    Streaming = 3,
}
