namespace Backpack.Streaming.WebRtc;

/// <summary>A local ICE candidate of a <see cref="WebRtcPeer"/>, to send to the viewer (RTCPeerConnection.addIceCandidate).</summary>
/// <param name="sdpMLineIndex">The index of the media line it belongs to (0 with the bundled single video stream).</param>
/// <param name="candidate">The candidate line, such as <c>candidate:1 1 UDP 2015363327 192.0.2.2 51234 typ host</c>.</param>
public sealed class WebRtcIceCandidateEventArgs(int sdpMLineIndex, string candidate) : EventArgs
{
    /// <summary>The index of the media line the candidate belongs to.</summary>
    public int SdpMLineIndex { get; } = sdpMLineIndex;

    /// <summary>The candidate line (without the <c>a=</c> prefix).</summary>
    public string Candidate { get; } = candidate;
}
