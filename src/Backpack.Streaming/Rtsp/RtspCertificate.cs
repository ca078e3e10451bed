using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Backpack.Streaming.Rtsp;

/// <summary>
/// The TLS certificate and private key an <see cref="RtspServer"/> serves <c>rtsps://</c> with
/// (<see cref="RtspServerOptions.Certificate"/>). The private key and any password never appear in
/// <see cref="ToString"/>, logs or exception messages.
/// </summary>
/// <example>
/// <code>
/// var options = new RtspServerOptions
/// {
///     Certificate = RtspCertificate.FromFile("/etc/backpack/rtsp.pfx", Environment.GetEnvironmentVariable("RTSP_PFX_PASSWORD")),
///     // or RtspCertificate.FromFile("/etc/backpack/rtsp.crt", keyPath: "/etc/backpack/rtsp.key") for PEM files
///     Credentials = new RtspCredentials("viewer", password),
/// };
/// // clients open rtsps://host:8554/stream
/// </code>
/// </example>
/// <remarks>Immutable; thread safe.</remarks>
public sealed class RtspCertificate
{
    private readonly X509Certificate2 _certificate;

    /// <summary>Uses a certificate already loaded with its private key (RSA or ECDSA, exportable).</summary>
    /// <param name="certificate">The certificate; it must hold its private key.</param>
    /// <exception cref="ArgumentException">The certificate has no private key.</exception>
    public RtspCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException(
                $"The certificate {certificate.Subject} has no private key; a TLS server needs both (load a PFX, or a PEM certificate with its key).",
                nameof(certificate));
        }
        _certificate = certificate;
    }

    /// <summary>The certificate's subject, such as <c>CN=camera.example</c>.</summary>
    public string Subject => _certificate.Subject;

    /// <summary>The SHA-1 thumbprint in hexadecimal, to compare with what a client shows.</summary>
    public string Thumbprint => _certificate.Thumbprint;

    /// <summary>The end of the certificate's validity (local time).</summary>
    public DateTime NotAfter => _certificate.NotAfter;

    /// <summary>
    /// Reads a certificate with its private key from a PKCS#12 file (<c>.pfx</c>/<c>.p12</c>, with its
    /// password) or from PEM (a <c>-----BEGIN CERTIFICATE-----</c> file holding the key too, or the key in
    /// <paramref name="keyPath"/>). The kind is told from the content, not the extension.
    /// </summary>
    /// <param name="path">The certificate file.</param>
    /// <param name="password">The PKCS#12 file's password, or null when it has none; not used for PEM.</param>
    /// <param name="keyPath">For PEM: the file of the private key (unencrypted PKCS#8, PKCS#1 or EC), or null when <paramref name="path"/> holds it.</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="ArgumentException">A file is not a certificate, the password is wrong, or there is no private key; the message names the file, never the password or the key.</exception>
    public static RtspCertificate FromFile(string path, string? password = null, string? keyPath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RequireFile(path, nameof(path));
        if (keyPath is not null)
        {
            RequireFile(keyPath, nameof(keyPath));
        }
        var isPem = File.ReadAllText(path).Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal);
        try
        {
            var certificate = isPem
                ? X509Certificate2.CreateFromPemFile(path, keyPath)
                : X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.Exportable | X509KeyStorageFlags.EphemeralKeySet);
            return new RtspCertificate(certificate);
        }
        catch (CryptographicException exception)
        {
            var expected = isPem
                ? $"a PEM certificate with its private key{(keyPath is null ? " in the same file (or give keyPath)" : $" in {keyPath}")}"
                : "a PKCS#12 (.pfx) file with its private key and the right password";
            // The library's message names the failure (bad password, no key); it never holds the secrets.
            throw new ArgumentException($"The certificate file {path} cannot be read ({exception.Message}); expected {expected}.", nameof(path), exception);
        }
    }

    /// <summary>The subject, thumbprint and expiry; never the key.</summary>
    public override string ToString() =>
        $"{Subject} (thumbprint {Thumbprint}, valid until {NotAfter:yyyy-MM-dd})";

    /// <summary>The certificate and its private key as PEM text, for GIO (the text is secret: it is never kept or logged).</summary>
    internal string ToPem()
    {
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)_certificate.GetRSAPrivateKey()
            ?? (AsymmetricAlgorithm?)_certificate.GetECDsaPrivateKey()
            ?? throw new ArgumentException($"The private key of {Subject} is neither RSA nor ECDSA; TLS here needs one of those.", nameof(RtspServerOptions.Certificate));
        try
        {
            return _certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem();
        }
        catch (CryptographicException exception)
        {
            throw new ArgumentException($"The private key of {Subject} cannot be exported for TLS ({exception.Message}); load the certificate as exportable.", nameof(RtspServerOptions.Certificate), exception);
        }
    }

    private static void RequireFile(string path, string parameterName)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The certificate file {path} ({parameterName}) does not exist.", path);
        }
    }
}
