using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Rtsp;

/// <summary>
/// The native side of the server's clients: who connects and closes, what they ask for, how they are
/// refused beyond <see cref="RtspServerOptions.MaxClients"/>, how they are disconnected and how their
/// sessions go with them.
/// </summary>
/// <remarks>
/// Each client runs on a thread of its own from the library's pool; a client is only ever closed by its
/// own thread. Closing one from another thread (gst_rtsp_client_close) races with its own thread reading
/// the connection: the library then reads a stream it has just freed and floods the log with
/// <c>g_pollable_input_stream_read_nonblocking</c> criticals, spinning a core. Here the socket is shut
/// down instead (<see cref="Disconnect"/>), which the client's own thread sees as the end of the
/// connection and handles as if the client had left.
/// </remarks>
public sealed unsafe partial class RtspServer
{
    /// <summary>Clients (GstRTSPClient*) now connected: the sessions each opened and whether it is refused.</summary>
    private readonly Dictionary<nint, ClientState> _clients = [];

    /// <summary>
    /// Signal handlers still registered on native objects (one for the server's client-connected, and those of
    /// each client). It returns to one when every client object that connected was released: a leak shows here.
    /// </summary>
    internal long LiveRegistrations => Interlocked.Read(ref _clientRegistrations);

    /// <summary>RTSP sessions the session pool holds now; a session outliving its client is a leak until its timeout (60 s).</summary>
    internal int SessionCount
    {
        get
        {
            using (_sessionPool.Lease(out var pool))
            {
                return (int)GstRtspServer.SessionPoolGetNSessions(pool);
            }
        }
    }

    /// <summary>Clients refused because <see cref="RtspServerOptions.MaxClients"/> were connected, since the server was made.</summary>
    internal long RefusedClients => Interlocked.Read(ref _refusedClients);

    /// <summary>Connects the server's client-connected signal.</summary>
    private void ListenForClients(nint server) =>
        Connect(server, "client-connected", (nint)(delegate* unmanaged<nint, nint, nint, void>)&OnClientConnected);

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

    private void CleanUpSessions()
    {
        using (_sessionPool.Lease(out var pool))
        {
            _ = GstRtspServer.SessionPoolCleanup(pool);
        }
    }

