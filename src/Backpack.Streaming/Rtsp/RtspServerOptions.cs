using System.Net;

namespace Backpack.Streaming.Rtsp;

/// <summary>
/// How an <see cref="RtspServer"/> listens and whom it serves. Every property has a sensible default;
/// an invalid value is refused when set, with an <see cref="ArgumentException"/> naming the property.
/// </summary>
/// <example>
/// <code>
/// var options = new RtspServerOptions
/// {
///     Port = 8554,
///     Address = "0.0.0.0",                              // every IPv4 interface
///     Credentials = new RtspCredentials("viewer", password),
///     AuthenticationMethods = RtspAuthenticationMethods.Digest,
///     Transports = RtspTransports.Tcp,                  // through firewalls that block UDP
/// };
/// </code>
/// </example>
/// <remarks>Immutable once made; safe to share.</remarks>
public sealed class RtspServerOptions
{
    private readonly int _port = RtspServer.DefaultPort;
    private readonly string _address = "0.0.0.0";
    private readonly RtspAuthenticationMethods _authenticationMethods = RtspAuthenticationMethods.Basic | RtspAuthenticationMethods.Digest;
    private readonly RtspTransports _transports = RtspTransports.Udp | RtspTransports.Tcp;

    /// <summary>The TCP port to listen on: 1 to 65535, or 0 for any free port (see <see cref="RtspServer.Port"/>). Default 8554.</summary>
    public int Port
    {
        get => _port;
        init => _port = value is >= 0 and <= 65535
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Port), value, "Expected a TCP port from 1 to 65535, or 0 for any free port.");
    }

    /// <summary>
    /// The local address to listen on: <c>0.0.0.0</c> (default, every IPv4 interface, as the original),
    /// <c>::</c> for every IPv6 interface, or the address of one interface such as <c>127.0.0.1</c> to
    /// serve only this machine.
    /// </summary>
    public string Address
    {
        get => _address;
        init => _address = value is not null && IPAddress.TryParse(value, out _)
            ? value
            : throw new ArgumentException($"'{value}' is not an IP address; expected one such as 0.0.0.0 (every interface), 127.0.0.1 or ::.", nameof(Address));
    }

    /// <summary>
    /// The user name and password clients must give, or null (default) to serve anyone who can reach the
    /// port, as the original does. With credentials, a client without them is refused (401).
    /// </summary>
    public RtspCredentials? Credentials { get; init; }

    /// <summary>The schemes accepted when <see cref="Credentials"/> are set: Basic, Digest or both (default both).</summary>
    public RtspAuthenticationMethods AuthenticationMethods
    {
        get => _authenticationMethods;
        init => _authenticationMethods = value != 0 && (value & ~(RtspAuthenticationMethods.Basic | RtspAuthenticationMethods.Digest)) == 0
            ? value
            : throw new ArgumentException($"'{value}' is not a set of authentication methods; expected Basic, Digest or both.", nameof(AuthenticationMethods));
    }

    /// <summary>The transports clients may choose for RTP: UDP, UDP multicast, TCP interleaved. Default UDP and TCP.</summary>
    public RtspTransports Transports
    {
        get => _transports;
        init => _transports = value != 0 && (value & ~(RtspTransports.Udp | RtspTransports.UdpMulticast | RtspTransports.Tcp)) == 0
            ? value
            : throw new ArgumentException($"'{value}' is not a set of transports; expected Udp, UdpMulticast, Tcp or a combination.", nameof(Transports));
    }

    /// <summary>The options without the password: <c>0.0.0.0:8554, credentials viewer:***, Basic, Digest, Udp, Tcp</c>.</summary>
    public override string ToString() =>
        $"{Address}:{Port}, {(Credentials is null ? "no authentication" : $"credentials {Credentials} ({AuthenticationMethods})")}, transports {Transports}";
}
