using System.Globalization;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Backpack.Streaming.Outputs;
using Backpack.Streaming.SkyLines;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.WebRtc;

/// <summary>
/// The WebRTC media part of a browser live view: the SkyLine's encoded H.264 payloaded once into RTP and sent to
/// any number of viewers (<see cref="WebRtcPeer"/>, a webrtcbin each), never re-encoded. It speaks SDP and ICE
/// candidates as strings; the signalling (a WebSocket, say) is the application's.
/// </summary>
/// <remarks>
/// <para>
/// Its pipeline, <c>appsrc ! h264parse ! rtph264pay config-interval=-1 ! tee</c>, lives as long as the output:
/// a restart of the SkyLine's stream (a new codec configuration) goes on to the connected viewers (SPS and PPS
/// come with every IDR frame). Each peer adds <c>queue leaky=downstream ! webrtcbin</c> on a pad of the tee, and
/// disposing it frees them. A viewer that connects gets a key frame at once. A failure of the pipeline fails every
/// peer (state <see cref="WebRtcPeerState.Failed"/> with the reason logged) and the pipeline is rebuilt for the next ones.
/// </para>
/// <para>
/// <see cref="SkyLineOutput.NeedsFrames"/> is true while it has a peer: without viewers the SkyLine encodes nothing
/// for it. Statistics extras: <c>peers</c>, <c>peers.connected</c>, <c>elements</c>. Thread safe.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using var webrtc = new WebRtcOutput(new WebRtcOutputOptions { Name = "browser" });
/// skyLine.Attach(webrtc);
/// using var peer = webrtc.CreatePeer();
/// peer.LocalCandidate += (_, e) => signalling.SendCandidate(e.SdpMLineIndex, e.Candidate);
/// signalling.SendOffer(await peer.CreateOfferAsync());
/// peer.SetRemoteAnswer(await signalling.ReceiveAnswerAsync());
/// </code>
/// </example>
public sealed partial class WebRtcOutput : SkyLineOutput, INativeCallbackTarget
{
    private const string SourceName = "backpack_webrtc_source";
    private const string TeeName = "backpack_webrtc_tee";

    private readonly WebRtcOutputOptions _options;
    private readonly Lock _gate = new();
    private readonly List<WebRtcPeer> _peers = [];
    private volatile WebRtcPeer[] _peerSnapshot = [];
    private Pipeline? _pipeline;
    private AppSrc? _source;
    private Element? _tee;
    private BusWatcher? _bus;
    private string? _capsText;
    private H264Configuration? _configuration;
    private long _timeOffset;
    private long _lastTime = -1;
    private bool _hasTimeBase;
    private volatile bool _failed;
    private string? _failure;
    private int _peerNumber;
    private int _peerCount;
    private bool _disposed;

    /// <summary>Prepares a WebRTC output; attach it to a SkyLine, then create peers.</summary>
    /// <param name="options">The options; null for the defaults.</param>
    /// <param name="loggerFactory">Where logs go; null for none.</param>
    /// <exception cref="ArgumentException">An option is invalid; the parameter name is the property's.</exception>
    /// <exception cref="Runtime.GStreamerUnavailableException">GStreamer, webrtcbin or libnice's elements are not installed; the message names the Debian package.</exception>
    public WebRtcOutput(WebRtcOutputOptions? options = null, ILoggerFactory? loggerFactory = null)
        : base(Validated(options).Name, loggerFactory: loggerFactory)
    {
        _options = options ?? new WebRtcOutputOptions();
        GStreamerRuntime.RequireElements(["appsrc", "h264parse", "rtph264pay", "tee", "queue", "webrtcbin", "nicesrc", "nicesink"], "The WebRTC output");
    }

    /// <summary>Peers now (created and not yet disposed), 0 to <see cref="WebRtcOutputOptions.MaxPeers"/>.</summary>
    public int PeerCount => Volatile.Read(ref _peerCount);

    /// <summary>
    /// The GStreamer elements in the output's pipeline now, counted at any depth (webrtcbin's insides too); 0 before
    /// its first peer or stream. A disposed peer's elements are gone from it. For tests and diagnostics: it walks the pipeline.
    /// </summary>
    public int ElementCount
    {
        get
        {
            lock (_gate)
            {
                return _pipeline?.CountElementsInside() ?? 0;
            }
        }
    }

