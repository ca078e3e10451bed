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
///     Credentials = new RtspCredentials("viewer", password),   // Digest by default
///     Certificate = RtspCertificate.FromFile("/etc/backpack/rtsp.pfx", pfxPassword),   // serves rtsps://
///     Transports = RtspTransports.Tcp,                  // through firewalls that block UDP
///     MaxClients = 8,
/// };
/// </code>
/// </example>
/// <remarks>Immutable once made; safe to share.</remarks>
public sealed class RtspServerOptions
{
    private readonly int _port = RtspServer.DefaultPort;
    private readonly string _address = "0.0.0.0";
    /// <summary>The default of <see cref="MaxClients"/>.</summary>
    public const int DefaultMaxClients = 32;

    /// <summary>The largest <see cref="MaxClients"/>: each client has a thread of its own.</summary>
    public const int MaxClientsLimit = 1024;

    private readonly RtspAuthenticationMethods _authenticationMethods = RtspAuthenticationMethods.Digest;
    private readonly int _maxClients = DefaultMaxClients;
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

    /// <summary>
    /// The schemes accepted when <see cref="Credentials"/> are set: Digest (default: the password never crosses the
    /// network), Basic, or both. Basic sends the password readable in every request; ask for it only for clients
    /// that cannot do Digest, ideally with a <see cref="Certificate"/> (rtsps) — the server warns at start when
    /// Basic is offered in the clear on an address other than loopback.
    /// </summary>
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

    /// <summary>
    /// How many clients may be connected at once: 1 to <see cref="MaxClientsLimit"/>, default
    /// <see cref="DefaultMaxClients"/>. A client beyond it is answered 503 Service Unavailable at once, at its DESCRIBE or SETUP
    /// request; each accepted client has a thread of its own, so this also bounds the server's threads.
    /// </summary>
    public int MaxClients
    {
        get => _maxClients;
        init => _maxClients = value is >= 1 and <= MaxClientsLimit
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxClients), value, $"Expected 1 to {MaxClientsLimit} clients at once (each has a thread of its own).");
    }

    /// <summary>
    /// The TLS certificate with its private key, or null (default) for plain RTSP. With one, the server speaks
    /// only RTSP over TLS: clients open <c>rtsps://HOST:PORT/PATH</c>.
    /// </summary>
    public RtspCertificate? Certificate { get; init; }

    /// <summary>The options without secrets: <c>0.0.0.0:8554, credentials viewer:*** (Digest), transports Udp, Tcp, at most 32 clients, plain RTSP</c>.</summary>
    public override string ToString() =>
        $"{Address}:{Port}, {(Credentials is null ? "no authentication" : $"credentials {Credentials} ({AuthenticationMethods})")}, transports {Transports}, " +
        $"at most {MaxClients} clients, {(Certificate is null ? "plain RTSP" : $"TLS with {Certificate}")}";
}
