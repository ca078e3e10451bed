namespace Backpack.Streaming.Cameras;

/// <summary>A camera source moved from one state to another.</summary>
/// <param name="previous">The state before.</param>
/// <param name="current">The state now.</param>
/// <param name="reason">Why, when it failed: GStreamer's message, credentials removed; otherwise null.</param>
public sealed class CameraStateChangedEventArgs(CameraState previous, CameraState current, string? reason) : EventArgs
{
    /// <summary>The state before.</summary>
    public CameraState Previous { get; } = previous;

    /// <summary>The state the event is about.</summary>
    public CameraState Current { get; } = current;

    /// <summary>Why, for <see cref="CameraState.Reconnecting"/>: GStreamer's message or the silence that was noticed, credentials removed; otherwise null.</summary>
    public string? Reason { get; } = reason;

    /// <summary>The place of the change among its source's changes, which events are delivered in.</summary>
    internal long Sequence { get; init; }
}
