namespace Backpack.Streaming.Cameras;

/// <summary>Counters of a <see cref="CameraSource"/> since it was made (all connections together), read at one moment.</summary>
/// <param name="State">The state when the figures were read.</param>
/// <param name="FramesReceived">Frames that left the pipeline (decoded, converted and scaled).</param>
/// <param name="FramesDelivered">Frames the application took (<see cref="CameraSource.TryRead"/>, <see cref="CameraSource.ReadAsync"/>).</param>
/// <param name="FramesDropped">
/// Frames replaced by a newer one before the application took them (latest-frame semantics: the application was slower than the camera).
/// </param>
/// <param name="Reconnects">Pipelines rebuilt after a failure, an end of a live stream or a silence.</param>
/// <param name="LastError">Why the last connection failed (credentials removed), or null while none did.</param>
public readonly record struct CameraStatistics(
    CameraState State,
    long FramesReceived,
    long FramesDelivered,
    long FramesDropped,
    long Reconnects,
    string? LastError);
