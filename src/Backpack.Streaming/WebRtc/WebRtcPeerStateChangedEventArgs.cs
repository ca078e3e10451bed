namespace Backpack.Streaming.WebRtc;

/// <summary>A <see cref="WebRtcPeer"/> changed state.</summary>
/// <param name="previous">The state before.</param>
/// <param name="state">The state now.</param>
/// <param name="reason">Why, for <see cref="WebRtcPeerState.Failed"/> and <see cref="WebRtcPeerState.Closed"/> when known (no secrets); null otherwise.</param>
public sealed class WebRtcPeerStateChangedEventArgs(WebRtcPeerState previous, WebRtcPeerState state, string? reason) : EventArgs
{
    /// <summary>The state before.</summary>
    public WebRtcPeerState Previous { get; } = previous;

    /// <summary>The state now.</summary>
    public WebRtcPeerState State { get; } = state;

    /// <summary>Why, when known; null otherwise.</summary>
    public string? Reason { get; } = reason;
}
