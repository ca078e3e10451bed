namespace Backpack.Streaming.SkyLines;

/// <summary>
/// Counters of a SkyLine since it was made (all sessions together), read at one moment. The same
/// figures are published through System.Diagnostics.Metrics (meter <c>Backpack.SkyLine</c>).
/// </summary>
/// <param name="State">The state when the figures were read.</param>
/// <param name="FramesPut">Frames Put took (returned true), warmup frames included.</param>
/// <param name="FramesDropped">
/// Frames lost because the encoder fell behind: the oldest queued frames given up when the queue
/// was full, frames refused because every buffer was in the pipeline, frames queued when a
/// pipeline failed.
/// </param>
/// <param name="FramesSkipped">Frames left out because they came faster than the frame rate (two frames for one slot of the stream).</param>
/// <param name="FramesRepeated">Frames repeated to keep the stream at its frame rate when frames came slower or paused.</param>
/// <param name="FramesEncoded">Frames that left the encoder (repeats included).</param>
/// <param name="Restarts">Pipelines rebuilt after an error.</param>
/// <param name="QueuedFrames">Frames waiting for the encoder now.</param>
/// <param name="EncoderDelayFrames">
/// The encoder's hold-back in the current session (or, once stopped or failed, the last one): the most
/// frames that were inside the encoder when one left it, counted at the encoder's input and output, so
/// frames put while nothing was encoded (nobody watching) do not count. 1 means the encoder held nothing
/// back. Null (unknown) until a frame of that session was encoded.
/// </param>
/// <param name="UsesFallbackEncoder">
/// Whether the encoder failed and x264enc replaced it (<see cref="SkyLineOptions.FallBackToSoftwareEncoder"/>).
/// </param>
public readonly record struct SkyLineStatistics(
    SkyLineState State,
    long FramesPut,
    long FramesDropped,
    long FramesSkipped,
    long FramesRepeated,
    long FramesEncoded,
    long Restarts,
    int QueuedFrames,
    long? EncoderDelayFrames,
    bool UsesFallbackEncoder = false);
