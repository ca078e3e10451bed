using System.Text.RegularExpressions;

namespace Backpack.Aws.Iot;

/// <summary>
/// Where and as whom <see cref="IotCredentialsProvider"/> asks the AWS IoT credentials provider for temporary AWS
/// credentials: the device's X.509 certificate and private key, the credentials endpoint, the role alias and the thing.
/// </summary>
/// <remarks>Validated when the provider is created; every problem is listed at once.</remarks>
public sealed partial record IotCredentialsProviderOptions
{
    /// <summary>Default port of the credentials endpoint.</summary>
    public const int DefaultPort = 443;

    /// <summary>
    /// The account's credentials endpoint, a host or <c>host:port</c> without a scheme, such as
    /// <c>c2abcdefgh1234.credentials.iot.eu-west-1.amazonaws.com</c> (<see cref="IotClient.DescribeEndpointAsync"/> with
    /// <see cref="IotClient.CredentialProviderEndpointType"/> finds it where AWS credentials exist). Required.
    /// </summary>
    public string CredentialsEndpoint { get; init; } = string.Empty;

    /// <summary>The role alias whose role the credentials are for (1–128 characters: letters, digits, <c>=,@-_</c>). Required.</summary>
    public string RoleAlias { get; init; } = string.Empty;

    /// <summary>
    /// The IoT thing the certificate is attached to, sent as <c>x-amzn-iot-thingname</c> (1–128 characters: letters,
    /// digits, <c>:_-</c>). Required: IAM policies name resources after it (<c>${credentials-iot:ThingName}</c>).
    /// </summary>
    public string ThingName { get; init; } = string.Empty;

    /// <summary>The device's X.509 certificate, a PEM file. Required.</summary>
    public string CertificatePath { get; init; } = string.Empty;

    /// <summary>The certificate's private key, a PEM file (RSA or EC, PKCS#1, SEC1 or PKCS#8, unencrypted). Required.</summary>
    public string PrivateKeyPath { get; init; } = string.Empty;

    /// <summary>
    /// The root CA certificates (PEM) the endpoint's certificate must chain to, such as <c>AmazonRootCA1.pem</c>; null
    /// trusts the system's CA store.
    /// </summary>
    public string? RootCaPath { get; init; }

    /// <summary>How long one request may take, connecting and the TLS handshake included. Default 5 s; 1 s to 5 min.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Every problem with these options, each naming the setting and what was expected; empty when they are usable.</summary>
    internal IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(CredentialsEndpoint))
        {
            problems.Add("CredentialsEndpoint is required: the host of the account's AWS IoT credentials endpoint, such as xxxx.credentials.iot.eu-west-1.amazonaws.com.");
        }
        else if (!DeviceCertificate.TryParseEndpoint(CredentialsEndpoint, DefaultPort, out _, out _))
        {
            problems.Add($"CredentialsEndpoint '{CredentialsEndpoint}' is not a host or host:port (no scheme, no path), such as xxxx.credentials.iot.eu-west-1.amazonaws.com.");
        }
        if (!RoleAliasPattern().IsMatch(RoleAlias ?? string.Empty))
        {
            problems.Add($"RoleAlias '{RoleAlias}' is not a role alias: 1 to 128 letters, digits and =,@-_.");
        }
        if (!DeviceCertificate.IsThingName(ThingName))
        {
            problems.Add($"ThingName '{ThingName}' is not an IoT thing name: 1 to 128 letters, digits and :_-.");
        }
        DeviceCertificate.CheckFile(problems, nameof(CertificatePath), CertificatePath, required: true);
        DeviceCertificate.CheckFile(problems, nameof(PrivateKeyPath), PrivateKeyPath, required: true);
        DeviceCertificate.CheckFile(problems, nameof(RootCaPath), RootCaPath, required: false);
        if (RequestTimeout < TimeSpan.FromSeconds(1) || RequestTimeout > TimeSpan.FromMinutes(5))
        {
            problems.Add($"RequestTimeout {RequestTimeout} is outside 1 s to 5 min.");
        }
        return problems;
    }

    [GeneratedRegex(@"^[a-zA-Z0-9_=,@-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex RoleAliasPattern();
}
