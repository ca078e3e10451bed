using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Backpack.Streaming.SkyLines;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Rtsp;

/// <summary>
/// An RTSP server inside the application (gst-rtsp-server) that serves any number of
/// <see cref="RtspSkyLine"/> streams, each at its own path: <c>rtsp://HOST:8554/PATH</c> in VLC, ffplay
/// or any RTSP client.
/// </summary>
/// <remarks>
/// <para>
/// Each stream is encoded once, whatever the number of clients, and only while somebody watches: with no
/// client its SkyLine takes frames without encoding them. A client that joins gets a key frame at once.
/// Encoded frames reach the RTSP media in the process; nothing goes through local UDP ports.
/// </para>
/// <para>
/// The server listens on a GLib main loop of its own thread, from <see cref="Start"/> to <see cref="Stop"/>,
/// and serves each client on a thread of its own, so that no stream holds up the clients of another (a
/// client of a stream that has no frame yet waits for the first one, up to 20 s, then is refused with
/// 503 Service Unavailable). Streams may be added and removed before or after <see cref="Start"/>; a stream
/// is served while its SkyLine is streaming. With <see cref="RtspServerOptions.Credentials"/>, clients
/// without them are refused.
/// </para>
/// <para>Thread safe.</para>
/// </remarks>
/// <example>
/// <code>
/// using var server = new RtspServer(new RtspServerOptions { Port = 8554 });
/// var skyLine = server.AddStream("/my_awesome_stream");
/// skyLine.StartStreaming(fps: 30, width: 1280, height: 720);
/// server.Start();
/// Console.WriteLine(skyLine.Url);             // rtsp://192.168.0.100:8554/my_awesome_stream
/// while (running)
/// {
///     skyLine.Put(frame);                      // returns at once; encoded only while somebody watches
/// }
/// </code>
/// </example>
public sealed partial class RtspServer : IDisposable, IAsyncDisposable
{
    /// <summary>The port RTSP servers usually listen on.</summary>
    public const int DefaultPort = 8554;

    /// <summary>gst_rtsp_thread_pool_set_max_threads: a thread per client, however many.</summary>
    private const int UnlimitedClientThreads = -1;

    private static readonly TimeSpan SessionCleanupInterval = TimeSpan.FromSeconds(2);

    /// <summary>How long an ended stream waits for its media to send RTCP BYE before its clients are disconnected anyway.</summary>
    private static readonly TimeSpan ByeTimeout = TimeSpan.FromSeconds(2);

    // _lifecycle serialises Start, Stop and Dispose, which wait for the loop thread; _gate guards the fields
    // and is only ever held briefly, never while waiting, because the loop thread's callbacks take it too.
    private readonly Lock _lifecycle = new();
    // Serialises StopAsync with itself and DisposeAsync without holding _lifecycle across an await.
    private readonly SemaphoreSlim _lifecycleAsync = new(1, 1);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RtspSkyLine> _streams = new(StringComparer.Ordinal);
    private readonly GObjectHandle _server;
    private readonly GObjectHandle _mountPoints;
    private readonly GObjectHandle _sessionPool;
    private readonly GObjectHandle _threadPool;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private MainLoopThread? _loop;
    private nint _listener;
    private IDisposable? _sessionCleanup;
    private int _boundPort;
    private int _clientCount;
    private long _clientRegistrations;
    private long _refusedClients;
    private bool _disposed;

    /// <summary>Prepares a server listening on <paramref name="port"/> of every interface, without authentication (the original's behaviour).</summary>
    /// <param name="port">The TCP port: 1 to 65535, or 0 for any free port.</param>
    /// <param name="loggerFactory">Where logs go; null for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">The port is out of range.</exception>
    /// <exception cref="Runtime.GStreamerUnavailableException">GStreamer or the RTSP server library is missing; the message names the Debian package.</exception>
    public RtspServer(int port, ILoggerFactory? loggerFactory = null)
        : this(new RtspServerOptions { Port = port }, loggerFactory)
    {
    }

