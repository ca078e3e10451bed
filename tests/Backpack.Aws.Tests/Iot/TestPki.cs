using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Backpack.Aws.Tests.Iot;

/// <summary>
/// A certificate authority made for one test: it signs the endpoint's server certificate (for <c>localhost</c> and
/// 127.0.0.1) and device certificates, and writes PEM files to a private temporary directory, deleted at disposal.
/// </summary>
internal sealed class TestPki : IDisposable
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestPki(string name = "Backpack Test Root CA")
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("backpack-pki-").FullName;
        var request = new CertificateRequest($"CN={name}", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        RootCaPath = Path.Combine(Directory, "root-ca.pem");
        File.WriteAllText(RootCaPath, Authority.ExportCertificatePem());
    }

    public string Directory { get; }

    /// <summary>The CA certificate (with its key).</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The CA certificate as a PEM file.</summary>
    public string RootCaPath { get; }

    /// <summary>A TLS server certificate for localhost and 127.0.0.1, with its private key.</summary>
    public X509Certificate2 IssueServerCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return Sign(request, key);
    }

    /// <summary>A device certificate and its key, written as <c>{name}-cert.pem</c> and <c>{name}-private.key</c>.</summary>
    public DeviceFiles IssueDevice(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=AWS IoT Certificate {name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var certificate = Sign(request, key);
        var files = new DeviceFiles(Path.Combine(Directory, $"{name}-cert.pem"), Path.Combine(Directory, $"{name}-private.key"), certificate);
        File.WriteAllText(files.CertificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(files.PrivateKeyPath, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(files.PrivateKeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return files;
    }

    /// <summary>Whether <paramref name="certificate"/> was issued by this authority.</summary>
    public bool Issued(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        _caKey.Dispose();
        Authority.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private X509Certificate2 Sign(CertificateRequest request, AsymmetricAlgorithm key)
    {
        var serial = RandomNumberGenerator.GetBytes(12);
        using var signed = request.Create(Authority.SubjectName, X509SignatureGenerator.CreateForECDsa(_caKey), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), serial);
        using var withKey = key switch
        {
            RSA rsa => signed.CopyWithPrivateKey(rsa),
            ECDsa ecdsa => signed.CopyWithPrivateKey(ecdsa),
            _ => throw new ArgumentException("RSA or ECDsa", nameof(key)),
        };
        // Through PKCS#12 so the key is one the TLS stack can use as a server's.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}

/// <summary>A device's certificate and private key files.</summary>
internal sealed record DeviceFiles(string CertificatePath, string PrivateKeyPath, X509Certificate2 Certificate);
