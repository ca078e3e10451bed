using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Rtsp;

/// <summary>
/// One stream's place on the server: a shared media factory whose pipeline starts with an appsrc
/// (<c>appsrc ! rtph264pay</c>), the media made from it while clients watch, and the clients that asked
/// for it. The SkyLine's encoded access units are pushed into that appsrc in-process (<see cref="Push"/>):
/// one encoder, any number of clients, no UDP hop.
/// </summary>
/// <remarks>
/// Thread safe. Media come and go on the server's threads, one per client and the media's own
/// (media-configure when the first client asks, unprepared when the last one left), possibly at once;
/// samples arrive on the encoder's streaming thread.
/// </remarks>
internal sealed unsafe partial class RtspMount : IDisposable, INativeCallbackTarget
{
    /// <summary>The name of the appsrc in the media's launch description.</summary>
    internal const string SourceName = "backpack_rtsp_source";

    /// <summary>The role the credentials' token carries and the factory grants access to.</summary>
    internal const string ViewerRole = "backpack-viewer";

    // The appsrc queues at most a second of video; when the media stops reading (every client paused) the oldest go.
    // SPS and PPS come in-band before every key frame from the SkyLine's h264parse, once per access unit; the
    // payloader must not insert them too (config-interval=-1 would put them before each slice of a multi-slice
    // key frame, and a parameter set starts a new access unit: decoders would split the picture in two).
    private const string Launch =
        $"( appsrc name={SourceName} is-live=true format=time do-timestamp=false min-latency=0 max-buffers=30 max-bytes=0 leaky-type=downstream " +
        "! rtph264pay name=pay0 pt=96 )";

    private readonly Lock _gate = new();
    // Serialises the calls of _activeChanged, so that the last one always tells the state as it is now even
    // when a media comes on one client's thread while another goes on another thread.
    private readonly Lock _activeGate = new();
    private readonly List<RtspMedia> _media = [];
    private readonly HashSet<nint> _clients = [];
    private readonly RtspTransports _transports;
    private readonly bool _requireViewerRole;
    private GObjectHandle _factory;
    private bool _ended;
    private readonly Action<bool> _activeChanged;
    private readonly ILogger _logger;
    private bool _mounted;
    private bool _disposed;
    private bool _reportedActive;
    private long _pushFailures;
    private long _keyFrames;

    /// <summary>Makes the factory; nothing is served until <see cref="Mount"/>.</summary>
    /// <param name="path">The mount path, such as <c>/camera</c>.</param>
    /// <param name="transports">The transports clients may use.</param>
    /// <param name="requireViewerRole">Whether only clients whose token has <see cref="ViewerRole"/> may use the stream (authentication on).</param>
    /// <param name="activeChanged">Called with true when frames are wanted (a media prepares, or a client asks for the stream), false when not any more; on a server thread.</param>
    /// <param name="logger">Where problems go.</param>
    internal RtspMount(string path, RtspTransports transports, bool requireViewerRole, Action<bool> activeChanged, ILogger logger)
    {
        Path = path;
        _activeChanged = activeChanged;
        _logger = logger;
        _transports = transports;
        _requireViewerRole = requireViewerRole;
        _factory = CreateFactory();
    }

    /// <summary>The mount path.</summary>
    internal string Path { get; }

    /// <inheritdoc/>
    ILogger INativeCallbackTarget.CallbackLogger => _logger;

    /// <inheritdoc/>
    string INativeCallbackTarget.CallbackContext => $"RTSP stream {Path}";

    /// <summary>
    /// Whether frames are wanted: a media waits for the frame that prepares it, or a client that asked for
    /// the stream is connected and a media serves it. A media stays prepared while the stream is mounted,
    /// watched or not; with nobody watching it takes no frames and nothing is encoded.
    /// </summary>
    internal bool IsActive
    {
        get
        {
            lock (_gate)
            {
                var serving = false;
                foreach (var media in _media)
                {
                    if (media.IsPreparing)
                    {
                        return true;
                    }
                    serving |= !media.IsEnding;
                }
                return serving && _clients.Count > 0;
            }
        }
    }

    /// <summary>How many media (pipelines serving clients) exist now: one once anybody asked for the stream, as the media is shared.</summary>
    internal int MediaCount
    {
        get
        {
            lock (_gate)
            {
                return _media.Count;
            }
        }
    }

    /// <summary>The connected clients that asked for this stream.</summary>
    internal int ClientCount
    {
        get
        {
            lock (_gate)
            {
                return _clients.Count;
            }
        }
    }

