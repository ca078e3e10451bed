using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer.Native;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// A webrtcbin element and its action signals as methods: offers and answers through GstPromise (completed on
/// webrtcbin's thread, awaited as tasks), descriptions and ICE candidates as strings. Its own signals
/// (on-ice-candidate, notify::connection-state) reach managed code through <see cref="NativeBoundary"/> and the
/// handlers given here, on webrtcbin's threads: they must be quick and must not change the pipeline.
/// </summary>
/// <remarks>Thread safe as webrtcbin is: its signals queue work on its own thread.</remarks>
internal sealed unsafe class WebRtcBin : Element, INativeCallbackTarget
{
    private readonly Action<uint, string>? _onIceCandidate;
    private readonly Action? _onConnectionStateChanged;
    private readonly ILogger _logger;
    private readonly string _context;
    private readonly List<SignalConnection> _connections = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<PendingPromise, bool> _pending = new();

    /// <summary>Wraps a webrtcbin (taking over the reference) and connects the handlers (either may be null).</summary>
    internal WebRtcBin(GstObjectHandle handle, ILogger logger, string context, Action<uint, string>? onIceCandidate, Action? onConnectionStateChanged)
        : base(handle)
    {
        _logger = logger;
        _context = context;
        _onIceCandidate = onIceCandidate;
        _onConnectionStateChanged = onConnectionStateChanged;
        if (onIceCandidate is not null)
        {
            _connections.Add(SignalConnection.Connect(this, "on-ice-candidate", (nint)(delegate* unmanaged<nint, uint, nint, nint, void>)&OnIceCandidate, this));
        }
        if (onConnectionStateChanged is not null)
        {
            _connections.Add(SignalConnection.Connect(this, "notify::connection-state", (nint)(delegate* unmanaged<nint, nint, nint, void>)&OnConnectionStateNotified, this));
        }
    }

    /// <inheritdoc/>
    ILogger INativeCallbackTarget.CallbackLogger => _logger;

    /// <inheritdoc/>
    string INativeCallbackTarget.CallbackContext => _context;

    /// <summary>The connection state's nick: <c>new</c>, <c>connecting</c>, <c>connected</c>, <c>disconnected</c>, <c>failed</c>, <c>closed</c>.</summary>
    internal string ConnectionState => GetPropertyText("connection-state") ?? "new";

    /// <summary>Creates an offer (or an answer to the remote offer), sets it as the local description and returns its SDP text.</summary>
    /// <exception cref="GStreamerException">webrtcbin refused (the task fails with it).</exception>
    internal Task<string?> CreateLocalDescriptionAsync(bool offer)
    {
        var pending = new PendingPromise(this, offer ? "offer" : "answer", offer ? GstWebRtc.SdpType.Offer : GstWebRtc.SdpType.Answer);
        var promise = pending.CreatePromise();
        var value = stackalloc GObject.Value[3];
        using (Handle.Lease(out var element))
        {
            InitInstance(value, element);
            GObject.ValueInitAt(value + 1, GstWebRtc.StructureGetType());
            GObject.ValueInitAt(value + 2, GstWebRtc.PromiseGetType());
            GObject.ValueSetBoxed(value + 2, promise);
            Emit(element, offer ? "create-offer" : "create-answer", value, 3, null);
        }
        Gst.MiniObjectUnref(promise);
        return pending.Task;
    }

    /// <summary>Sets the remote description from a parsed SDP message, which this call takes over; the task fails with webrtcbin's reason.</summary>
    internal Task<string?> SetRemoteDescriptionAsync(GstWebRtc.SdpType type, nint sdpMessage)
    {
        var description = GstWebRtc.SessionDescriptionNew(type, sdpMessage);
        var pending = new PendingPromise(this, null, type);
        var promise = pending.CreatePromise();
        try
        {
            EmitDescription("set-remote-description", description, promise);
        }
        finally
        {
            Gst.MiniObjectUnref(promise);
            GstWebRtc.SessionDescriptionFree(description);
        }
        return pending.Task;
    }

