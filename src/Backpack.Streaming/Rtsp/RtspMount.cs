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

    /// <summary>How far a buffer's mapped time may stray from the media's clock before the mapping is made again.</summary>
    private const long ResyncNanoseconds = 500_000_000;

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
    private readonly List<ActiveMedia> _media = [];
    private readonly HashSet<nint> _clients = [];
    private readonly GObjectHandle _factory;
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
    /// <param name="activeChanged">Called with true when a media starts wanting frames, false when the last one is gone; on a server thread.</param>
    /// <param name="logger">Where problems go.</param>
    internal RtspMount(string path, RtspTransports transports, bool requireViewerRole, Action<bool> activeChanged, ILogger logger)
    {
        Path = path;
        _activeChanged = activeChanged;
        _logger = logger;
        _factory = GObjectHandle.TakeOwnership(GstRtspServer.MediaFactoryNew());
        using (_factory.Lease(out var factory))
        {
            GstRtspServer.MediaFactorySetLaunch(factory, Launch);
            GstRtspServer.MediaFactorySetShared(factory, shared: true);
            GstRtspServer.MediaFactorySetProtocols(factory, (GstRtspServer.LowerTransport)transports);
            if (requireViewerRole)
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
                throw new GStreamerException("The RTSP media factory has no media-configure signal; the gst-rtsp-server library is not the expected one.");
            }
        }
    }

    /// <summary>The mount path.</summary>
    internal string Path { get; }

    /// <inheritdoc/>
    ILogger INativeCallbackTarget.CallbackLogger => _logger;

    /// <inheritdoc/>
    string INativeCallbackTarget.CallbackContext => $"RTSP stream {Path}";

    /// <summary>Whether a media is prepared and wants frames.</summary>
    internal bool IsActive
    {
        get
        {
            lock (_gate)
            {
                return _media.Count > 0;
            }
        }
    }

    /// <summary>How many media (pipelines serving clients) exist now: one while anybody watches, as the media is shared.</summary>
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

    /// <summary>Adds the factory to the server's mount points (idempotent).</summary>
    internal void Mount(GObjectHandle mountPoints)
    {
        lock (_gate)
        {
            if (_mounted || _disposed)
            {
                return;
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
    /// Ends the stream for every media: a media that had frames sends end of stream (its clients receive an
    /// RTCP BYE); a media still waiting for its first frame fails, so that the client connecting to it is
    /// refused at once (503) instead of waiting for a frame that will not come.
    /// </summary>
    internal void EndStream()
    {
        lock (_gate)
        {
            foreach (var media in _media)
            {
                media.End();
            }
        }
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

    /// <summary>Remembers a client (a GstRTSPClient*) that asked for this stream.</summary>
    internal void AddClient(nint client)
    {
        lock (_gate)
        {
            _clients.Add(client);
        }
    }

    /// <summary>Forgets a client that closed; false when it had not asked for this stream.</summary>
    internal bool RemoveClient(nint client)
    {
        lock (_gate)
        {
            return _clients.Remove(client);
        }
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

    /// <summary>Drops every media and stops listening to the factory's signals. Idempotent.</summary>
    public void Dispose()
    {
        List<ActiveMedia> released;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            released = [.. _media];
            _media.Clear();
            _clients.Clear();
        }
        foreach (var media in released)
        {
            media.Dispose();
        }
        _factory.Dispose();
    }

    private void PushTo(ActiveMedia media, nint buffer, nint caps, ulong? pts)
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
    private static void OnMediaUnprepared(nint media, nint state) =>
        NativeBoundary.Enter<RtspMount, nint>("RTSP media unprepared", state, media, &Detach);

    private static void Attach(RtspMount mount, nint media) => mount.Attach(media);

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
        var state = GCHandle.ToIntPtr(GCHandle.Alloc(this));
        _ = GObject.SignalConnectData(media, "unprepared", (nint)(delegate* unmanaged<nint, nint, void>)&OnMediaUnprepared, state, &NativeBoundary.FreeGCHandleClosure, 0);
        lock (_gate)
        {
            if (_disposed)
            {
                source.Dispose();
                return;
            }
            _media.Add(new ActiveMedia(media, new AppSrc(source)));
        }
        LogMediaPrepared(_logger, Path);
        ReportActivity();
    }

    private void Detach(nint media)
    {
        ActiveMedia? removed = null;
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

    /// <summary>Where a media is in its life, which decides the frames it takes.</summary>
    private enum Phase
    {
        /// <summary>Made for a client's DESCRIBE: it needs one frame to know its format; it takes the first key frame.</summary>
        Preparing,

        /// <summary>Prepared, waiting for PLAY with its stream blocked: it takes nothing, since frames would pile up and leave in one burst at PLAY (more than a client's queue or socket holds).</summary>
        Prepared,

        /// <summary>Played: it takes frames again from the next key frame, so that what follows the prepared one decodes.</summary>
        AwaitingKeyFrame,

        /// <summary>Playing: it takes every frame.</summary>
        Playing,
    }

    /// <summary>A media made from the factory: its appsrc, the caps set on it, its phase and how the SkyLine's times map onto its clock.</summary>
    private sealed class ActiveMedia(nint media, AppSrc source) : IDisposable
    {
        private Phase _phase = Phase.Preparing;
        private bool _ended;
        private long _offset;
        private bool _hasOffset;
        private long _last = -1;

        internal nint Media { get; } = media;

        internal AppSrc Source { get; } = source;

        /// <summary>The caps last set on the appsrc (a reference this object holds), for comparison.</summary>
        internal nint Caps { get; private set; }

        /// <summary>Whether the media takes this frame now; moves to the next phase when it does.</summary>
        internal bool Admits(bool isKeyFrame)
        {
            if (_ended)
            {
                return false;
            }
            switch (_phase)
            {
                case Phase.Preparing when isKeyFrame:
                    _phase = Phase.Prepared;
                    return true;
                case Phase.AwaitingKeyFrame when isKeyFrame:
                    _phase = Phase.Playing;
                    return true;
                case Phase.Playing:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>
        /// Ends the media once: end of stream after frames; before its first frame an error, since the
        /// library would otherwise keep its client waiting (up to 20 s) for the frame that prepares it.
        /// </summary>
        internal void End()
        {
            if (_ended)
            {
                return;
            }
            _ended = true;
            if (_phase == Phase.Preparing)
            {
                Source.PostError("The stream ended before its first frame.");
            }
            else
            {
                Source.EndOfStream();
            }
        }

        /// <summary>A client plays the media; only the first PLAY changes anything (later clients join a flowing stream).</summary>
        internal void Play()
        {
            if (_phase == Phase.Prepared)
            {
                _phase = Phase.AwaitingKeyFrame;
            }
        }

        internal void SetCaps(nint caps)
        {
            var previous = Caps;
            Caps = Gst.MiniObjectRef(caps);
            if (previous != 0)
            {
                Gst.MiniObjectUnref(previous);
            }
        }

        /// <summary>
        /// The media time of a buffer: the SkyLine's time plus an offset fixed by the first buffer (so the
        /// encoder's cadence is kept), made again when it strays from the media's clock by more than half a
        /// second (a restarted SkyLine), and always increasing. Without a clock or a time: none.
        /// </summary>
        internal ulong MapTime(ulong? pts, long? now)
        {
            if (pts is not { } time || now is not { } running)
            {
                return Gst.ClockTimeNone;
            }
            var mapped = (long)time + _offset;
            if (!_hasOffset || Math.Abs(mapped - running) > ResyncNanoseconds)
            {
                _offset = running - (long)time;
                _hasOffset = true;
                mapped = running;
            }
            mapped = Math.Max(Math.Max(mapped, _last + 1), 0);
            _last = mapped;
            return (ulong)mapped;
        }

        public void Dispose()
        {
            Source.Dispose();
            if (Caps != 0)
            {
                Gst.MiniObjectUnref(Caps);
                Caps = 0;
            }
        }
    }
}
