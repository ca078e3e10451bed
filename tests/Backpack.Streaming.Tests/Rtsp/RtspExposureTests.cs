using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Backpack.Streaming.Rtsp;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Tests.Rtsp;

/// <summary>Who reaches the server: the client limit, the warning about anonymous access, and RTSP over TLS.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RtspExposureTests
{
    private const string Password = "pfx-Secr3t-pass";

    [Fact]
    public void A_client_beyond_max_clients_gets_503_at_once_and_the_others_are_served()
    {
        using var live = new LiveStream(new RtspServerOptions { Port = 0, Address = "127.0.0.1", MaxClients = 2 });
        var stream = live.Add("/camera");
        live.Started();
        using var first = RtspClients.StartFfprobe(live.Url("/camera"), "tcp", 30);
        using var second = RtspClients.StartFfprobe(live.Url("/camera"), "udp", 30);
        SpinWait.SpinUntil(() => stream.ClientCount == 2, TimeSpan.FromSeconds(20)).Should().BeTrue();

        var third = RtspClients.Ffprobe(live.Url("/camera"), "tcp", 1);

        third.Frames.Should().Be(0);
        third.Process.Error.Should().Contain("503", third.Process.ToString());
        third.Process.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "the refusal comes at once");
        live.Server.RefusedClients.Should().Be(1);
        stream.ClientCount.Should().Be(2, "the refused client never reached the stream");
        live.Logs.Entries.Should().Contain(entry => entry.Level == LogLevel.Warning && entry.Message.Contains("MaxClients", StringComparison.Ordinal));
        first.HasExited.Should().BeFalse("the accepted clients still watch");

        first.Dispose();
        SpinWait.SpinUntil(() => live.Server.ClientCount == 1, TimeSpan.FromSeconds(20)).Should().BeTrue();
        // A 3 s window: under load, the freed place is ready at once but the first decoded frame can take over 1 s.
        RtspClients.Ffprobe(live.Url("/camera"), "tcp", 3).Frames.Should().BeGreaterThan(0, "a place is free again");
    }

    [Theory]
    [InlineData("0.0.0.0", true)]
    [InlineData("127.0.0.1", false)]
    public void Anonymous_access_on_an_address_other_than_loopback_is_warned_about_at_start_naming_the_address(string address, bool warned)
    {
        var logs = new CapturingLogger();
        using var server = new RtspServer(new RtspServerOptions { Port = 0, Address = address }, logs);

        server.Start();

        var warnings = logs.Entries.Where(entry => entry.Level == LogLevel.Warning && entry.Message.Contains("without a password", StringComparison.Ordinal)).ToList();
        if (warned)
        {
            warnings.Should().ContainSingle().Which.Message.Should().Contain($"{address}:{server.Port}");
        }
        else
        {
            warnings.Should().BeEmpty();
        }
    }

    [Fact]
    public void With_credentials_and_default_options_a_digest_client_is_served()
    {
        var options = new RtspServerOptions { Port = 0, Address = "127.0.0.1", Credentials = new RtspCredentials("viewer", "d1gest-only") };
        using var live = new LiveStream(options);
        live.Add("/camera");
        live.Started();

        // ffprobe answers whichever scheme the server offers; rtspsrc with credentials too.
        var decoded = RtspClients.Ffprobe(live.Url("/camera", "viewer", "d1gest-only"), "tcp", 1);

        decoded.Frames.Should().BeGreaterThan(0, decoded.Process.ToString());
        options.AuthenticationMethods.Should().Be(RtspAuthenticationMethods.Digest);
        live.Logs.Entries.Should().NotContain(entry => entry.Level == LogLevel.Warning && entry.Message.Contains("Basic", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("pfx")]
    [InlineData("pem")]
    public void With_a_certificate_ffprobe_is_served_over_rtsps_and_no_secret_shows(string kind)
    {
        using var files = new TemporaryCertificate(kind);
        var certificate = RtspCertificate.FromFile(files.CertificatePath, kind == "pfx" ? Password : null, files.KeyPath);
        var options = new RtspServerOptions { Port = 0, Address = "127.0.0.1", Certificate = certificate };
        using var live = new LiveStream(options);
        live.Add("/camera");
        live.Started();
        var url = new Uri($"rtsps://127.0.0.1:{live.Server.Port}/camera");

        var decoded = RtspClients.Ffprobe(url, "tcp", 1.5);

        decoded.Frames.Should().BeGreaterThan(0, "ffprobe (which does not verify the self-signed certificate) decodes over TLS: " + decoded.Process);
        PlainAnswer(live.Server.Port).Should().NotStartWith("RTSP/1.0", "plain RTSP is not served once TLS is on");
        live.Server.Streams[0].Url.Scheme.Should().Be("rtsps");
        var texts = new[] { certificate.ToString(), options.ToString(), live.Server.ToString(), live.LogText };
        texts.Should().NotContain(text => text.Contains(Password, StringComparison.Ordinal) || text.Contains("PRIVATE KEY", StringComparison.Ordinal));
    }

    [Fact]
    public void A_pfx_with_a_wrong_password_or_a_certificate_without_key_is_refused_naming_the_file_but_never_the_password()
    {
        using var files = new TemporaryCertificate("pfx");
        using var publicOnly = X509CertificateLoader.LoadCertificate(X509CertificateLoader.LoadPkcs12FromFile(files.CertificatePath, Password).Export(X509ContentType.Cert));

        var wrong = () => RtspCertificate.FromFile(files.CertificatePath, "not-the-" + Password);
        var keyless = () => new RtspCertificate(publicOnly);
        var missing = () => RtspCertificate.FromFile(files.CertificatePath + ".missing");

        wrong.Should().Throw<ArgumentException>().Which.Message.Should().Contain(files.CertificatePath).And.NotContain(Password);
        keyless.Should().Throw<ArgumentException>().WithMessage("*no private key*");
        missing.Should().Throw<FileNotFoundException>().WithMessage("*does not exist*");
    }

    /// <summary>What the server answers (within 5 s) to a plain-text OPTIONS request: nothing, or TLS bytes.</summary>
    private static string PlainAnswer(int port)
    {
        using var client = new System.Net.Sockets.TcpClient();
        client.Connect(System.Net.IPAddress.Loopback, port);
        using var stream = client.GetStream();
        stream.ReadTimeout = 5_000;
        stream.Write(System.Text.Encoding.ASCII.GetBytes($"OPTIONS rtsp://127.0.0.1:{port}/camera RTSP/1.0\r\nCSeq: 1\r\n\r\n"));
        var buffer = new byte[64];
        try
        {
            var read = stream.Read(buffer);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    /// <summary>A self-signed certificate for 127.0.0.1 written to owner-only files: a PFX with <see cref="Password"/>, or PEM certificate and key.</summary>
    private sealed class TemporaryCertificate : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("backpack-rtsps-").FullName;

        internal TemporaryCertificate(string kind)
        {
            File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            if (kind == "pfx")
            {
                CertificatePath = Write("server.pfx", certificate.Export(X509ContentType.Pfx, Password));
            }
            else
            {
                CertificatePath = Write("server.crt", System.Text.Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()));
                KeyPath = Write("server.key", System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
            }
        }

        internal string CertificatePath { get; }

        internal string? KeyPath { get; }

        public void Dispose() => Directory.Delete(_directory, recursive: true);

        private string Write(string name, byte[] content)
        {
            var path = Path.Combine(_directory, name);
            using (var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                file.Write(content);
            }
            return path;
        }
    }
}
