namespace Backpack.Streaming.Outputs;

/// <summary>
/// Figures every output of a SkyLine reports, read at one moment, so a status line, a page or metrics can show
/// any output without knowing its type; <see cref="Extras"/> holds the figures of its own kind.
/// </summary>
/// <param name="Name">The output's name.</param>
/// <param name="Kind">What the output is, such as <c>rtsp</c>, <c>recorder</c>, <c>sink</c> or <c>kinesis</c>.</param>
/// <param name="State">Where the output is in its life.</param>
/// <param name="FramesIn">Encoded frames handed to the output.</param>
/// <param name="FramesWritten">Frames the output took (wrote, sent or queued further).</param>
/// <param name="FramesDropped">Frames the output lost: the oldest of its queue when it fell behind, and those skipped until the next key frame after a loss.</param>
/// <param name="FramesQueued">Frames waiting in the output's queue now.</param>
/// <param name="BytesQueued">Bytes of those frames.</param>
/// <param name="Failures">Writes that failed (each is logged).</param>
/// <param name="LastError">The last failure, or null; never holds secrets.</param>
/// <param name="Extras">Figures of the output's own kind by name (such as <c>fragments.persisted</c>), in a stable order; empty when it has none.</param>
public readonly record struct OutputStatistics(
    string Name,
    string Kind,
    OutputState State,
    long FramesIn,
    long FramesWritten,
    long FramesDropped,
    int FramesQueued,
    long BytesQueued,
    long Failures,
    string? LastError,
    IReadOnlyList<KeyValuePair<string, double>> Extras);