    /// <summary>Adds a remote ICE candidate (<c>candidate:...</c>) of a media line; an empty one ends the remote candidates.</summary>
    internal void AddIceCandidate(uint mediaLineIndex, string candidate)
    {
        var value = stackalloc GObject.Value[3];
        using (Handle.Lease(out var element))
        {
            InitInstance(value, element);
            GObject.ValueInitAt(value + 1, GObject.TypeUInt);
            GObject.ValueSetUInt(value + 1, mediaLineIndex);
            GObject.ValueInitAt(value + 2, GObject.TypeString);
            GObject.ValueSetString(value + 2, candidate);
            Emit(element, "add-ice-candidate", value, 3, null);
        }
    }

    /// <summary>Adds a TURN server (<c>turn://user:password@host:port</c>); false when webrtcbin refused its form.</summary>
    internal bool AddTurnServer(string uri)
    {
        var value = stackalloc GObject.Value[2];
        var result = default(GObject.Value);
        using (Handle.Lease(out var element))
        {
            InitInstance(value, element);
            GObject.ValueInitAt(value + 1, GObject.TypeString);
            GObject.ValueSetString(value + 1, uri);
            GObject.ValueInitAt(&result, GObject.TypeBoolean);
            Emit(element, "add-turn-server", value, 2, &result);
            var added = GObject.ValueGetBoolean(&result);
            GObject.ValueUnsetAt(&result);
            return added;
        }
    }