    /// <summary>
    /// The factory names of the elements of a <paramref name="kind"/> inside the media that exist now, such as
    /// <c>rtph264pay</c> for payloaders (for tests: a media must hold no encoder, since the SkyLine encodes once for all).
    /// </summary>
    internal IReadOnlyList<string> MediaElements(Gst.ElementFactoryType kind)
    {
        lock (_gate)
        {
            // A media in the list is not unprepared yet (Detach waits for this lock), so it is alive.
            var found = new List<string>();
            foreach (var media in _media)
            {
                using var bin = new Element(GstObjectHandle.TakeOwnership(GstRtspServer.MediaGetElement(media.Media)));
                found.AddRange(bin.ElementsInside(kind));
            }
            return found;
        }
    }

    /// <summary>Key frames handed to the media since the mount was made.</summary>
    internal long KeyFramesPushed => Interlocked.Read(ref _keyFrames);

    /// <summary>Encoded frames that could not be handed to a media (other than while it was stopping).</summary>
    internal long PushFailures => Interlocked.Read(ref _pushFailures);

    /// <summary>
    /// A shared media factory for the launch description: a new one each time the stream is served again
    /// after it ended, so that no client is handed a media of the previous time (the factory caches its media).
    /// </summary>
    private GObjectHandle CreateFactory()
    {
        var handle = GObjectHandle.TakeOwnership(GstRtspServer.MediaFactoryNew());
        using (handle.Lease(out var factory))
        {
            GstRtspServer.MediaFactorySetLaunch(factory, Launch);
            GstRtspServer.MediaFactorySetShared(factory, shared: true);
            GstRtspServer.MediaFactorySetProtocols(factory, (GstRtspServer.LowerTransport)_transports);
            if (_requireViewerRole)
            {
                var role = Gst.StructureNewFromString($"{ViewerRole}, media.factory.access=(boolean)true, media.factory.construct=(boolean)true");
                GstRtspServer.MediaFactoryAddRoleFromStructure(factory, role);
                Gst.StructureFree(role);
            }
            var state = GCHandle.ToIntPtr(GCHandle.Alloc(this));
            var id = GObject.SignalConnectData(
                factory, "media-configure", (nint)(delegate* unmanaged<nint, nint, nint, void>)&OnMediaConfigure, state, &NativeBoundary.FreeGCHandleClosure, 0);
            if (id == 0)
            {
                GCHandle.FromIntPtr(state).Free();
                handle.Dispose();
                throw new GStreamerException("The RTSP media factory has no media-configure signal; the gst-rtsp-server library is not the expected one.");
            }
        }
        return handle;
    }

    /// <summary>Adds the factory to the server's mount points (idempotent).</summary>
    internal void Mount(GObjectHandle mountPoints)
    {
        lock (_gate)
        {
            if (_mounted || _disposed)
            {
                return;
            }
            if (_ended)
            {
                _factory.Dispose();
                _factory = CreateFactory();
                _ended = false;
            }
            using (mountPoints.Lease(out var mounts))
            using (_factory.Lease(out var factory))
            {
                // The mount points take a reference of their own; this object keeps its own.
                GstRtspServer.MountPointsAddFactory(mounts, Path, GObject.ObjectRef(factory));
            }
            _mounted = true;
        }
    }

    /// <summary>Removes the factory from the mount points (idempotent): new clients get 404; media already made live on.</summary>
    internal void Unmount(GObjectHandle mountPoints)
    {
        lock (_gate)
        {
            if (!_mounted)
            {
                return;
            }
            using (mountPoints.Lease(out var mounts))
            {
                GstRtspServer.MountPointsRemoveFactory(mounts, Path);
            }
            _mounted = false;
        }
    }

    /// <summary>
    /// Ends the stream for every media: a media that had frames gets end of stream, so that its RTP session
    /// sends RTCP BYE to its clients; a media still waiting for its first frame fails, so that the client
    /// connecting to it is refused at once (503) instead of waiting for a frame that will not come.
    /// </summary>
    /// <remarks>
    /// The mount stops being a user of each media: a media is unprepared, and its memory returned, once its
    /// last client is gone too (the caller disconnects them once <see cref="RtspMedia.Ended"/>).
    /// </remarks>
    /// <returns>The ended media, whose <see cref="RtspMedia.Ended"/> tells when their clients were told.</returns>
    internal IReadOnlyList<RtspMedia> EndStream()
    {
        List<RtspMedia> ended;
        lock (_gate)
        {
            _ended = true;
            foreach (var media in _media)
            {
                media.End();
            }
            ended = [.. _media];
        }
        foreach (var media in ended)
        {
            media.Release();
        }
        ReportActivity();
        return ended;
    }

