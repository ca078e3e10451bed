using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Backpack.Aws.Tests.Iot;

/// <summary>
/// A real MQTT broker for one test class: Debian's mosquitto on a free port of localhost, speaking only TLS with a
/// server certificate from the test CA and requiring a client certificate from it; the certificate's subject becomes
/// the user name (so its log says which certificate a client connected with). Can be killed and started again on the
/// same port, as a broker that goes away would be.
/// </summary>
internal sealed class MosquittoBroker : IAsyncDisposable
{
    private const string Executable = "/usr/sbin/mosquitto";
    private readonly string _configPath;
    private readonly ConcurrentQueue<string> _log = new();
    private Process? _process;

    private MosquittoBroker(TestPki pki)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: run eng/prerequisites.sh runtime test (Debian package mosquitto).");
        }
        Port = FreePort();
        using var server = pki.IssueServerCertificate();
        var directory = Path.Combine(pki.Directory, $"mosquitto-{Port}");
        Directory.CreateDirectory(directory);
        var certificate = Path.Combine(directory, "server-cert.pem");
        var key = Path.Combine(directory, "server-key.pem");
        File.WriteAllText(certificate, server.ExportCertificatePem());
        File.WriteAllText(key, server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        _configPath = Path.Combine(directory, "mosquitto.conf");
        File.WriteAllLines(_configPath,
        [
            "per_listener_settings false",
            "allow_anonymous false",
            "persistence false",
            $"user {Environment.UserName}", // as root, mosquitto would otherwise drop to a user that cannot read the test's files
            "log_dest stdout",
            "log_type all",
            "connection_messages true",
            $"listener {Port} localhost",
            $"cafile {pki.RootCaPath}",
            $"certfile {certificate}",
            $"keyfile {key}",
            "require_certificate true",
            "use_identity_as_username true",
            "tls_version tlsv1.2",
        ]);
    }

    public int Port { get; }

    /// <summary><c>localhost:port</c>, as a client's Endpoint.</summary>
    public string Endpoint => $"localhost:{Port}";

    /// <summary>Every line mosquitto has logged, across restarts.</summary>
    public IReadOnlyList<string> Log => [.. _log];

    public static async Task<MosquittoBroker> StartAsync(TestPki pki)
    {
        var broker = new MosquittoBroker(pki);
        await broker.RestartAsync();
        return broker;
    }

    /// <summary>Starts mosquitto (again) on the same port and waits until it accepts connections.</summary>
    public async Task RestartAsync()
    {
        var start = new ProcessStartInfo(Executable, ["-c", _configPath]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var process = Process.Start(start) ?? throw new InvalidOperationException("mosquitto did not start");
        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited ({process.ExitCode}): {string.Join('\n', Log)}");
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (watch.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>Kills mosquitto, as a broker that crashes or loses its network would go: no clean disconnect.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>Waits until a log line satisfies <paramref name="condition"/>.</summary>
    public async Task<string> WaitForLogAsync(Func<string, bool> condition, string what, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (_log.FirstOrDefault(condition) is { } line)
            {
                return line;
            }
            if (watch.Elapsed > (timeout ?? TimeSpan.FromSeconds(10)))
            {
                throw new TimeoutException($"mosquitto never logged {what}; its log:\n{string.Join('\n', Log)}");
            }
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _log.Enqueue(line);
        }
    }
}