    /// <summary>Disconnects the handlers: no callback comes after this returns but one already running. Idempotent.</summary>
    internal void DisconnectSignals()
    {
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
            _connections.Clear();
        }
    }

    /// <summary>Disconnects the handlers and drops the reference.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisconnectSignals();
            // A stopped webrtcbin may drop a queued request without replying or freeing its promise: nobody waits forever.
            foreach (var pending in _pending.Keys)
            {
                pending.Abandon();
            }
        }
        base.Dispose(disposing);
    }

    private void EmitDescription(string signal, nint description, nint promise)
    {
        var value = stackalloc GObject.Value[3];
        using (Handle.Lease(out var element))
        {
            InitInstance(value, element);
            GObject.ValueInitAt(value + 1, GstWebRtc.SessionDescriptionGetType());
            GObject.ValueSetBoxed(value + 1, description);
            GObject.ValueInitAt(value + 2, GstWebRtc.PromiseGetType());
            GObject.ValueSetBoxed(value + 2, promise);
            Emit(element, signal, value, 3, null);
        }
    }

    private static void InitInstance(GObject.Value* value, nint element)
    {
        GObject.ValueInitAt(value, GObject.TypeOf(element));
        GObject.ValueSetObject(value, element);
    }

    /// <summary>Emits and unsets the values (which drops what they hold).</summary>
    private static void Emit(nint element, string signal, GObject.Value* values, int count, GObject.Value* result)
    {
        try
        {
            var id = GObject.SignalLookup(signal, GObject.TypeOf(element));
            if (id == 0)
            {
                throw new GStreamerException($"webrtcbin has no signal '{signal}'.");
            }
            GObject.SignalEmitv(values, id, 0, result);
        }
        finally
        {
            for (var i = 0; i < count; i++)
            {
                GObject.ValueUnsetAt(values + i);
            }
        }
    }

    [UnmanagedCallersOnly]
    private static void OnIceCandidate(nint webrtc, uint mediaLineIndex, nint candidate, nint state) =>
        NativeBoundary.Enter<WebRtcBin, (uint, nint)>("webrtcbin on-ice-candidate", state, (mediaLineIndex, candidate), &ForwardIceCandidate);

    private static void ForwardIceCandidate(WebRtcBin bin, (uint MediaLineIndex, nint Candidate) args) =>
        bin._onIceCandidate?.Invoke(args.MediaLineIndex, Marshal.PtrToStringUTF8(args.Candidate) ?? string.Empty);

    [UnmanagedCallersOnly]
    private static void OnConnectionStateNotified(nint webrtc, nint parameter, nint state) =>
        NativeBoundary.Enter<WebRtcBin, nint>("webrtcbin notify::connection-state", state, parameter, &ForwardConnectionState);

    private static void ForwardConnectionState(WebRtcBin bin, nint parameter) => bin._onConnectionStateChanged?.Invoke();

    [UnmanagedCallersOnly]
    private static void OnPromiseChanged(nint promise, nint state) =>
        NativeBoundary.Enter<PendingPromise, nint>("webrtcbin promise", state, promise, &Replied);

    [UnmanagedCallersOnly]
    private static void OnPromiseFreed(nint state) => NativeBoundary.Run("webrtcbin promise freed", state, &Abandoned);

    private static void Replied(PendingPromise pending, nint promise) => pending.Complete(promise);

    private static void Abandoned(nint state)
    {
        NativeBoundary.Target<PendingPromise>(state)?.Abandon();
        GCHandle.FromIntPtr(state).Free();
    }

    /// <summary>A promise given to webrtcbin and the task that waits for its reply.</summary>
    private sealed class PendingPromise(WebRtcBin bin, string? field, GstWebRtc.SdpType type) : INativeCallbackTarget
    {
        private readonly TaskCompletionSource<string?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal Task<string?> Task => _completion.Task;

        /// <summary>The task ends: the bin forgets the request.</summary>
        private void Forget(Task<string?> task) => bin._pending.TryRemove(this, out _);

        public ILogger CallbackLogger => bin._logger;

        public string CallbackContext => bin._context;

        internal nint CreatePromise()
        {
            bin._pending[this] = true;
            _completion.Task.ContinueWith(Forget, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            var handle = GCHandle.ToIntPtr(GCHandle.Alloc(this));
            return GstWebRtc.PromiseNewWithChangeFunc(&OnPromiseChanged, handle, &OnPromiseFreed);
        }

        /// <summary>On webrtcbin's thread: reads the reply; for a created description, sets it as the local one.</summary>
        internal void Complete(nint promise)
        {
            if (GstWebRtc.PromiseWait(promise) != GstWebRtc.PromiseReplied)
            {
                _completion.TrySetException(new GStreamerException("webrtcbin gave no answer (closed or interrupted)."));
                return;
            }
            var reply = GstWebRtc.PromiseGetReply(promise);
            if (reply == 0 && field is null)
            {
                // Descriptions set: replied without a structure.
                _completion.TrySetResult(null);
                return;
            }
            if (reply == 0)
            {
                _completion.TrySetException(new GStreamerException("webrtcbin gave no answer (closed or interrupted)."));
                return;
            }
            var error = Gst.StructureGetValue(reply, "error");
            if (error != 0)
            {
                var gError = Gst.ValueGetBoxedAt(error);
                var message = gError == 0 ? null : Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(gError, 8));
                _completion.TrySetException(new GStreamerException(message ?? "webrtcbin refused."));
                return;
            }
            if (field is null)
            {
                _completion.TrySetResult(null);
                return;
            }
            var value = Gst.StructureGetValue(reply, field);
            var description = value == 0 ? 0 : Gst.ValueGetBoxedAt(value);
            if (description == 0)
            {
                _completion.TrySetException(new GStreamerException($"webrtcbin's reply has no {field}."));
                return;
            }
            var local = new PendingPromise(bin, null, type);
            var setPromise = local.CreatePromise();
            try
            {
                bin.EmitDescription("set-local-description", description, setPromise);
            }
            finally
            {
                Gst.MiniObjectUnref(setPromise);
            }
            _completion.TrySetResult(GLib.TakeString(GstWebRtc.SdpMessageAsText(GstWebRtc.SessionDescriptionSdp(description))));
        }

        internal void Abandon() => _completion.TrySetException(new GStreamerException("webrtcbin dropped the request without an answer (closed)."));
    }
}
