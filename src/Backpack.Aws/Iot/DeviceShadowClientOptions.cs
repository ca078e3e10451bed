using System.Text.RegularExpressions;

namespace Backpack.Aws.Iot;

/// <summary>
/// Where and as whom <see cref="DeviceShadowClient"/> connects to AWS IoT Core over MQTT: the account's data endpoint,
/// the thing and its X.509 certificate (the same files as <see cref="IotCredentialsProviderOptions"/>), which shadows
/// carry <c>desired.streaming</c>, and how hard to try after a lost connection.
/// </summary>
/// <remarks>Validated when the client is created; every problem is listed at once.</remarks>
public sealed partial record DeviceShadowClientOptions
{
    /// <summary>Default port: MQTT over TLS with an X.509 client certificate.</summary>
    public const int DefaultPort = 8883;

    /// <summary>
    /// The account's MQTT data endpoint, a host or <c>host:port</c> without a scheme, such as
    /// <c>a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com</c> (<see cref="IotClient.DescribeEndpointAsync"/> with
    /// <see cref="IotClient.DataAtsEndpointType"/>). Port <see cref="DefaultPort"/> unless given; on 443 the client
    /// offers the ALPN protocol <c>x-amzn-mqtt-ca</c> AWS IoT requires there. Required.
    /// </summary>
    public string Endpoint { get; init; } = string.Empty;

    /// <summary>The IoT thing whose shadow (or named shadows) the client follows (1–128 letters, digits and <c>:_-</c>). Required.</summary>
    public string ThingName { get; init; } = string.Empty;

    /// <summary>
    /// The MQTT client id; null uses <see cref="ThingName"/>, which lets the IoT policy say
    /// <c>client/${iot:Connection.Thing.ThingName}</c>. AWS IoT drops an older connection with the same id, so two
    /// processes must not share one. 1–128 characters, no <c>+ # /</c>.
    /// </summary>
    public string? ClientId { get; init; }

    /// <summary>
    /// The named shadows to follow on this thing, one per camera when one device thing owns all cameras
    /// (<c>$aws/things/{thing}/shadow/name/{name}/…</c>); empty (the default) follows the thing's classic shadow
    /// (<c>$aws/things/{thing}/shadow/…</c>). Names: 1–64 letters, digits and <c>:_-</c>, each once.
    /// </summary>
    public IReadOnlyList<string> ShadowNames { get; init; } = [];

    /// <summary>The thing's X.509 certificate, a PEM file. Required.</summary>
    public string CertificatePath { get; init; } = string.Empty;

    /// <summary>The certificate's private key, a PEM file (RSA or EC, unencrypted). Required.</summary>
    public string PrivateKeyPath { get; init; } = string.Empty;

    /// <summary>
    /// The root CA certificates (PEM) the broker's certificate must chain to, such as <c>AmazonRootCA1.pem</c>; null
    /// trusts the system's CA store.
    /// </summary>
    public string? RootCaPath { get; init; }

    /// <summary>
    /// The MQTT keep-alive: how long the connection may be silent before a ping, and so about how soon a dead broker
    /// is noticed (1.5 times this at most). Default 60 s; 1 s to 1200 s (AWS IoT raises values under 30 s to 30 s).
    /// </summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long connecting may take (TCP, TLS and CONNACK). Default 10 s; 1 s to 2 min.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before the first retry after a failed or lost connection; it doubles with every failure. Default 1 s; 10 ms to 1 min.</summary>
    public TimeSpan MinReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two connection attempts. Default 60 s; at least <see cref="MinReconnectDelay"/>, at most 1 h.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The client id used: <see cref="ClientId"/> or, without one, <see cref="ThingName"/>.</summary>
    internal string EffectiveClientId => string.IsNullOrEmpty(ClientId) ? ThingName : ClientId;

    /// <summary>Every problem with these options, each naming the setting and what was expected; empty when they are usable.</summary>
    internal IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Endpoint))
        {
            problems.Add("Endpoint is required: the host of the account's AWS IoT data endpoint (iot:Data-ATS), such as xxxx-ats.iot.eu-west-1.amazonaws.com.");
        }
        else if (!DeviceCertificate.TryParseEndpoint(Endpoint, DefaultPort, out _, out _))
        {
            problems.Add($"Endpoint '{Endpoint}' is not a host or host:port (no scheme, no path), such as xxxx-ats.iot.eu-west-1.amazonaws.com:8883.");
        }
        if (!DeviceCertificate.IsThingName(ThingName))
        {
            problems.Add($"ThingName '{ThingName}' is not an IoT thing name: 1 to 128 letters, digits and :_-.");
        }
        if (ClientId is not null && (ClientId.Length is 0 or > 128 || ClientId.AsSpan().IndexOfAny("+#/") >= 0 || string.IsNullOrWhiteSpace(ClientId)))
        {
            problems.Add($"ClientId '{ClientId}' is not an MQTT client id for AWS IoT: 1 to 128 characters without + # /; or null for the thing name.");
        }
        var names = ShadowNames ?? [];
        foreach (var name in names)
        {
            if (!ShadowNamePattern().IsMatch(name ?? string.Empty))
            {
                problems.Add($"ShadowNames entry '{name}' is not a shadow name: 1 to 64 letters, digits and :_-.");
            }
        }
        foreach (var twice in names.Where(name => name is not null).GroupBy(name => name, StringComparer.Ordinal).Where(group => group.Count() > 1))
        {
            problems.Add($"ShadowNames lists '{twice.Key}' {twice.Count()} times; each shadow once.");
        }
        DeviceCertificate.CheckFile(problems, nameof(CertificatePath), CertificatePath, required: true);
        DeviceCertificate.CheckFile(problems, nameof(PrivateKeyPath), PrivateKeyPath, required: true);
        DeviceCertificate.CheckFile(problems, nameof(RootCaPath), RootCaPath, required: false);
        Within(problems, nameof(KeepAlive), KeepAlive, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1200), "1 s to 1200 s");
        Within(problems, nameof(ConnectTimeout), ConnectTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2), "1 s to 2 min");
        Within(problems, nameof(MinReconnectDelay), MinReconnectDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1), "10 ms to 1 min");
        Within(problems, nameof(MaxReconnectDelay), MaxReconnectDelay, MinReconnectDelay, TimeSpan.FromHours(1), "MinReconnectDelay to 1 h");
        return problems;
    }

    private static void Within(List<string> problems, string setting, TimeSpan value, TimeSpan min, TimeSpan max, string range)
    {
        if (value < min || value > max)
        {
            problems.Add($"{setting} {value} is outside {range}.");
        }
    }

    [GeneratedRegex(@"^[a-zA-Z0-9:_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex ShadowNamePattern();
}
