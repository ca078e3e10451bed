using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Backpack.Aws.Iot;

/// <summary>
/// What every client that speaks to AWS IoT as a device shares: the thing's certificate and private key read from PEM
/// files, the root CA the endpoint must chain to (custom trust, not the system store), endpoint and thing-name syntax.
/// The private key's bytes never reach an exception message: <see cref="CryptographicException"/> names the problem only.
/// </summary>
internal static partial class DeviceCertificate
{
    /// <summary>Reads the certificate with its key, refusing a key that does not match it.</summary>
    /// <exception cref="ArgumentException">A file is unreadable or not PEM, or the key does not match; names both files and <paramref name="parameter"/>.</exception>
    internal static X509Certificate2 Load(string certificatePath, string privateKeyPath, string parameter)
    {
        try
        {
            using var loaded = X509Certificate2.CreateFromPemFile(certificatePath, privateKeyPath);
            // Re-imported so the key lives in a form the TLS stack can use on every platform; the bytes stay in memory.
            return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ArgumentException(
                $"CertificatePath '{certificatePath}' and PrivateKeyPath '{privateKeyPath}' are not a usable certificate and its private key: {exception.Message} " +
                "(expected the thing's PEM certificate and the PEM private key it was created with).",
                parameter, exception);
        }
    }

    /// <summary>Reads the root CA certificates of a PEM file.</summary>
    /// <exception cref="ArgumentException">The file is unreadable or holds no certificate.</exception>
    internal static X509Certificate2Collection LoadRoots(string path, string parameter)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"RootCaPath '{path}' is not readable PEM certificates: {exception.Message}", parameter, exception);
        }
        if (roots.Count == 0)
        {
            throw new ArgumentException($"RootCaPath '{path}' holds no PEM certificate (expected one such as AmazonRootCA1.pem).", parameter);
        }
        return roots;
    }

    /// <summary>
    /// Whether the server's certificate is acceptable: with <paramref name="roots"/>, it must chain to one of them (and
    /// match the host name); without, the system's verdict stands.
    /// </summary>
    internal static bool ValidateServer(X509Certificate2Collection? roots, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (roots is null || certificate is null)
        {
            return errors == SslPolicyErrors.None;
        }
        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false; // a name mismatch or no certificate: never acceptable
        }
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        using var server = new X509Certificate2(certificate);
        return custom.Build(server);
    }

    /// <summary>Splits <c>host</c> or <c>host:port</c> (no scheme, no path); <paramref name="port"/> is <paramref name="defaultPort"/> without one.</summary>
    internal static bool TryParseEndpoint(string endpoint, int defaultPort, out string host, out int port)
    {
        host = string.Empty;
        port = defaultPort;
        if (endpoint.Contains("://", StringComparison.Ordinal) || endpoint.Contains('/', StringComparison.Ordinal))
        {
            return false;
        }
        var colon = endpoint.LastIndexOf(':');
        var hostPart = colon < 0 ? endpoint : endpoint[..colon];
        if (colon >= 0 && (!int.TryParse(endpoint.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            return false;
        }
        if (Uri.CheckHostName(hostPart) is UriHostNameType.Unknown or UriHostNameType.Basic)
        {
            return false;
        }
        host = hostPart;
        return true;
    }

    /// <summary>Whether <paramref name="name"/> is an IoT thing name: 1 to 128 letters, digits and <c>:_-</c>.</summary>
    internal static bool IsThingName(string? name) => ThingNamePattern().IsMatch(name ?? string.Empty);

    /// <summary>Adds a problem when a required path is missing or a given path is not a file.</summary>
    internal static void CheckFile(List<string> problems, string setting, string? path, bool required)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            if (required)
            {
                problems.Add($"{setting} is required: the path of a PEM file.");
            }
            return;
        }
        if (!File.Exists(path))
        {
            problems.Add($"{setting} '{path}' does not exist or is not a file.");
        }
    }

    [GeneratedRegex(@"^[a-zA-Z0-9:_-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex ThingNamePattern();
}
