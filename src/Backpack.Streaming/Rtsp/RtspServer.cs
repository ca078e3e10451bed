using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Backpack.Streaming.SkyLines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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
public sealed unsafe partial class RtspServer : IDisposable
{
    /// <summary>The port RTSP servers usually listen on.</summary>
    public const int DefaultPort = 8554;

    /// <summary>gst_rtsp_thread_pool_set_max_threads: a thread per client, however many.</summary>
    private const int UnlimitedClientThreads = -1;

    private static readonly TimeSpan LoopCallTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SessionCleanupInterval = TimeSpan.FromSeconds(2);

    // _lifecycle serialises Start, Stop and Dispose, which wait for the loop thread; _gate guards the fields
    // and is only ever held briefly, never while waiting, because the loop thread's callbacks take it too.
    private readonly Lock _lifecycle = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RtspSkyLine> _streams = new(StringComparer.Ordinal);
    private readonly GObjectHandle _server;
    private readonly GObjectHandle _mountPoints;
    private readonly GObjectHandle _sessionPool;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private MainLoopThread? _loop;
    private nint _listener;
    private IDisposable? _sessionCleanup;
    private int _boundPort;
    private int _clientCount;
    private long _clientRegistrations;
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
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<RtspServer>();
        GStreamerRuntime.EnsureInitialized();
        RequireRtspServerLibrary();
        GStreamerRuntime.RequireElements(["appsrc", "rtph264pay", "h264parse", "appsink"], "The RTSP server");

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
            // clients, round robin, and bring the wait back.
            using (var threads = GObjectHandle.TakeOwnership(GstRtspServer.ServerGetThreadPool(server)))
            using (threads.Lease(out var pool))
            {
                GstRtspServer.ThreadPoolSetMaxThreads(pool, UnlimitedClientThreads);
            }
            if (Options.Credentials is { } credentials)
            {
                ConfigureAuthentication(server, credentials, Options.AuthenticationMethods);
            }
            Connect(server, "client-connected", (nint)(delegate* unmanaged<nint, nint, nint, void>)&OnClientConnected);
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
            LogStarted(_logger, Options.Address, port, Options.Credentials is null ? "off" : Options.AuthenticationMethods.ToString(), Options.Transports);
        }
    }

    /// <summary>
    /// Stops listening, disconnects every client and ends the server's thread. The streams stay: a later
    /// <see cref="Start"/> serves them again. Idempotent.
    /// </summary>
    public void Stop()
    {
        lock (_lifecycle)
        {
            MainLoopThread? loop;
            IDisposable? cleanup;
            nint listener;
            lock (_gate)
            {
                loop = _loop;
                cleanup = _sessionCleanup;
                listener = _listener;
                _loop = null;
                _sessionCleanup = null;
                _listener = 0;
            }
            if (loop is null)
            {
                return;
            }
            try
            {
                loop.Invoke(() =>
                {
                    GLib.SourceDestroy(listener);
                    GLib.SourceUnref(listener);
                    CloseClients(static (_, _) => true, null);
                    RemoveAllSessions();
                }, LoopCallTimeout);
            }
            catch (TimeoutException exception)
            {
                LogStopSlow(_logger, exception.Message);
            }
            cleanup?.Dispose();
            loop.Dispose();
            LogStopped(_logger, Options.Address, Port);
        }
    }

    /// <summary>Stops the server and disposes every stream's SkyLine. Idempotent.</summary>
    public void Dispose()
    {
        lock (_lifecycle)
        {
            Stop();
            List<RtspSkyLine> streams;
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }
                _disposed = true;
                streams = [.. _streams.Values];
            }
            foreach (var stream in streams)
            {
                stream.Dispose();
            }
            _sessionPool.Dispose();
            _mountPoints.Dispose();
            _server.Dispose();
        }
    }

    /// <summary>Where the server listens and what it serves; never the password.</summary>
    public override string ToString() =>
        $"RtspServer {Options.Address}:{Port} ({(IsRunning ? "running" : "stopped")}), {Streams.Count} stream(s), authentication {(Options.Credentials is null ? "off" : Options.AuthenticationMethods.ToString())}";

    /// <summary>The thread of the last <see cref="Start"/>'s main loop (for tests: it ends with <see cref="Stop"/>).</summary>
    internal Thread? LastLoopThread { get; private set; }

    // ---- for the streams -----------------------------------------------------------------------------

    /// <summary>The URL of a path with a reachable address of this host.</summary>
    internal Uri UrlOf(string path) =>
        new($"rtsp://{HostAddress.ForUrl(Options.Address)}:{Port}{path}");

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
            if (!endStream)
            {
                return;
            }
            stream.Mount.EndStream();
            var clients = stream.Mount.SnapshotClients();
            if (clients.Count > 0 && _loop is { } loop)
            {
                // Not waited for under _gate: closing a client calls back into this server (closed), which takes _gate.
                loop.Post(() => CloseClients(static (client, set) => set!.Contains(client), clients));
            }
        }
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

    private static void ConfigureAuthentication(nint server, RtspCredentials credentials, RtspAuthenticationMethods methods)
    {
        using var auth = GObjectHandle.TakeOwnership(GstRtspServer.AuthNew());
        var token = GstRtspServer.TokenNewEmpty();
        try
        {
            var value = default(GObject.Value);
            GObject.ValueInit(ref value, GObject.TypeString);
            GObject.ValueSetString(ref value, RtspMount.ViewerRole);
            Gst.StructureSetValue(GstRtspServer.TokenWritableStructure(token), GstRtspServer.TokenMediaFactoryRole, ref value);
            GObject.ValueUnset(ref value);
            using (auth.Lease(out var manager))
            {
                GstRtspServer.AuthSetSupportedMethods(manager, (GstRtspServer.AuthMethod)methods);
                if (methods.HasFlag(RtspAuthenticationMethods.Basic))
                {
                    var basic = GstRtspServer.AuthMakeBasic(credentials.UserName, credentials.Password);
                    GstRtspServer.AuthAddBasic(manager, basic, token);
                    GLib.Free(basic);
                }
                if (methods.HasFlag(RtspAuthenticationMethods.Digest))
                {
                    GstRtspServer.AuthAddDigest(manager, credentials.UserName, credentials.Password, token);
                }
                GstRtspServer.ServerSetAuth(server, manager);
            }
        }
        finally
        {
            Gst.MiniObjectUnref(token);
        }
    }

    /// <summary>
    /// Connects a signal of a native object (the server, a client) to a static callback whose user data leads
    /// to this server. The registration is freed when GObject drops the handler (the object is finalized).
    /// </summary>
    private void Connect(nint instance, string signal, nint callback)
    {
        var state = GCHandle.ToIntPtr(GCHandle.Alloc(new Registration(this)));
        Interlocked.Increment(ref _clientRegistrations);
        if (GObject.SignalConnectData(instance, signal, callback, state, &ReleaseRegistration, 0) == 0)
        {
            Interlocked.Decrement(ref _clientRegistrations);
            GCHandle.FromIntPtr(state).Free();
            throw new GStreamerException($"The RTSP server library has no '{signal}' signal; it is not the expected version.");
        }
    }

    /// <summary>
    /// Signal handlers still registered on native objects (one for the server's client-connected, four per
    /// client). It returns to one when every client object that connected was released: a leak shows here.
    /// </summary>
    internal long LiveRegistrations => Interlocked.Read(ref _clientRegistrations);

    private void CleanUpSessions()
    {
        using (_sessionPool.Lease(out var pool))
        {
            _ = GstRtspServer.SessionPoolCleanup(pool);
        }
    }

    /// <summary>Closes the clients <paramref name="predicate"/> picks (on the loop thread).</summary>
    private void CloseClients(Func<nint, HashSet<nint>?, bool> predicate, HashSet<nint>? set)
    {
        var handle = GCHandle.Alloc(new ClientFilter(predicate, set));
        try
        {
            using (_server.Lease(out var server))
            {
                // The filter never answers Ref, so the returned list is always empty.
                _ = GstRtspServer.ServerClientFilter(server, &FilterClient, GCHandle.ToIntPtr(handle));
            }
        }
        finally
        {
            handle.Free();
        }
    }

    private void RemoveAllSessions()
    {
        using (_sessionPool.Lease(out var pool))
        {
            _ = GstRtspServer.SessionPoolFilter(pool, &RemoveSession, 0);
        }
    }

    /// <summary>GClosureNotify of a registration: frees it once GObject will not call the handler again.</summary>
    [UnmanagedCallersOnly]
    private static void ReleaseRegistration(nint state, nint closure) => NativeBoundary.Run("RTSP signal handler released", state, &Release);

    [UnmanagedCallersOnly]
    private static GstRtspServer.FilterResult FilterClient(nint server, nint client, nint state) =>
        NativeBoundary.Enter<ClientFilter, nint, GstRtspServer.FilterResult>("RTSP client filter", state, client, &Filter, GstRtspServer.FilterResult.Keep);

    [UnmanagedCallersOnly]
    private static GstRtspServer.FilterResult RemoveSession(nint pool, nint session, nint state) =>
        NativeBoundary.Run("RTSP session filter", session, &RemoveEverySession, GstRtspServer.FilterResult.Keep);

    [UnmanagedCallersOnly]
    private static void OnClientConnected(nint server, nint client, nint state) =>
        NativeBoundary.Enter<Registration, nint>("RTSP client-connected", state, client, &ClientConnected);

    [UnmanagedCallersOnly]
    private static void OnClientClosed(nint client, nint state) =>
        NativeBoundary.Enter<Registration, nint>("RTSP client closed", state, client, &ClientClosed);

    [UnmanagedCallersOnly]
    private static void OnRequest(nint client, nint context, nint state) =>
        NativeBoundary.Enter<Registration, (nint Client, nint Context)>("RTSP describe/setup request", state, (client, context), &Requested);

    [UnmanagedCallersOnly]
    private static void OnPlayRequest(nint client, nint context, nint state) =>
        NativeBoundary.Enter<Registration, (nint Client, nint Context)>("RTSP play request", state, (client, context), &PlayRequested);

    private static void Release(nint state)
    {
        if (NativeBoundary.Target<Registration>(state) is { } registration)
        {
            Interlocked.Decrement(ref registration.Owner._clientRegistrations);
        }
        GCHandle.FromIntPtr(state).Free();
    }

    private static GstRtspServer.FilterResult Filter(ClientFilter filter, nint client) =>
        filter.Predicate(client, filter.Set) ? GstRtspServer.FilterResult.Remove : GstRtspServer.FilterResult.Keep;

    private static GstRtspServer.FilterResult RemoveEverySession(nint session) => GstRtspServer.FilterResult.Remove;

    private static void ClientConnected(Registration registration, nint client)
    {
        var owner = registration.Owner;
        Interlocked.Increment(ref owner._clientCount);
        owner.Connect(client, "closed", (nint)(delegate* unmanaged<nint, nint, void>)&OnClientClosed);
        owner.Connect(client, "describe-request", (nint)(delegate* unmanaged<nint, nint, nint, void>)&OnRequest);
        owner.Connect(client, "setup-request", (nint)(delegate* unmanaged<nint, nint, nint, void>)&OnRequest);
        owner.Connect(client, "play-request", (nint)(delegate* unmanaged<nint, nint, nint, void>)&OnPlayRequest);
        LogClientConnected(owner._logger, owner.ClientCount);
    }

    private static void ClientClosed(Registration registration, nint client)
    {
        var owner = registration.Owner;
        Interlocked.Decrement(ref owner._clientCount);
        foreach (var stream in owner.Streams)
        {
            stream.Mount.RemoveClient(client);
        }
        LogClientClosed(owner._logger, owner.ClientCount);
    }

    private static void Requested(Registration registration, (nint Client, nint Context) request) =>
        registration.Owner.StreamOf(request.Client, request.Context);

    private static void PlayRequested(Registration registration, (nint Client, nint Context) request)
    {
        if (registration.Owner.StreamOf(request.Client, request.Context) is { } stream)
        {
            stream.Mount.Played(GstRtspServer.ContextLayout.ReadMedia(request.Context));
            stream.OnClientPlays();
        }
    }

    /// <summary>The stream a request is about (through the request's media), remembering the client as one of its viewers.</summary>
    private RtspSkyLine? StreamOf(nint client, nint context)
    {
        var media = GstRtspServer.ContextLayout.ReadMedia(context);
        if (media == 0)
        {
            return null;
        }
        foreach (var stream in Streams)
        {
            if (stream.Mount.Owns(media))
            {
                stream.Mount.AddClient(client);
                return stream;
            }
        }
        return null;
    }

    /// <summary>The user data of a signal handler: the server it reports to.</summary>
    private sealed record Registration(RtspServer Owner) : INativeCallbackTarget
    {
        public ILogger CallbackLogger => Owner._logger;

        public string CallbackContext => "RTSP server";
    }

    private sealed record ClientFilter(Func<nint, HashSet<nint>?, bool> Predicate, HashSet<nint>? Set);
}
