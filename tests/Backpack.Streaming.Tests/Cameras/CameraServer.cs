using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Backpack.Streaming.Tests.Cameras;

/// <summary>
/// A real RTSP camera independent of Backpack: camera_server.py (Debian's gst-rtsp-server through python3-gi) serving
/// an H.264 clip as it is, on a port of its own. It can be killed (the camera drops without a word) and started again
/// on the same port (the camera comes back).
/// </summary>
internal sealed class CameraServer : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(20);
    private readonly string _clip;
    private readonly string? _user;
    private readonly string? _password;
    private Process? _process;

    private CameraServer(string clip, string? user, string? password)
    {
        _clip = clip;
        _user = user;
        _password = password;
        Port = FreePort();
    }

    /// <summary>The TCP port it listens on (127.0.0.1).</summary>
    internal int Port { get; }

    /// <summary>The URL of its stream, without credentials.</summary>
    internal string Url => $"rtsp://127.0.0.1:{Port}/camera";

    /// <summary>Starts a server and waits until it listens.</summary>
    internal static CameraServer Start(string clip, string? user = null, string? password = null)
    {
        var server = new CameraServer(clip, user, password);
        server.Restart();
        return server;
    }

    /// <summary>Kills the server at once (SIGKILL): its clients' connections drop, as a camera that loses power.</summary>
    internal void Kill()
    {
        if (_process is { } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5_000);
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>
    /// Freezes the server (SIGSTOP) or lets it go on (SIGCONT): its connections stay open but nothing comes, as a camera
    /// that hangs or a network that silently loses everything.
    /// </summary>
    internal void Freeze(bool frozen)
    {
        var result = Rtsp.ChildProcess.Run("kill", [frozen ? "-STOP" : "-CONT", _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
        result.ExitCode.Should().Be(0, result.ToString());
    }

    /// <summary>Starts the server (again) on the same port and waits until it listens.</summary>
    internal void Restart()
    {
        Kill();
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Cameras", "camera_server.py"), "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--mount", "/camera", "--clip", _clip })
        {
            start.ArgumentList.Add(argument);
        }
        if (_user is not null)
        {
            start.ArgumentList.Add("--user");
            start.ArgumentList.Add(_user);
            start.ArgumentList.Add("--password");
            start.ArgumentList.Add(_password ?? string.Empty);
        }
        var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var ready = process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(ReadyTimeout) || ready.Result?.StartsWith("listening", StringComparison.Ordinal) != true)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5_000);
            throw new InvalidOperationException($"camera_server.py did not listen on {Port}: {(error.Wait(5_000) ? error.Result : "no stderr")}");
        }
        // Keep reading so that a full pipe never blocks the server.
        _ = process.StandardOutput.ReadToEndAsync();
        _process = process;
    }

    public void Dispose()
    {
        if (_process is { HasExited: false } process)
        {
            // A frozen server must be let go before it can be killed and reaped.
            Rtsp.ChildProcess.Run("kill", ["-CONT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
        }
        Kill();
    }

    /// <summary>A TCP port of 127.0.0.1 nobody listens on now.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