    /// <summary>
    /// Ends the connections of the clients <paramref name="set"/> names (every client when null): their sockets
    /// are shut down, and each client's own thread closes it. Any thread.
    /// </summary>
    private void Disconnect(HashSet<nint>? set)
    {
        var handle = GCHandle.Alloc(new ClientFilter(set));
        try
        {
            using (_server.Lease(out var server))
            {
                // The filter holds a reference to each client while it looks at it and never answers Ref, so the returned list is empty.
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
        NativeBoundary.Enter<ClientFilter, nint, GstRtspServer.FilterResult>("RTSP client filter", state, client, &ShutDownChosen, GstRtspServer.FilterResult.Keep);

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
    private static void OnNewSession(nint client, nint session, nint state) =>
        NativeBoundary.Enter<Registration, (nint Client, nint Session)>("RTSP new session", state, (client, session), &SessionOpened);

    [UnmanagedCallersOnly]
    private static void OnRequest(nint client, nint context, nint state) =>
        NativeBoundary.Enter<Registration, (nint Client, nint Context)>("RTSP describe/setup request", state, (client, context), &Requested);

    [UnmanagedCallersOnly]
    private static void OnPlayRequest(nint client, nint context, nint state) =>
        NativeBoundary.Enter<Registration, (nint Client, nint Context)>("RTSP play request", state, (client, context), &PlayRequested);

    [UnmanagedCallersOnly]
    private static void OnTeardownRequest(nint client, nint context, nint state) =>
        NativeBoundary.Enter<Registration, nint>("RTSP teardown request", state, client, &TornDown);

    [UnmanagedCallersOnly]
    private static GstRtspServer.StatusCode OnRefusedRequest(nint client, nint context, nint state) =>
        NativeBoundary.Run("RTSP request beyond MaxClients", client, &Refuse, GstRtspServer.StatusCode.ServiceUnavailable);

    private static void Release(nint state)
    {
        if (NativeBoundary.Target<Registration>(state) is { } registration)
        {
            Interlocked.Decrement(ref registration.Owner._clientRegistrations);
        }
        GCHandle.FromIntPtr(state).Free();
    }

    private static GstRtspServer.StatusCode Refuse(nint client) => GstRtspServer.StatusCode.ServiceUnavailable;

    /// <summary>Shuts down the sockets of a chosen client; the filter keeps it (its own thread removes it when it sees the end of its connection).</summary>
    private static GstRtspServer.FilterResult ShutDownChosen(ClientFilter filter, nint client)
    {
        if (filter.Set is null || filter.Set.Contains(client))
        {
            ShutDown(client);
        }
        return GstRtspServer.FilterResult.Keep;
    }

    /// <summary>shutdown(2) of the client's sockets (read and write; two when tunnelled over HTTP). Errors (already closed) do not matter.</summary>
    private static void ShutDown(nint client)
    {
        var connection = GstRtspServer.ClientGetConnection(client);
        if (connection == 0)
        {
            return;
        }
        var read = GstRtsp.ConnectionGetReadSocket(connection);
        var write = GstRtsp.ConnectionGetWriteSocket(connection);
        foreach (var socket in read == write ? [read] : new[] { read, write })
        {
            if (socket != 0 && !GstRtsp.SocketShutdown(socket, read: true, write: true, out var error))
            {
                GLib.ErrorFree(error);
            }
        }
    }

    private static GstRtspServer.FilterResult RemoveEverySession(nint session) => GstRtspServer.FilterResult.Remove;

    private static void ClientConnected(Registration registration, nint client) => registration.Owner.ClientConnected(client);

    private static void ClientClosed(Registration registration, nint client) => registration.Owner.ClientClosed(client);

    private static void SessionOpened(Registration registration, (nint Client, nint Session) opened)
    {
        var owner = registration.Owner;
        lock (owner._gate)
        {
            if (owner._clients.TryGetValue(opened.Client, out var state))
            {
                state.Sessions.Add(GObject.ObjectRef(opened.Session));
            }
        }
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

    private static void TornDown(Registration registration, nint client)
    {
        foreach (var stream in registration.Owner.Streams)
        {
            stream.Mount.RemoveClient(client);
        }
    }

    /// <summary>
    /// On the loop thread, before the library gives the client a thread: beyond <see cref="RtspServerOptions.MaxClients"/>
    /// the client is served on the loop thread itself (the pool's limit is 0 for it), where its DESCRIBE or SETUP
    /// is answered 503 at once (OPTIONS is answered as usual); so client threads never outnumber the limit.
    /// </summary>
    private void ClientConnected(nint client)
    {
        bool refused;
        int accepted;
        lock (_gate)
        {
            accepted = _clients.Values.Count(state => !state.Refused);
            refused = accepted >= Options.MaxClients;
            _clients[client] = new ClientState(refused);
        }
        Interlocked.Increment(ref _clientCount);
        using (_threadPool.Lease(out var pool))
        {
            GstRtspServer.ThreadPoolSetMaxThreads(pool, refused ? 0 : UnlimitedClientThreads);
        }
        Connect(client, "closed", (nint)(delegate* unmanaged<nint, nint, void>)&OnClientClosed);
        if (refused)
        {
            Interlocked.Increment(ref _refusedClients);
            // Not pre-options-request: on a refusal there, gst-rtsp-server 1.22 frees a response it does not own (the process aborts).
            foreach (var signal in (ReadOnlySpan<string>)["pre-describe-request", "pre-setup-request"])
            {
                Connect(client, signal, (nint)(delegate* unmanaged<nint, nint, nint, GstRtspServer.StatusCode>)&OnRefusedRequest);
            }
            LogClientRefused(_logger, Options.MaxClients);
            return;
        }
        Connect(client, "new-session", (nint)(delegate* unmanaged<nint, nint, nint, void>)&OnNewSession);
        Connect(client, "describe-request", (nint)(delegate* unmanaged<nint, nint, nint, void>)&OnRequest);
        Connect(client, "setup-request", (nint)(delegate* unmanaged<nint, nint, nint, void>)&OnRequest);
        Connect(client, "play-request", (nint)(delegate* unmanaged<nint, nint, nint, void>)&OnPlayRequest);
        Connect(client, "teardown-request", (nint)(delegate* unmanaged<nint, nint, nint, void>)&OnTeardownRequest);
        LogClientConnected(_logger, accepted + 1);
    }

    /// <summary>
    /// On the client's own thread, after the library unlinked its sessions: the sessions it opened are removed
    /// from the pool at once (they would otherwise stay until their 60 s timeout, with everything they hold).
    /// </summary>
    private void ClientClosed(nint client)
    {
        ClientState? state;
        lock (_gate)
        {
            _ = _clients.Remove(client, out state);
        }
        Interlocked.Decrement(ref _clientCount);
        foreach (var stream in Streams)
        {
            stream.Mount.RemoveClient(client);
        }
        if (state is not null)
        {
            using (_sessionPool.Lease(out var pool))
            {
                foreach (var session in state.Sessions)
                {
                    _ = GstRtspServer.SessionPoolRemove(pool, session);
                    GObject.ObjectUnref(session);
                }
            }
        }
        // The client's thread frees its media's last references after this: the trim runs a moment later.
        RtspMemory.ReturnFreedPagesSoon();
        LogClientClosed(_logger, ClientCount);
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

    /// <summary>The clients a filter disconnects: those in the set, or every client when it is null.</summary>
    private sealed record ClientFilter(HashSet<nint>? Set);

    /// <summary>A connected client: whether it is refused (beyond MaxClients) and the sessions it opened (references held).</summary>
    private sealed record ClientState(bool Refused)
    {
        internal List<nint> Sessions { get; } = [];
    }
}
