using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Backpack.Web;

/// <summary>
/// How a <see cref="LiveViewServer"/> listens and whom it serves. Every property has a sensible default; an invalid
/// value is refused when set, with an <see cref="ArgumentException"/> naming the property.
/// </summary>
/// <example>
/// <code>
/// var options = new LiveViewServerOptions
/// {
///     Port = 8080,
///     Address = "0.0.0.0",                                             // every IPv4 interface
///     Credentials = new LiveViewCredentials("viewer", password),       // one login form, then a session cookie
///     Certificate = X509Certificate2.CreateFromPemFile("web.crt", "web.key"),   // serves https:// and wss://
///     StunServer = "stun://stun.example.com:3478",                     // viewers behind NAT
/// };
/// </code>
/// </example>
/// <remarks>Immutable once made; safe to share. The certificate is the caller's: the server does not dispose it.</remarks>
public sealed class LiveViewServerOptions
{
    /// <summary>The default of <see cref="Port"/>.</summary>
    public const int DefaultPort = 8080;

    /// <summary>The default of <see cref="MaxViewers"/>.</summary>
    public const int DefaultMaxViewers = 16;

    private readonly int _port = DefaultPort;
    private readonly string _address = "0.0.0.0";
    private readonly int _maxViewers = DefaultMaxViewers;
    private readonly TimeSpan _webRtcConnectTimeout = TimeSpan.FromSeconds(4);
    private readonly TimeSpan _sessionLifetime = TimeSpan.FromHours(12);
    private readonly string? _stunServer;
    private readonly IReadOnlyList<string> _turnServers = [];
    private readonly IReadOnlyList<string> _allowedOrigins = [];
    private readonly X509Certificate2? _certificate;