    /// <summary>Prepares a server. Nothing listens until <see cref="Start"/>.</summary>
    /// <param name="options">Port, address, credentials, transports; null for the defaults (port 8554, every interface, no authentication).</param>
    /// <param name="loggerFactory">Where logs go; null for none.</param>
    /// <exception cref="Runtime.GStreamerUnavailableException">GStreamer, the RTSP server library or an element the streams need is missing; the message names the Debian package.</exception>
    public RtspServer(RtspServerOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        Options = options ?? new RtspServerOptions();
        _loggerFactory = ContainedLoggerFactory.Wrap(loggerFactory);
        _logger = _loggerFactory.CreateLogger<RtspServer>();
        GStreamerRuntime.EnsureInitialized();
        RequireRtspServerLibrary();
        GStreamerRuntime.RequireElements(["appsrc", "rtph264pay", "h264parse", "appsink"], "The RTSP server");

        GLibMessages.EnsureInstalled();
        // The certificate is read before anything native is made, so that a bad one leaves nothing behind.
        var pem = Options.Certificate?.ToPem();
        _server = GObjectHandle.TakeOwnership(GstRtspServer.ServerNew());
        using (_server.Lease(out var server))
        {
            GstRtspServer.ServerSetAddress(server, Options.Address);
            GstRtspServer.ServerSetService(server, Options.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _mountPoints = GObjectHandle.TakeOwnership(GstRtspServer.ServerGetMountPoints(server));
            _sessionPool = GObjectHandle.TakeOwnership(GstRtspServer.ServerGetSessionPool(server));
            // Each client is served on a thread of its own from the library's pool (-1: no limit), not on the loop
            // thread: a request for a stream waits until the stream's media has its first frame (the library gives
            // up after 20 s), and no other client may wait behind it. A bounded pool would share threads between
            // clients, round robin, and bring the wait back. MaxClients bounds the threads instead (ClientConnected).
            _threadPool = GObjectHandle.TakeOwnership(GstRtspServer.ServerGetThreadPool(server));
            using (_threadPool.Lease(out var pool))
            {
                GstRtspServer.ThreadPoolSetMaxThreads(pool, UnlimitedClientThreads);
            }
            if (Options.Credentials is not null || pem is not null)
            {
                ConfigureAuthentication(server, Options.Credentials, Options.AuthenticationMethods, pem);
            }
            ListenForClients(server);
        }
    }

    /// <summary>The options the server was made with.</summary>
    public RtspServerOptions Options { get; }

    /// <summary>
    /// The port clients connect to: the port bound by the last <see cref="Start"/> (the chosen one when the
    /// options asked for any free port), or the configured port before the first start.
    /// </summary>
    public int Port
    {
        get
        {
            lock (_gate)
            {
                return _boundPort > 0 ? _boundPort : Options.Port;
            }
        }
    }

    /// <summary>Whether the server listens.</summary>
    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _loop is not null;
            }
        }
    }

    /// <summary>The RTSP connections open now, whatever they asked for.</summary>
    public int ClientCount => Volatile.Read(ref _clientCount);

    /// <summary>The streams, in the order they were added.</summary>
    public IReadOnlyList<RtspSkyLine> Streams
    {
        get
        {
            lock (_gate)
            {
                return [.. _streams.Values];
            }
        }
    }

    /// <summary>
    /// The URL of every stream, in the order of <see cref="Streams"/>, with an address of this host that
    /// other machines can reach (the bind address, or for "every interface" the first address of an
    /// interface that is up).
    /// </summary>
    public IReadOnlyList<Uri> Urls => [.. Streams.Select(stream => stream.Url)];

    /// <summary>
    /// Adds a stream at <paramref name="path"/> and returns its SkyLine, before or after <see cref="Start"/>.
    /// The stream is served while the SkyLine is streaming (<see cref="SkyLine.StartStreaming"/>).
    /// The Python original's <c>RTSPSkyLine(server, path)</c>.
    /// </summary>
    /// <param name="path">The mount path, such as <c>/camera</c> or <c>site/entrance</c> (a leading '/' is added): segments of letters, digits, '-', '_', '.' and '~'.</param>
    /// <param name="options">How the SkyLine streams (frame rate, size, encoder...); null for the defaults.</param>
    /// <returns>The SkyLine to <see cref="SkyLine.Put(Imaging.BgrFrame)"/> frames into. Disposing it removes the stream.</returns>
    /// <exception cref="ArgumentException">The path is not valid, or a stream is already mounted there.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public RtspSkyLine AddStream(string path, SkyLineOptions? options = null)
    {
        var normalized = NormalizePath(path);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_streams.ContainsKey(normalized))
            {
                throw new ArgumentException($"A stream is already mounted at {normalized}; remove it first or choose another path.", nameof(path));
            }
            var stream = new RtspSkyLine(this, normalized, options, _loggerFactory);
            _streams.Add(normalized, stream);
            LogStreamAdded(_logger, normalized);
            return stream;
        }
    }

    /// <summary>
    /// Removes the stream at <paramref name="path"/>: it is unmounted, its clients are disconnected and its
    /// SkyLine is disposed.
    /// </summary>
    /// <param name="path">The mount path, with or without the leading '/'.</param>
    /// <returns>False when no stream is mounted there.</returns>
    public bool RemoveStream(string path)
    {
        var normalized = NormalizePath(path);
        RtspSkyLine? stream;
        lock (_gate)
        {
            if (!_streams.TryGetValue(normalized, out stream))
            {
                return false;
            }
        }
        stream.Dispose();
        return true;
    }

    /// <summary>Starts listening and serving clients on a thread of the server's own.</summary>
    /// <exception cref="InvalidOperationException">The server is already running.</exception>
    /// <exception cref="SocketException">
    /// The port cannot be bound: <see cref="SocketError.AddressAlreadyInUse"/> when another program listens on it,
    /// another error code when the address is not one of this host's.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public void Start()
    {
        _lifecycleAsync.Wait();
        try
        {
            StartNow();
        }
        finally
        {
            _lifecycleAsync.Release();
        }
    }

    private void StartNow()
    {
        lock (_lifecycle)
        {
            MainLoopThread loop;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_loop is not null)
                {
                    throw new InvalidOperationException($"The RTSP server is already running on {Options.Address}:{_boundPort}; call Stop before starting it again.");
                }
            }
            nint source;
            int port;
            using (_server.Lease(out var server))
            {
                source = GstRtspServer.ServerCreateSource(server, 0, out var error);
                if (source == 0)
                {
                    var (code, message) = GLib.TakeError(error);
                    var socketError = code == GLib.IOErrorAddressInUse ? SocketError.AddressAlreadyInUse : SocketError.AddressNotAvailable;
                    var reason = socketError == SocketError.AddressAlreadyInUse
                        ? "the port is in use by another program; stop it or choose another port (0 picks a free one)"
                        : "the address is not one of this host's; use 0.0.0.0 for every interface";
                    throw new SocketException((int)socketError, $"The RTSP server cannot listen on {Options.Address}:{Options.Port}: {reason} ({message ?? "no details"}).");
                }
                port = GstRtspServer.ServerGetBoundPort(server);
            }
            loop = new MainLoopThread($"RTSP server :{port}", _logger);
            _ = GLib.SourceAttach(source, loop.Context);
            lock (_gate)
            {
                _boundPort = port;
                _listener = source;
                _loop = loop;
                LastLoopThread = loop.Thread;
                _sessionCleanup = loop.AddTimer(SessionCleanupInterval, CleanUpSessions);
            }
            LogStarted(_logger, Scheme, Options.Address, port, Options.Credentials is null ? "off" : Options.AuthenticationMethods.ToString(), Options.Transports);
            WarnAboutExposure();
        }
    }

    /// <summary>
    /// Stops listening and ends every stream for its clients: each media sends RTCP BYE (waited for up to 2 s),
    /// then every client is disconnected, its session closed, and the server's thread ends. The streams stay:
    /// a later <see cref="Start"/> serves them again. Idempotent. Blocks the calling thread for the time that
    /// takes (usually well under a second; see <see cref="StopAsync"/> to wait without blocking).
    /// </summary>
    public void Stop()
    {
        _lifecycleAsync.Wait();
        try
        {
            StopNow();
        }
        finally
        {
            _lifecycleAsync.Release();
        }
    }

    /// <summary>
    /// As <see cref="Stop"/>, without blocking the calling thread: completes once the clients were told and
    /// disconnected and the server's thread ended. Idempotent; calls are serialised with <see cref="Start"/>,
    /// <see cref="Stop"/> and disposal.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for the media's RTCP BYE; the clients are disconnected and the server stopped all the same.</param>
    /// <returns>A task that completes when the server stopped; it does not fault.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycleAsync.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await StopCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lifecycleAsync.Release();
        }
    }

    /// <summary>StopAsync's work, with <see cref="_lifecycleAsync"/> held.</summary>
    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        Stopping? stopping;
        lock (_lifecycle)
        {
            stopping = BeginStop();
        }
        if (stopping is null)
        {
            return;
        }
        await WaitEndedAsync(stopping.Ended, cancellationToken).ConfigureAwait(false);
        lock (_lifecycle)
        {
            FinishStop(stopping);
        }
        await stopping.Loop.DisposeAsync().ConfigureAwait(false);
        LogStopped(_logger, Options.Address, Port);
    }

    /// <summary>Stops the server (as <see cref="Stop"/>) and disposes every stream's SkyLine. Idempotent.</summary>
    /// <remarks>As <see cref="DisposeAsync"/>: no lock of the server is held while the streams are disposed.</remarks>
    public void Dispose()
    {
        List<RtspSkyLine>? streams;
        _lifecycleAsync.Wait();
        try
        {
            streams = MarkDisposed();
            StopNow();
        }
        finally
        {
            _lifecycleAsync.Release();
        }
        if (streams is null)
        {
            return;
        }
        foreach (var stream in streams)
        {
            stream.Dispose();
        }
        ReleaseNative();
    }

    /// <summary>Stops the server without blocking (as <see cref="StopAsync"/>) and disposes every stream's SkyLine. Idempotent.</summary>
    /// <remarks>
    /// The server is marked disposed first, so that from then on <see cref="AddStream"/> and <see cref="Start"/> throw
    /// <see cref="ObjectDisposedException"/> and nothing is mounted again; the streams are then disposed one after the
    /// other (<see cref="SkyLine.DisposeAsync"/>, awaited) with no lock of the server held, so that a concurrent
    /// <see cref="RemoveStream"/> (which returns true or false) or a native callback never waits behind a draining encoder.
    /// </remarks>
    /// <returns>A task that completes once everything is released; it does not fault.</returns>
    public async ValueTask DisposeAsync()
    {
        List<RtspSkyLine>? streams;
        await _lifecycleAsync.WaitAsync().ConfigureAwait(false);
        try
        {
            streams = MarkDisposed();
            await StopCoreAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _lifecycleAsync.Release();
        }
        if (streams is null)
        {
            return;
        }
        foreach (var stream in streams)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        ReleaseNative();
    }

    /// <summary>Stop's work, with <see cref="_lifecycleAsync"/> held.</summary>
    private void StopNow()
    {
        lock (_lifecycle)
        {
            if (BeginStop() is not { } stopping)
            {
                return;
            }
            // Waits on completion signals set by the media's threads, never on an async method.
            _ = Task.WaitAll([.. stopping.Ended], ByeTimeout);
            FinishStop(stopping);
            stopping.Loop.Dispose();
            LogStopped(_logger, Options.Address, Port);
        }
    }

    /// <summary>Where the server listens and what it serves; never the password or key material.</summary>
    public override string ToString() =>
        $"RtspServer {Scheme}://{Options.Address}:{Port} ({(IsRunning ? "running" : "stopped")}), {Streams.Count} stream(s), authentication {(Options.Credentials is null ? "off" : Options.AuthenticationMethods.ToString())}";

    /// <summary>The URL scheme clients use: <c>rtsps</c> with a <see cref="RtspServerOptions.Certificate"/>, <c>rtsp</c> without.</summary>
    public string Scheme => Options.Certificate is null ? "rtsp" : "rtsps";

    /// <summary>The thread of the last <see cref="Start"/>'s main loop (for tests: it ends with <see cref="Stop"/>).</summary>
    internal Thread? LastLoopThread { get; private set; }

    // ---- for the streams -----------------------------------------------------------------------------

    /// <summary>The URL of a path with a reachable address of this host.</summary>
    internal Uri UrlOf(string path) =>
        new($"{Scheme}://{HostAddress.ForUrl(Options.Address)}:{Port}{path}");

    /// <summary>Serves a stream's mount (its SkyLine streams).</summary>
    internal void Mount(RtspSkyLine stream)
    {
        lock (_gate)
        {
            if (!_disposed && _streams.TryGetValue(stream.Path, out var registered) && registered == stream)
            {
                stream.Mount.Mount(_mountPoints);
            }
        }
    }

    /// <summary>
    /// Stops serving a stream's mount; with <paramref name="endStream"/>, its clients get end of stream (or,
    /// while still connecting, a refusal) and are disconnected.
    /// </summary>
    internal void Unmount(RtspSkyLine stream, bool endStream)
    {
        lock (_gate)
        {
            stream.Mount.Unmount(_mountPoints);
        }
        if (!endStream)
        {
            return;
        }
        // Outside _gate: ending a media calls back into the server (unprepared, closed), on this and other threads.
        var ended = stream.Mount.EndStream();
        var clients = stream.Mount.SnapshotClients();
        if (ended.Count > 0 || clients.Count > 0)
        {
            _ = DisconnectWhenEndedAsync(ended, clients);
        }
    }

    /// <summary>Once the ended media sent RTCP BYE (or after <see cref="ByeTimeout"/>), disconnects their clients; on the thread pool, never throws.</summary>
    private async Task DisconnectWhenEndedAsync(IReadOnlyList<RtspMedia> ended, HashSet<nint> clients)
    {
        try
        {
            await WaitEndedAsync([.. ended.Select(media => media.Ended)], CancellationToken.None).ConfigureAwait(false);
            if (clients.Count > 0)
            {
                Disconnect(clients);
            }
            RtspMemory.ReturnFreedPagesSoon();
        }
        catch (ObjectDisposedException)
        {
            // The server was disposed meanwhile: its stop disconnected every client already.
        }
#pragma warning disable CA1031 // Fire and forget: a failure is logged, never thrown into the application.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogEndingFailed(_logger, exception);
        }
    }

    /// <summary>Waits for media to have ended, at most <see cref="ByeTimeout"/> or until cancelled; never throws.</summary>
    private static async Task WaitEndedAsync(Task[] ended, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(ended).WaitAsync(ByeTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// First half of stopping (under <see cref="_lifecycle"/>): no more clients are accepted, and every stream is
    /// unmounted and ended, so that its media send RTCP BYE. Null when the server is not running.
    /// </summary>
    private Stopping? BeginStop()
    {
        MainLoopThread? loop;
        IDisposable? cleanup;
        nint listener;
        List<RtspSkyLine> streams;
        lock (_gate)
        {
            loop = _loop;
            if (loop is null)
            {
                return null;
            }
            cleanup = _sessionCleanup;
            listener = _listener;
            _loop = null;
            _sessionCleanup = null;
            _listener = 0;
            streams = [.. _streams.Values];
            foreach (var stream in streams)
            {
                stream.Mount.Unmount(_mountPoints);
            }
        }
        // Thread safe: the listening socket is never dispatched again.
        GLib.SourceDestroy(listener);
        GLib.SourceUnref(listener);
        cleanup?.Dispose();
        var ended = streams.SelectMany(stream => stream.Mount.EndStream()).Select(media => media.Ended).ToArray();
        return new Stopping(loop, streams, ended);
    }

    /// <summary>Second half of stopping: every client is disconnected and every session removed; the streams that still stream are mounted again, for the next start.</summary>
    private void FinishStop(Stopping stopping)
    {
        Disconnect(null);
        RemoveAllSessions();
        foreach (var stream in stopping.Streams)
        {
            stream.RemountIfStreaming();
        }
        RtspMemory.ReturnFreedPagesSoon();
    }

    /// <summary>Marks the server disposed (under <see cref="_gate"/>, briefly) and returns the streams to dispose; null when it already was.</summary>
    private List<RtspSkyLine>? MarkDisposed()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return null;
            }
            _disposed = true;
            return [.. _streams.Values];
        }
    }

    /// <summary>Drops the server's native objects once its streams are disposed; a lease still held elsewhere keeps its object until it ends.</summary>
    private void ReleaseNative()
    {
        _threadPool.Dispose();
        _sessionPool.Dispose();
        _mountPoints.Dispose();
        _server.Dispose();
    }

    /// <summary>Forgets a disposed stream.</summary>
    internal void Forget(RtspSkyLine stream)
    {
        lock (_gate)
        {
            if (_streams.TryGetValue(stream.Path, out var registered) && registered == stream)
            {
                _streams.Remove(stream.Path);
                LogStreamRemoved(_logger, stream.Path);
            }
        }
    }

    /// <summary>Makes a mount path canonical ("camera" → "/camera") or throws saying what a valid one is.</summary>
    internal static string NormalizePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var normalized = path.StartsWith('/') ? path : "/" + path;
        if (!MountPath().IsMatch(normalized) || normalized.Split('/').Any(segment => segment is "." or ".."))
        {
            throw new ArgumentException(
                $"'{path}' is not a valid mount path; expected one or more segments of letters, digits, '-', '_', '.' or '~' separated by '/', such as /camera or /site/entrance.",
                nameof(path));
        }
        return normalized;
    }

    [GeneratedRegex("^(/[A-Za-z0-9._~-]+)+$")]
    private static partial Regex MountPath();

    /// <summary>What <see cref="BeginStop"/> leaves to finish: the loop to end, the streams ended and the signals of their media's end.</summary>
    private sealed record Stopping(MainLoopThread Loop, List<RtspSkyLine> Streams, Task[] Ended);

    // ---- native side -----------------------------------------------------------------------------

    private static void RequireRtspServerLibrary()
    {
        if (!NativeLibraries.TryLoad(NativeLibraries.GstRtspServer, out _))
        {
            var package = DebianPackages.ForLibrary(NativeLibraries.GstRtspServer);
            throw new Runtime.GStreamerUnavailableException(
                $"The RTSP server needs {NativeLibraries.SharedObjectOf(NativeLibraries.GstRtspServer)}, which could not be loaded. " +
                $"Install it with: sudo apt-get install {package}. Run 'backpack doctor' for a full check.",
                element: null,
                package);
        }
    }
}
