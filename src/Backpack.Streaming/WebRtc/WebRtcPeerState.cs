namespace Backpack.Streaming.WebRtc;

/// <summary>Where a <see cref="WebRtcPeer"/> is: the peer connection's state (RTCPeerConnectionState), and <see cref="Closed"/> once disposed.</summary>
public enum WebRtcPeerState
{
    /// <summary>Created; no offer answered yet.</summary>
    New,

    /// <summary>ICE and DTLS are connecting.</summary>
    Connecting,

    /// <summary>Connected: the viewer receives the stream.</summary>
    Connected,

    /// <summary>The connection was lost; it may come back by itself (ICE), or fail.</summary>
    Disconnected,

    /// <summary>The connection failed (or the output's pipeline did); dispose the peer and let the viewer make a new one.</summary>
    Failed,

    /// <summary>Disposed (by the application, or with its output): its elements are freed.</summary>
    Closed,
}