    /// <summary>Whether <paramref name="media"/> (a GstRTSPMedia*) was made by this mount's factory.</summary>
    internal bool Owns(nint media)
    {
        lock (_gate)
        {
            foreach (var active in _media)
            {
                if (active.Media == media)
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>Remembers a client (a GstRTSPClient*) that asked for this stream: frames are wanted.</summary>
    internal void AddClient(nint client)
    {
        bool added;
        lock (_gate)
        {
            added = _clients.Add(client);
        }
        if (added)
        {
            ReportActivity();
        }
    }

    /// <summary>Forgets a client that closed or tore its session down; false when it had not asked for this stream.</summary>
    internal bool RemoveClient(nint client)
    {
        bool removed;
        lock (_gate)
        {
            removed = _clients.Remove(client);
        }
        if (removed)
        {
            ReportActivity();
        }
        return removed;
    }

    /// <summary>The clients that asked for this stream, now.</summary>
    internal HashSet<nint> SnapshotClients()
    {
        lock (_gate)
        {
            return [.. _clients];
        }
    }

    /// <summary>
    /// Hands an encoded access unit (a GstSample*, borrowed) to every media: the buffer's metadata is copied
    /// (its memory is shared), its time moved onto the media's clock, and the copy pushed into the appsrc.
    /// Called on the encoder's streaming thread; allocates nothing on the managed heap.
    /// </summary>
    internal void Push(nint sample)
    {
        var buffer = Gst.SampleGetBuffer(sample);
        if (buffer == 0)
        {
            return;
        }
        var caps = Gst.SampleGetCaps(sample);
        var view = new BufferView(buffer);
        var pts = view.Pts;
        var isKeyFrame = view.IsKeyFrame;
        lock (_gate)
        {
            if (_media.Count > 0 && isKeyFrame)
            {
                Interlocked.Increment(ref _keyFrames);
            }
            foreach (var media in _media)
            {
                if (media.Admits(isKeyFrame))
                {
                    PushTo(media, buffer, caps, pts);
                }
            }
        }
    }

    /// <summary>A client starts playing <paramref name="media"/> (a GstRTSPMedia* of this mount): the first time, frames flow again from the next key frame.</summary>
    internal void Played(nint media)
    {
        lock (_gate)
        {
            foreach (var active in _media)
            {
                if (active.Media == media)
                {
                    active.Play();
                }
            }
        }
    }

    /// <summary>
    /// Ends every media that was not ended yet, takes back the mount's prepare counts and drops the factory.
    /// Each media lives on until its last client is gone (its own unprepare then frees it). Idempotent.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _clients.Clear();
        }
        _ = EndStream();
        _factory.Dispose();
    }

    private void PushTo(RtspMedia media, nint buffer, nint caps, ulong? pts)
    {
        using (media.Source.Handle.Lease(out var appsrc))
        {
            if (caps != 0 && caps != media.Caps)
            {
                GstApp.AppSrcSetCaps(appsrc, caps);
                media.SetCaps(caps);
            }
            var copy = Gst.MiniObjectCopy(buffer);
            var time = media.MapTime(pts, RunningTime(appsrc));
            NativeLayout.WriteUInt64(copy, NativeLayout.BufferPts, time);
            NativeLayout.WriteUInt64(copy, NativeLayout.BufferDts, time);
            var result = GstApp.AppSrcPushBuffer(appsrc, copy);
            if (result is not (Gst.FlowReturn.Ok or Gst.FlowReturn.Flushing or Gst.FlowReturn.Eos) && Interlocked.Increment(ref _pushFailures) == 1)
            {
                LogPushFailed(_logger, Path, result);
            }
        }
    }

    /// <summary>The media pipeline's running time now (its clock minus its base time), or null before it has a clock.</summary>
    private static long? RunningTime(nint element)
    {
        var clock = Gst.ElementGetClock(element);
        if (clock == 0)
        {
            return null;
        }
        var now = Gst.ClockGetTime(clock);
        Gst.ObjectUnref(clock);
        return (long)(now - Gst.ElementGetBaseTime(element));
    }

    [UnmanagedCallersOnly]
    private static void OnMediaConfigure(nint factory, nint media, nint state) =>
        NativeBoundary.Enter<RtspMount, nint>("RTSP media-configure", state, media, &Attach);

    [UnmanagedCallersOnly]
    private static void OnMediaPrepared(nint media, nint state) =>
        NativeBoundary.Enter<RtspMount, nint>("RTSP media prepared", state, media, &KeepPrepared);

    [UnmanagedCallersOnly]
    private static int OnMediaEndOfStream(nint media, nint message, nint state) =>
        NativeBoundary.Enter<RtspMount, nint, int>("RTSP media end of stream", state, media, &MediaEnded, 1);

    [UnmanagedCallersOnly]
    private static void OnMediaUnprepared(nint media, nint state) =>
        NativeBoundary.Enter<RtspMount, nint>("RTSP media unprepared", state, media, &Detach);

    private static void Attach(RtspMount mount, nint media) => mount.Attach(media);

    private static void KeepPrepared(RtspMount mount, nint media) => mount.KeepPrepared(media);

    private static int MediaEnded(RtspMount mount, nint media)
    {
        mount.Find(media)?.MarkEnded();
        return 1;
    }

    private static void Detach(RtspMount mount, nint media) => mount.Detach(media);

    private void Attach(nint media)
    {
        using var bin = new Element(GstObjectHandle.TakeOwnership(GstRtspServer.MediaGetElement(media)));
        GstObjectHandle source;
        using (bin.Handle.Lease(out var element))
        {
            var appsrc = Gst.BinGetByName(element, SourceName);
            source = appsrc != 0
                ? GstObjectHandle.TakeOwnership(appsrc)
                : throw new GStreamerException($"The media of {Path} has no element named {SourceName}.");
        }
        var active = new RtspMedia(media, new AppSrc(source));
        ConnectMedia(media, "unprepared", (nint)(delegate* unmanaged<nint, nint, void>)&OnMediaUnprepared);
        ConnectMedia(media, "prepared", (nint)(delegate* unmanaged<nint, nint, void>)&OnMediaPrepared);
        ConnectMedia(media, "handle-message::eos", (nint)(delegate* unmanaged<nint, nint, nint, int>)&OnMediaEndOfStream);
        lock (_gate)
        {
            if (!_disposed)
            {
                _media.Add(active);
                active = null;
            }
        }
        active?.Dispose();
        LogMediaPrepared(_logger, Path);
        ReportActivity();
    }

    /// <summary>Connects a signal of a media to a static callback whose user data leads to this mount, for as long as the media lives.</summary>
    private void ConnectMedia(nint media, string signal, nint callback)
    {
        var state = GCHandle.ToIntPtr(GCHandle.Alloc(this));
        if (GObject.SignalConnectData(media, signal, callback, state, &NativeBoundary.FreeGCHandleClosure, 0) == 0)
        {
            GCHandle.FromIntPtr(state).Free();
            throw new GStreamerException($"The RTSP media has no '{signal}' signal; the gst-rtsp-server library is older than 1.22.");
        }
    }

    /// <summary>The library prepared a media of this mount: the mount becomes one of its users (see <see cref="RtspMedia.Keep"/>).</summary>
    private void KeepPrepared(nint media)
    {
        bool keep;
        lock (_gate)
        {
            keep = Find(media)?.Keep() ?? false;
        }
        // The media is prepared: this returns at once, counting one more user.
        if (keep && !GstRtspServer.MediaPrepare(media, 0))
        {
            lock (_gate)
            {
                Find(media)?.Unkeep();
            }
        }
    }

    private void Detach(nint media)
    {
        RtspMedia? removed = null;
        lock (_gate)
        {
            var index = _media.FindIndex(active => active.Media == media);
            if (index < 0)
            {
                return;
            }
            removed = _media[index];
            _media.RemoveAt(index);
        }
        removed.Dispose();
        LogMediaUnprepared(_logger, Path);
        ReportActivity();
        RtspMemory.ReturnFreedPagesSoon();
    }

    /// <summary>The media of this mount behind a GstRTSPMedia*, or null.</summary>
    private RtspMedia? Find(nint media)
    {
        lock (_gate)
        {
            return _media.Find(active => active.Media == media);
        }
    }

    /// <summary>Tells the SkyLine whether a media wants frames, when that changed since it was last told.</summary>
    private void ReportActivity()
    {
        lock (_activeGate)
        {
            var active = IsActive;
            if (active != _reportedActive)
            {
                _reportedActive = active;
                if (active)
                {
                    lock (_gate)
                    {
                        foreach (var media in _media)
                        {
                            media.Resume();
                        }
                    }
                }
                _activeChanged(active);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "RTSP stream {Path}: a client asked for it; its media is prepared and the encoder starts")]
    private static partial void LogMediaPrepared(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "RTSP stream {Path}: its media was released")]
    private static partial void LogMediaUnprepared(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RTSP stream {Path}: a frame could not be handed to a client's media ({Result}); further failures are counted, not logged")]
    private static partial void LogPushFailed(ILogger logger, string path, Gst.FlowReturn result);
}
