namespace Backpack.Streaming.Rtsp;

/// <summary>The transports an <see cref="RtspServer"/> offers clients for the RTP packets of a stream.</summary>
[Flags]
public enum RtspTransports
{
    /// <summary>RTP over UDP to the client's ports: the lowest latency; needs UDP to pass between the hosts.</summary>
    Udp = 1 << 0,

    /// <summary>RTP over UDP multicast, for clients that ask for it on a network that routes multicast.</summary>
    UdpMulticast = 1 << 1,

    /// <summary>RTP interleaved in the RTSP TCP connection: passes firewalls and NAT that block UDP.</summary>
    Tcp = 1 << 2,
}
