namespace Backpack.Streaming.SkyLines;

/// <summary>A SkyLine moved from one state to another.</summary>
/// <param name="previous">The state before.</param>
/// <param name="current">The state now.</param>
/// <param name="reason">Why, for errors: GStreamer's message; otherwise null.</param>
public sealed class SkyLineStateChangedEventArgs(SkyLineState previous, SkyLineState current, string? reason) : EventArgs
{
    /// <summary>The state before.</summary>
    public SkyLineState Previous { get; } = previous;

    /// <summary>The state now.</summary>
    public SkyLineState Current { get; } = current;

    /// <summary>Why, for errors: GStreamer's message (secrets removed); otherwise null.</summary>
    public string? Reason { get; } = reason;

    /// <summary>The place of the change among its SkyLine's changes, which events are delivered in.</summary>
    internal long Sequence { get; init; }
}