    /// <summary>The TCP port to listen on: 1 to 65535, or 0 for any free port (see <see cref="LiveViewServer.Port"/>). Default 8080.</summary>
    public int Port
    {
        get => _port;
        init => _port = value is >= 0 and <= 65535
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Port), value, "Expected a TCP port from 1 to 65535, or 0 for any free port.");
    }

    /// <summary>
    /// The local address to listen on: <c>0.0.0.0</c> (default, every IPv4 interface), <c>::</c> for every IPv6
    /// interface, or the address of one interface such as <c>127.0.0.1</c> to serve only this machine.
    /// </summary>
    public string Address
    {
        get => _address;
        init => _address = value is not null && IPAddress.TryParse(value, out _)
            ? value
            : throw new ArgumentException($"'{value}' is not an IP address; expected one such as 0.0.0.0 (every interface), 127.0.0.1 or ::.", nameof(Address));
    }

    /// <summary>
    /// The user name and password a viewer gives in the login form, or null (default) to serve anyone who can reach the
    /// port (the server warns at start when that is an address other than loopback). With credentials, every page,
    /// stream and figure needs the session cookie the form gives.
    /// </summary>
    public LiveViewCredentials? Credentials { get; init; }

    /// <summary>
    /// The TLS certificate with its private key, or null (default) for plain HTTP. With one, the server speaks only
    /// HTTPS (and WSS). Load a PEM pair with <see cref="X509Certificate2.CreateFromPemFile(string, string)"/> or a PFX
    /// with <c>X509CertificateLoader.LoadPkcs12FromFile</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The certificate has no private key.</exception>
    public X509Certificate2? Certificate
    {
        get => _certificate;
        init => _certificate = value is null || value.HasPrivateKey
            ? value
            : throw new ArgumentException($"The certificate {value.Subject} has no private key; expected one with its key (a PEM pair or a PFX).", nameof(Certificate));
    }

    /// <summary>Whether viewers try WebRTC first (default true); false sends every viewer the WebSocket fallback.</summary>
    public bool WebRtc { get; init; } = true;

    /// <summary>
    /// How long a viewer's page waits for WebRTC to connect before it falls back to the WebSocket: 1 to 60 seconds,
    /// default 4.
    /// </summary>
    public TimeSpan WebRtcConnectTimeout
    {
        get => _webRtcConnectTimeout;
        init => _webRtcConnectTimeout = value >= TimeSpan.FromSeconds(1) && value <= TimeSpan.FromSeconds(60)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(WebRtcConnectTimeout), value, "Expected from 1 to 60 seconds.");
    }

    /// <summary>
    /// A STUN server for WebRTC, as <c>stun://HOST:PORT</c>, given to the server's peers and to the pages; null
    /// (default) for host candidates only, which is enough on one network.
    /// </summary>
    public string? StunServer
    {
        get => _stunServer;
        init => _stunServer = value is null || IsServerUri(value, "stun")
            ? value
            : throw new ArgumentException($"'{value}' is not a STUN server; expected stun://HOST:PORT.", nameof(StunServer));
    }

    /// <summary>
    /// TURN servers the server's WebRTC peers relay through, as <c>turn://USER:PASSWORD@HOST:PORT</c> (or
    /// <c>turns://</c>); empty by default. Their passwords never reach logs or pages.
    /// </summary>
    public IReadOnlyList<string> TurnServers
    {
        get => _turnServers;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(TurnServers));
            foreach (var server in value)
            {
                if (server is null || !(IsServerUri(server, "turn") || IsServerUri(server, "turns")) || !server.Contains('@', StringComparison.Ordinal))
                {
                    // The value may hold a password: never shown.
                    throw new ArgumentException("A TURN server is not of the form turn://USER:PASSWORD@HOST:PORT (or turns://).", nameof(TurnServers));
                }
            }
            _turnServers = [.. value];
        }
    }

    /// <summary>
    /// How many viewers may watch at once, over every stream: 1 to 256, default 16. A viewer beyond it gets a page that
    /// says so (HTTP 503).
    /// </summary>
    public int MaxViewers
    {
        get => _maxViewers;
        init => _maxViewers = value is >= 1 and <= 256
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxViewers), value, "Expected from 1 to 256 viewers.");
    }

    /// <summary>
    /// Origins besides the server's own whose pages may open its WebSocket, such as <c>https://dashboard.example.com</c>;
    /// empty by default. A browser's WebSocket from any other origin is refused (403), so another site cannot watch
    /// through a viewer's session.
    /// </summary>
    public IReadOnlyList<string> AllowedOrigins
    {
        get => _allowedOrigins;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(AllowedOrigins));
            foreach (var origin in value)
            {
                if (origin is null || !Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.PathAndQuery != "/")
                {
                    throw new ArgumentException($"'{origin}' is not an origin; expected scheme, host and optional port, such as https://dashboard.example.com.", nameof(AllowedOrigins));
                }
            }
            _allowedOrigins = [.. value.Select(origin => origin.TrimEnd('/'))];
        }
    }

    /// <summary>How long a login lasts: 1 minute to 30 days, default 12 hours.</summary>
    public TimeSpan SessionLifetime
    {
        get => _sessionLifetime;
        init => _sessionLifetime = value >= TimeSpan.FromMinutes(1) && value <= TimeSpan.FromDays(30)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(SessionLifetime), value, "Expected from 1 minute to 30 days.");
    }

    /// <summary>The options without secrets: <c>0.0.0.0:8080, credentials viewer:***, http, WebRTC, at most 16 viewers</c>.</summary>
    public override string ToString() =>
        $"{(_address.Contains(':', StringComparison.Ordinal) ? $"[{_address}]" : _address)}:{_port}, " +
        $"{(Credentials is null ? "anonymous" : $"credentials {Credentials}")}, {(_certificate is null ? "http" : "https")}, " +
        $"{(WebRtc ? "WebRTC" : "WebSocket only")}, at most {_maxViewers} viewers";

    private static bool IsServerUri(string value, string scheme) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == scheme && uri.Host.Length > 0 && uri.Port > 0;
}
