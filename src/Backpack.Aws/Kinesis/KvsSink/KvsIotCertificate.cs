using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Backpack.Aws.Kinesis.KvsSink;

/// <summary>
/// kvssink's <c>iot-certificate</c> property: the device's X.509 certificate with which kvssink gets temporary
/// credentials from the AWS IoT credentials provider, so no AWS keys live on the device. Immutable, with value equality.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="ToStructureString"/> writes the GstStructure kvssink parses:
/// <c>iot-certificate,endpoint=(string)…,cert-path=(string)…,key-path=(string)…,ca-path=(string)…,role-aliases=(string)…</c>
/// and, when set, <c>iot-thing-name</c>, <c>connection-timeout</c> and <c>completion-timeout</c>. Every value is
/// string-typed: kvssink refuses any other type, and GStreamer reads a bare <c>10</c> as an integer. Values with
/// characters other than letters, digits and <c>_ - + / : .</c> are quoted and escaped.
/// </para>
/// <para>
/// Only paths go into it: kvssink reads the certificate, the private key and the CA bundle from those files when
/// its pipeline starts (they are not checked here). The thing name defaults to kvssink's stream name, which the
/// usual IAM policy (<c>${credentials-iot:ThingName}</c>) ties to the stream. When
/// <see cref="KvsSinkDescriptionBuilder.IotCertificate"/> is set, kvssink uses it and no other credentials.
/// </para>
/// <example>
/// <code>
/// var iot = new KvsIotCertificate("c1abcd2ef3gh.credentials.iot.eu-west-1.amazonaws.com",
///     "certs/cam-1-cert.pem", "certs/cam-1-private.key", "certs/root-ca.pem", "BackpackRole");
/// var kvssink = new KvsSinkDescriptionBuilder("cam-1", "eu-west-1") { IotCertificate = iot, StorageSizeMegabytes = 64 }.Build();
/// </code>
/// </example>
/// </remarks>
public sealed partial record KvsIotCertificate
{
    /// <summary>The structure's name, as kvssink's documentation writes it.</summary>
    public const string StructureName = "iot-certificate";

    private readonly string? _thingName;
    private readonly TimeSpan? _connectionTimeout;
    private readonly TimeSpan? _completionTimeout;