    /// <summary>True while the output has at least one peer.</summary>
    public override bool NeedsFrames => PeerCount > 0;

    /// <inheritdoc/>
    protected override string Kind => "webrtc";

    /// <inheritdoc/>
    ILogger INativeCallbackTarget.CallbackLogger => Logger;

    /// <inheritdoc/>
    string INativeCallbackTarget.CallbackContext => $"webrtc output {Name}";

    /// <summary>The name and options, TURN passwords masked.</summary>
    public override string ToString() => $"webrtc output {Name} ({_options})";

    /// <summary>Adds a viewer: a webrtcbin branch on the output's stream. Make its offer next (<see cref="WebRtcPeer.CreateOfferAsync"/>).</summary>
    /// <returns>The peer; dispose it when the viewer leaves.</returns>
    /// <exception cref="InvalidOperationException">The output has <see cref="WebRtcOutputOptions.MaxPeers"/> peers already ("too many peers (N of MaxPeers)"), or it is not attached to a SkyLine.</exception>
    /// <exception cref="ObjectDisposedException">The output is disposed.</exception>
    /// <exception cref="GStreamerException">The branch could not be built.</exception>
    public WebRtcPeer CreatePeer()
    {
        WebRtcPeer peer;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (SkyLine is null)
            {
                throw new InvalidOperationException($"The WebRTC output {Name} is not attached to a SkyLine; attach it before creating peers.");
            }
            if (_peers.Count >= _options.MaxPeers)
            {
                throw new InvalidOperationException($"The WebRTC output {Name} has too many peers ({_peers.Count} of {_options.MaxPeers}).");
            }
            EnsurePipelineLocked();
            peer = new WebRtcPeer(this, $"peer{++_peerNumber}", Logger);
            try
            {
                peer.Build(_pipeline!, _tee!, _options, CodecPreferences);
            }
            catch (Exception exception) when (exception is GStreamerException or ArgumentException)
            {
                peer.TearDown(_pipeline, _tee, WebRtcPeerState.Failed, exception.Message);
                throw new GStreamerException($"The WebRTC output {Name} could not add a peer: {exception.Message}", exception);
            }
            _peers.Add(peer);
            PeersChangedLocked();
        }
        LogPeerCreated(Logger, Name, peer.Id, PeerCount);
        OnNeedsFramesChanged();
        return peer;
    }

    // ---- the stream ----------------------------------------------------------------------------------

    /// <inheritdoc/>
    protected override void OnStreamStarted(H264Configuration configuration, StreamFormat format)
    {
        lock (_gate)
        {
            var changed = _configuration is not null && !_configuration.Equals(configuration);
            _configuration = configuration;
            _capsText = Caps(configuration, format);
            _hasTimeBase = false;
            if (_disposed)
            {
                return;
            }
            if (_failed)
            {
                FailPipelineLocked();
            }
            EnsurePipelineLocked();
            _source!.SetCaps(_capsText);
            if (changed && _peers.Count > 0)
            {
                LogConfigurationChanged(Logger, Name, configuration, _peers.Count);
            }
        }
    }

    /// <inheritdoc/>
    protected override void OnFrame(EncodedFrame frame)
    {
        AppSrc? source;
        ulong time;
        lock (_gate)
        {
            if (_failed)
            {
                FailPipelineLocked();
                if (_peers.Count == 0 && !_disposed)
                {
                    EnsurePipelineLocked();
                    _source!.SetCaps(_capsText!);
                }
            }
            source = _source;
            if (source is null || _pipeline is null)
            {
                return;
            }
            // Each stream continues the pipeline's running time (a restart goes on for the connected viewers), and no
            // frame is stamped later than the moment it arrives: webrtcbin's sink waits for a buffer's time, so one
            // frame that came late when the offset was taken (the first after the encoder resumed came 180 ms late)
            // would hold every later one back by as much. The offset only shrinks; times only grow.
            var now = (long)(_pipeline.RunningTime ?? 0);
            var offset = now - (long)frame.PipelineTime;
            if (!_hasTimeBase || offset < _timeOffset)
            {
                _timeOffset = offset;
                _hasTimeBase = true;
            }
            var shifted = Math.Max((long)frame.PipelineTime + _timeOffset, _lastTime + 1);
            _lastTime = shifted;
            time = shifted > 0 ? (ulong)shifted : 0;
        }
        var buffer = SinkOutput.BufferOf(frame, time);
        var result = source.Push(buffer);
        if (result is not (Gst.FlowReturn.Ok or Gst.FlowReturn.Flushing))
        {
            FailShared($"the pipeline refused a frame ({result})", null);
        }
    }

    /// <inheritdoc/>
    protected override void OnStreamEnded(bool drained)
    {
        // The pipeline and its peers stay for the next stream (a restart): viewers see the video go on.
        lock (_gate)
        {
            _hasTimeBase = false;
        }
    }

    /// <inheritdoc/>
    protected override void AddExtras(List<KeyValuePair<string, double>> extras)
    {
        int peers;
        int connected;
        lock (_gate)
        {
            peers = _peers.Count;
            connected = _peers.Count(peer => peer.IsConnected);
        }
        extras.Add(new("peers", peers));
        extras.Add(new("peers.connected", connected));
        extras.Add(new("elements", ElementCount));
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        // Detach first: the output's thread ends, no frame is pushed any more.
        base.Dispose(disposing);
        if (!disposing)
        {
            return;
        }
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var peer in _peers)
            {
                peer.TearDown(_pipeline, _tee, WebRtcPeerState.Closed, "the output was disposed");
            }
            _peers.Clear();
            PeersChangedLocked();
            TearDownPipelineLocked();
        }
    }

    // ---- for peers ------------------------------------------------------------------------------------

    /// <summary>A peer is disposed: its branch goes.</summary>
    internal void RemovePeer(WebRtcPeer peer, string reason)
    {
        bool removed;
        lock (_gate)
        {
            removed = _peers.Remove(peer);
            if (removed)
            {
                PeersChangedLocked();
                peer.TearDown(_pipeline, _tee, WebRtcPeerState.Closed, reason);
            }
        }
        if (removed)
        {
            LogPeerRemoved(Logger, Name, peer.Id, PeerCount);
            OnNeedsFramesChanged();
        }
    }

    /// <summary>A peer connected: it needs a key frame now (the SkyLine rate-limits the requests).</summary>
    internal void OnPeerConnected(WebRtcPeer peer) => RequestKeyFrame();

    /// <summary>Logs a peer's change of state.</summary>
    internal void OnPeerStateChanged(WebRtcPeer peer, WebRtcPeerState previous, WebRtcPeerState state, string? reason)
    {
        if (state == WebRtcPeerState.Failed)
        {
            LogPeerFailed(Logger, Name, peer.Id, reason ?? "unknown");
        }
        else
        {
            LogPeerState(Logger, Name, peer.Id, previous, state);
        }
    }

    // ---- the pipeline -----------------------------------------------------------------------------------

    private void EnsurePipelineLocked()
    {
        if (_pipeline is not null)
        {
            return;
        }
        var caps = _capsText ?? "video/x-h264,stream-format=avc,alignment=au";
        var description =
            $"appsrc name={SourceName} is-live=true format=time do-timestamp=false max-bytes=0 block=false caps=\"{caps}\" " +
            $"! h264parse ! rtph264pay config-interval=-1 pt=96 aggregate-mode=zero-latency ! tee name={TeeName} allow-not-linked=true";
        var pipeline = Pipeline.Parse(description);
        try
        {
            var source = pipeline.GetAppSrc(SourceName);
            var tee = pipeline.GetElement(TeeName);
            if (pipeline.SetState(Gst.State.Playing) == Gst.StateChangeReturn.Failure)
            {
                var error = pipeline.TryPopError();
                source.Dispose();
                tee.Dispose();
                throw new GStreamerException($"The WebRTC output {Name}'s pipeline did not start: {error?.Text ?? "no reason given"}");
            }
            _bus = new BusWatcher(pipeline, Gst.MessageType.Error, OnBusMessage, $"webrtc {Name} bus", Logger);
            _pipeline = pipeline;
            _source = source;
            _tee = tee;
            _failed = false;
            _hasTimeBase = false;
            _lastTime = -1;
            pipeline = null;
        }
        finally
        {
            pipeline?.Dispose();
        }
    }

    /// <summary>On the bus thread: an error of one peer's webrtcbin fails that peer; any other fails the pipeline (handled at the next frame).</summary>
    private void OnBusMessage(BusMessage message)
    {
        var (text, debug) = message.ParseProblem();
        var path = message.SourcePath;
        // Never the lock here: a teardown holding it stops this thread.
        var owner = Array.Find(_peerSnapshot, peer => peer.Owns(path));
        if (owner is not null)
        {
            owner.Fail($"webrtcbin error from {message.SourceName}: {text}");
            return;
        }
        FailShared($"pipeline error from {message.SourceName}: {text}", debug);
    }

    private void FailShared(string reason, string? debug)
    {
        _failure = reason;
        _failed = true;
        ReportFailure(reason, debug);
    }

    /// <summary>The shared part failed: every peer fails (its viewer reconnects with a new one) and the pipeline goes.</summary>
    private void FailPipelineLocked()
    {
        var reason = _failure ?? "the pipeline failed";
        foreach (var peer in _peers)
        {
            peer.TearDown(_pipeline, _tee, WebRtcPeerState.Failed, reason);
        }
        var hadPeers = _peers.Count > 0;
        _peers.Clear();
        PeersChangedLocked();
        TearDownPipelineLocked();
        _failed = false;
        if (hadPeers)
        {
            // The SkyLine is told outside this thread's lock by the next frame's fan-out; nothing else to do here.
            // Nobody awaits it: BackgroundWork's task never faults.
            _ = BackgroundWork.RunAsync("webrtc output activity", Logger, () =>
            {
                OnNeedsFramesChanged();
                return Task.CompletedTask;
            });
        }
    }

    private void TearDownPipelineLocked()
    {
        var bus = _bus;
        _bus = null;
        // The bus thread may wait for the lock: stop it without holding up on it.
        bus?.Dispose();
        _source?.Dispose();
        _tee?.Dispose();
        _pipeline?.Dispose();
        _source = null;
        _tee = null;
        _pipeline = null;
    }

    private void PeersChangedLocked()
    {
        Volatile.Write(ref _peerCount, _peers.Count);
        _peerSnapshot = [.. _peers];
    }

    private static WebRtcOutputOptions Validated(WebRtcOutputOptions? options)
    {
        options ??= new WebRtcOutputOptions();
        options.Validate();
        return options;
    }

    /// <summary>The caps of the stream with its codec data.</summary>
    private static string Caps(H264Configuration configuration, StreamFormat format)
    {
        Gst.UtilDoubleToFraction(format.FrameRate, out var numerator, out var denominator);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"video/x-h264,stream-format=avc,alignment=au,codec_data=(buffer){Convert.ToHexStringLower(configuration.DecoderConfigurationRecord.Span)},width={format.Width},height={format.Height},framerate={numerator}/{denominator},pixel-aspect-ratio=1/1");
    }

    /// <summary>
    /// What the transceiver offers: H.264, packetization-mode 1. The profile and level come from the stream's own caps
    /// once frames flowed through the branch (webrtcbin intersects them), so they are not fixed here.
    /// </summary>
    private const string CodecPreferences =
        "application/x-rtp,media=video,encoding-name=H264,payload=96,clock-rate=90000,packetization-mode=(string)1";

    [LoggerMessage(Level = LogLevel.Information, Message = "WebRTC output {Name}: peer {Peer} created ({Count} now)")]
    private static partial void LogPeerCreated(ILogger logger, string name, string peer, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "WebRTC output {Name}: peer {Peer} closed ({Count} left)")]
    private static partial void LogPeerRemoved(ILogger logger, string name, string peer, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "WebRTC output {Name}: peer {Peer} {Previous} -> {State}")]
    private static partial void LogPeerState(ILogger logger, string name, string peer, WebRtcPeerState previous, WebRtcPeerState state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebRTC output {Name}: peer {Peer} failed: {Reason}")]
    private static partial void LogPeerFailed(ILogger logger, string name, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "WebRTC output {Name}: the stream restarted with {Configuration}; its {Count} peers go on")]
    private static partial void LogConfigurationChanged(ILogger logger, string name, H264Configuration configuration, int count);
}