    /// <summary>Describes the certificate kvssink authenticates with.</summary>
    /// <param name="endpoint">
    /// The AWS IoT credentials endpoint of the account, a host or <c>host:port</c> without a scheme, e.g.
    /// <c>c1abcd2ef3gh.credentials.iot.eu-west-1.amazonaws.com</c> (<c>aws iot describe-endpoint --endpoint-type iot:CredentialProvider</c>).
    /// </param>
    /// <param name="certificatePath">The device certificate, a PEM file (<c>cert-path</c>).</param>
    /// <param name="privateKeyPath">The certificate's private key, a PEM file (<c>key-path</c>); a path, never the key itself.</param>
    /// <param name="caPath">The CA bundle that verifies the endpoint, e.g. Amazon Root CA 1 (<c>ca-path</c>).</param>
    /// <param name="roleAlias">The IoT role alias whose role kvssink assumes (<c>role-aliases</c>): 1 to 128 letters, digits and <c>_ = , @ -</c>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">An argument is empty, has a control character, or is not of the form described.</exception>
    public KvsIotCertificate(string endpoint, string certificatePath, string privateKeyPath, string caPath, string roleAlias)
    {
        GstSyntax.RequireText(endpoint, nameof(endpoint), "IoT credentials endpoint");
        if (endpoint.Contains("://", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The IoT credentials endpoint '{endpoint}' has a scheme; kvssink expects a host or host:port such as xxxx.credentials.iot.eu-west-1.amazonaws.com.", nameof(endpoint));
        }
        if (!EndpointPattern().IsMatch(endpoint) ||
            (endpoint.LastIndexOf(':') is var colon and >= 0 && int.Parse(endpoint.AsSpan(colon + 1), CultureInfo.InvariantCulture) is < 1 or > 65535))
        {
            throw new ArgumentException(
                $"The IoT credentials endpoint '{endpoint}' is not a host or host:port; expected something like xxxx.credentials.iot.eu-west-1.amazonaws.com.", nameof(endpoint));
        }
        GstSyntax.RequireText(certificatePath, nameof(certificatePath), "certificate path");
        GstSyntax.RequireText(privateKeyPath, nameof(privateKeyPath), "private key path");
        if (privateKeyPath.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            throw new ArgumentException("The private key path holds PEM text; kvssink takes the path of the key file, not the key.", nameof(privateKeyPath));
        }
        GstSyntax.RequireText(caPath, nameof(caPath), "CA path");
        GstSyntax.RequireText(roleAlias, nameof(roleAlias), "role alias");
        if (!RoleAliasPattern().IsMatch(roleAlias))
        {
            throw new ArgumentException(
                $"The role alias '{roleAlias}' is not an AWS IoT role alias: 1 to 128 letters, digits and '_', '=', ',', '@', '-'.", nameof(roleAlias));
        }
        Endpoint = endpoint;
        CertificatePath = certificatePath;
        PrivateKeyPath = privateKeyPath;
        CaPath = caPath;
        RoleAlias = roleAlias;
    }

    /// <summary>The AWS IoT credentials endpoint (<c>endpoint</c>).</summary>
    public string Endpoint { get; }

    /// <summary>The device certificate's path (<c>cert-path</c>).</summary>
    public string CertificatePath { get; }

    /// <summary>The private key's path (<c>key-path</c>).</summary>
    public string PrivateKeyPath { get; }

    /// <summary>The CA bundle's path (<c>ca-path</c>).</summary>
    public string CaPath { get; }

    /// <summary>The IoT role alias (<c>role-aliases</c>).</summary>
    public string RoleAlias { get; }

    /// <summary>
    /// The IoT thing the certificate is attached to (<c>iot-thing-name</c>), sent as <c>x-amzn-iot-thingname</c>:
    /// 1 to 128 letters, digits and <c>: _ -</c>. <see langword="null"/> (default): kvssink uses its stream name.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or not an IoT thing name.</exception>
    public string? ThingName
    {
        get => _thingName;
        init
        {
            if (value is not null && !ThingNamePattern().IsMatch(value))
            {
                throw new ArgumentException($"The thing name '{value}' is not an AWS IoT thing name: 1 to 128 letters, digits and ':', '_', '-'.", nameof(ThingName));
            }
            _thingName = value;
        }
    }

    /// <summary>
    /// How long kvssink waits to connect to the credentials endpoint (<c>connection-timeout</c>): whole seconds,
    /// 1 s to 1 h. <see langword="null"/> (default): kvssink's 3 s.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not whole seconds, or outside 1 s to 1 h.</exception>
    public TimeSpan? ConnectionTimeout
    {
        get => _connectionTimeout;
        init => _connectionTimeout = CheckTimeout(value, nameof(ConnectionTimeout));
    }

    /// <summary>
    /// How long one credentials request may take in all (<c>completion-timeout</c>): whole seconds, 1 s to 1 h.
    /// <see langword="null"/> (default): kvssink's 5 s.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not whole seconds, or outside 1 s to 1 h.</exception>
    public TimeSpan? CompletionTimeout
    {
        get => _completionTimeout;
        init => _completionTimeout = CheckTimeout(value, nameof(CompletionTimeout));
    }

    /// <summary>
    /// The structure string, e.g.
    /// <c>iot-certificate,endpoint=(string)x.credentials.iot.eu-west-1.amazonaws.com,cert-path=(string)certs/cam-1-cert.pem,key-path=(string)certs/cam-1-private.key,ca-path=(string)certs/root-ca.pem,role-aliases=(string)BackpackRole</c>.
    /// In a gst-launch description it is the quoted value of <c>iot-certificate=</c>, which
    /// <see cref="KvsSinkDescriptionBuilder"/> writes.
    /// </summary>
    public string ToStructureString()
    {
        var text = new StringBuilder(StructureName);
        Field(text, "endpoint", Endpoint);
        Field(text, "cert-path", CertificatePath);
        Field(text, "key-path", PrivateKeyPath);
        Field(text, "ca-path", CaPath);
        Field(text, "role-aliases", RoleAlias);
        if (ThingName is not null)
        {
            Field(text, "iot-thing-name", ThingName);
        }
        if (ConnectionTimeout is { } connection)
        {
            Field(text, "connection-timeout", ((long)connection.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        }
        if (CompletionTimeout is { } completion)
        {
            Field(text, "completion-timeout", ((long)completion.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary>The structure string; it holds paths and names, no secret.</summary>
    public override string ToString() => ToStructureString();

    private static void Field(StringBuilder text, string name, string value) =>
        text.Append(',').Append(name).Append('=').Append(GstSyntax.StructureStringValue(value));

    private static TimeSpan? CheckTimeout(TimeSpan? value, string name)
    {
        if (value is { } timeout && (timeout < TimeSpan.FromSeconds(1) || timeout > TimeSpan.FromHours(1) || timeout.Ticks % TimeSpan.TicksPerSecond != 0))
        {
            throw new ArgumentOutOfRangeException(name, timeout, "kvssink takes IoT timeouts in whole seconds, 1 s to 1 h.");
        }
        return value;
    }

    // A DNS name (labels of letters, digits and '-') with an optional port.
    [GeneratedRegex(@"^(?=.{1,253}(:|$))[A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)*(:[0-9]{1,5})?$", RegexOptions.CultureInvariant)]
    private static partial Regex EndpointPattern();

    // botocore iot RoleAlias: [\w=,@-]+, 1 to 128.
    [GeneratedRegex(@"^[A-Za-z0-9_=,@\-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex RoleAliasPattern();

    // botocore iot ThingName: [a-zA-Z0-9:_-]+, 1 to 128.
    [GeneratedRegex(@"^[A-Za-z0-9:_\-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex ThingNamePattern();
}
