using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Backpack.Streaming.SkyLines;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.WebRtc;

/// <summary>
/// One viewer of a <see cref="WebRtcOutput"/>: a webrtcbin of its own fed from the output's single payloaded
/// stream (never re-encoded). Speaks SDP and ICE candidates as strings: the server is the offerer.
/// </summary>
/// <remarks>
/// <para>
/// Signalling: <see cref="CreateOfferAsync"/>, send the offer to the viewer, give its answer to
/// <see cref="SetRemoteAnswer"/>; send every <see cref="LocalCandidate"/> to the viewer and give each of its
/// candidates to <see cref="AddRemoteCandidate"/>. Once <see cref="WebRtcPeerState.Connected"/>, the viewer gets a key
/// frame at once.
/// </para>
/// <para>
/// Events are raised one at a time on a thread pool thread, never on a GStreamer thread; a handler that throws is
/// logged and the peer goes on. Thread safe: every member may be called from any thread.
/// </para>
/// </remarks>
public sealed class WebRtcPeer : IDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);

    private readonly WebRtcOutput _output;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly EventDispatcher<WebRtcPeerStateChangedEventArgs> _stateEvents;
    private readonly EventDispatcher<WebRtcIceCandidateEventArgs> _candidateEvents;
    private WebRtcBin? _webrtc;
    private Element? _queue;
    private GstObjectHandle? _teePad;
    private GstObjectHandle? _sinkPad;
    private WebRtcPeerState _state = WebRtcPeerState.New;
    private bool _offered;
    private int _disposed;

    internal WebRtcPeer(WebRtcOutput output, string id, ILogger logger)
    {
        _output = output;
        _logger = logger;
        Id = id;
        _stateEvents = new(this, logger, $"WebRTC peer {id}");
        _candidateEvents = new(this, logger, $"WebRTC peer {id}");
    }

    /// <summary>The peer's id, unique within its output, such as <c>peer3</c>.</summary>
    public string Id { get; }

    /// <summary>The state now.</summary>
    public WebRtcPeerState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Raised when <see cref="State"/> changes, in order, on a thread pool thread.</summary>
    public event EventHandler<WebRtcPeerStateChangedEventArgs>? StateChanged;

    /// <summary>Raised for each local ICE candidate (after <see cref="CreateOfferAsync"/>), on a thread pool thread: send it to the viewer.</summary>
    public event EventHandler<WebRtcIceCandidateEventArgs>? LocalCandidate;

    /// <summary>
    /// Creates the SDP offer (one sendonly H.264 video stream, packetization-mode=1, bundled) and sets it as the local
    /// description; local candidates follow through <see cref="LocalCandidate"/>.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (webrtcbin answers within milliseconds).</param>
    /// <returns>The offer's SDP text.</returns>
    /// <exception cref="ObjectDisposedException">The peer is closed.</exception>
    /// <exception cref="GStreamerException">webrtcbin could not make an offer, or the peer was closed meanwhile.</exception>
    /// <exception cref="TimeoutException">webrtcbin made no offer within 10 s.</exception>
    public async Task<string> CreateOfferAsync(CancellationToken cancellationToken = default)
    {
        WebRtcBin webrtc;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_webrtc is null, this);
            webrtc = _webrtc;
            _offered = true;
        }
        Task<string?> offering;
        try
        {
            offering = webrtc.CreateLocalDescriptionAsync(offer: true);
        }
        catch (ObjectDisposedException exception)
        {
            throw new ObjectDisposedException($"WebRTC peer {Id} was closed.", exception);
        }
        var offer = await offering.WaitAsync(AnswerTimeout, cancellationToken).ConfigureAwait(false);
        return offer ?? throw new GStreamerException("webrtcbin made an empty offer.");
    }

    /// <summary>Sets the viewer's SDP answer to the offer of <see cref="CreateOfferAsync"/>; waits (up to 10 s) for webrtcbin to take it.</summary>
    /// <param name="sdp">The answer's SDP text.</param>
    /// <exception cref="ArgumentException">The text does not parse as SDP, has no media, is not an answer, or webrtcbin refused it (the message says why).</exception>
    /// <exception cref="InvalidOperationException">No offer was made yet, or webrtcbin did not answer in time.</exception>
    /// <exception cref="ObjectDisposedException">The peer is closed.</exception>
    public void SetRemoteAnswer(string sdp)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sdp);
        WebRtcBin webrtc;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_webrtc is null, this);
            if (!_offered)
            {
                throw new InvalidOperationException($"WebRTC peer {Id}: create the offer (CreateOfferAsync) before setting an answer.");
            }
            webrtc = _webrtc;
        }
        var message = ParseAnswer(sdp);
        Task<string?> taken;
        try
        {
            taken = webrtc.SetRemoteDescriptionAsync(GstWebRtc.SdpType.Answer, message);
        }
        catch (ObjectDisposedException exception)
        {
            throw new ObjectDisposedException($"WebRTC peer {Id} was closed.", exception);
        }
        try
        {
            if (!taken.Wait(AnswerTimeout))
            {
                throw new InvalidOperationException($"WebRTC peer {Id}: webrtcbin did not take the answer within {AnswerTimeout.TotalSeconds} s.");
            }
        }
        catch (AggregateException exception) when (exception.InnerException is GStreamerException refused)
        {
            throw new ArgumentException($"The SDP answer was refused: {refused.Message}", nameof(sdp), refused);
        }
    }

    /// <summary>Adds one of the viewer's ICE candidates; an empty <paramref name="candidate"/> says it has no more. Ignored once the peer is closed.</summary>
    /// <param name="sdpMLineIndex">The media line index of the candidate, 0 or more.</param>
    /// <param name="candidate">The candidate line (<c>candidate:...</c>), or empty for the end of candidates.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is negative.</exception>
    public void AddRemoteCandidate(int sdpMLineIndex, string candidate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sdpMLineIndex);
        ArgumentNullException.ThrowIfNull(candidate);
        WebRtcBin? webrtc;
        lock (_gate)
        {
            webrtc = _webrtc;
        }
        try
        {
            webrtc?.AddIceCandidate((uint)sdpMLineIndex, candidate);
        }
        catch (ObjectDisposedException)
        {
            // Closed meanwhile.
        }
    }

    /// <summary>Closes the peer: unlinks its branch from the stream, stops and frees its elements. Idempotent; safe from any thread, while frames flow.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _output.RemovePeer(this, "closed");
        }
    }

    /// <summary>The name and state.</summary>
    public override string ToString() => $"WebRTC peer {Id} ({State})";

    // ---- for the output ---------------------------------------------------------------------------

    /// <summary>Whether the peer is connected.</summary>
    internal bool IsConnected => State == WebRtcPeerState.Connected;

    /// <summary>Builds the branch (queue, webrtcbin) in the output's pipeline and links it to a new pad of the tee; called under the output's lock.</summary>
    /// <exception cref="GStreamerException">An element or a link could not be made.</exception>
    internal void Build(Pipeline pipeline, Element tee, WebRtcOutputOptions options, string codecPreferences)
    {
        var queue = Element.TryCreate("queue", $"{Id}_queue") ?? throw new GStreamerException("no queue element");
        var created = Element.TryCreate("webrtcbin", $"{Id}_webrtc") ?? throw new GStreamerException("no webrtcbin element");
        var webrtc = new WebRtcBin(
            GstObjectHandle.AddReference(created.Handle.DangerousGetHandle()), _logger, $"WebRTC peer {Id}", OnIceCandidate, OnConnectionStateChanged);
        created.Dispose();
        _queue = queue;
        _webrtc = webrtc;
        queue.SetProperty("leaky", "downstream");
        queue.SetProperty("max-size-buffers", 120);
        queue.SetProperty("max-size-bytes", 0);
        queue.SetProperty("max-size-time", 0);
        webrtc.SetProperty("bundle-policy", "max-bundle");
        if (options.StunServer is { } stun)
        {
            webrtc.SetProperty("stun-server", stun);
        }
        foreach (var turn in options.TurnServers)
        {
            if (!webrtc.AddTurnServer(turn))
            {
                throw new GStreamerException($"webrtcbin refused the TURN server {WebRtcOutputOptions.Mask(turn)}");
            }
        }
        using (pipeline.Handle.Lease(out var bin))
        using (queue.Handle.Lease(out var queuePointer))
        using (webrtc.Handle.Lease(out var webrtcPointer))
        using (tee.Handle.Lease(out var teePointer))
        {
            Gst.BinAdd(bin, queuePointer);
            Gst.BinAdd(bin, webrtcPointer);
            var sinkPad = GstWebRtc.ElementRequestPadSimple(webrtcPointer, "sink_%u");
            if (sinkPad == 0)
            {
                throw new GStreamerException("webrtcbin gave no sink pad");
            }
            _sinkPad = GstObjectHandle.TakeOwnership(sinkPad);
            ConfigureTransceiver(sinkPad, codecPreferences);
            using var queueSource = queue.GetStaticPad("src");
            using (queueSource.Lease(out var queueSourcePointer))
            {
                Check(GstWebRtc.PadLink(queueSourcePointer, sinkPad), "queue to webrtcbin");
            }
            GstWebRtc.ElementSyncStateWithParent(webrtcPointer);
            GstWebRtc.ElementSyncStateWithParent(queuePointer);
            var teePad = GstWebRtc.ElementRequestPadSimple(teePointer, "src_%u");
            if (teePad == 0)
            {
                throw new GStreamerException("the tee gave no pad");
            }
            _teePad = GstObjectHandle.TakeOwnership(teePad);
            using var queueSink = queue.GetStaticPad("sink");
            using (queueSink.Lease(out var queueSinkPointer))
            {
                Check(GstWebRtc.PadLink(teePad, queueSinkPointer), "tee to queue");
            }
        }
    }

    /// <summary>Unlinks the branch, stops it and takes it out of the pipeline; called under the output's lock. Sets the state (not for a failure already reported).</summary>
    internal void TearDown(Pipeline? pipeline, Element? tee, WebRtcPeerState state, string reason)
    {
        WebRtcBin? webrtc;
        lock (_gate)
        {
            webrtc = _webrtc;
            _webrtc = null;
        }
        Interlocked.Exchange(ref _disposed, 1);
        if (_teePad is { } teePad && tee is not null)
        {
            using (tee.Handle.Lease(out var teePointer))
            using (teePad.Lease(out var padPointer))
            {
                // Deactivates the pad (waiting for a push in progress) and unlinks it: the stream goes on to the others.
                GstWebRtc.ElementReleaseRequestPad(teePointer, padPointer);
            }
        }
        // No callback after this; the element itself is stopped below.
        webrtc?.DisconnectSignals();
        // webrtcbin first: until negotiated it blocks its sink pads, and the queue's thread waits there; stopping
        // webrtcbin flushes them and lets that thread go, then the queue can stop.
        StopAndRemove(pipeline, webrtc);
        StopAndRemove(pipeline, _queue);
        _teePad?.Dispose();
        _sinkPad?.Dispose();
        webrtc?.Dispose();
        _queue?.Dispose();
        _teePad = null;
        _sinkPad = null;
        _queue = null;
        SetState(state, reason);
    }

    /// <summary>The peer's webrtcbin posted an error: the peer failed (its elements stay until it is disposed).</summary>
    internal void Fail(string reason) => SetState(WebRtcPeerState.Failed, reason);

    /// <summary>Whether an element path (of a bus message) is inside this peer's branch.</summary>
    internal bool Owns(string sourcePath) => sourcePath.Contains($":{Id}_", StringComparison.Ordinal);

    private static void StopAndRemove(Pipeline? pipeline, Element? element)
    {
        if (element is null)
        {
            return;
        }
        // The element's own handle may be closed already (the wrapper was disposed): take a fresh lease through the pipeline.
        var handle = element.Handle;
        if (handle.IsClosed)
        {
            return;
        }
        using (handle.Lease(out var pointer))
        {
            Gst.ElementSetState(pointer, Gst.State.Null);
            if (pipeline is not null && !pipeline.Handle.IsClosed)
            {
                using (pipeline.Handle.Lease(out var bin))
                {
                    GstWebRtc.BinRemove(bin, pointer);
                }
            }
        }
    }

    private static void ConfigureTransceiver(nint sinkPad, string codecPreferences)
    {
        var value = default(GObject.Value);
        GObject.ValueInit(ref value, TransceiverType(sinkPad));
        try
        {
            GObject.GetProperty(sinkPad, "transceiver", ref value);
            var transceiver = GObject.ValueGetObject(ref value);
            if (transceiver == 0)
            {
                throw new GStreamerException("webrtcbin's pad has no transceiver");
            }
            Gst.UtilSetObjectArg(transceiver, "direction", "sendonly");
            Gst.UtilSetObjectArg(transceiver, "codec-preferences", codecPreferences);
        }
        finally
        {
            GObject.ValueUnset(ref value);
        }
    }

    private static nuint TransceiverType(nint sinkPad)
    {
        var spec = GObject.ClassFindProperty(NativeLayout.ReadClass(sinkPad), "transceiver");
        return spec == 0
            ? throw new GStreamerException("webrtcbin's pad has no transceiver property (GStreamer 1.20 or later is needed)")
            : (nuint)System.Runtime.InteropServices.Marshal.ReadIntPtr(spec, NativeLayout.ParamSpecValueType);
    }

    private static void Check(int linkResult, string what)
    {
        if (linkResult != 0)
        {
            throw new GStreamerException($"could not link {what} ({linkResult})");
        }
    }

    /// <summary>On webrtcbin's thread.</summary>
    private void OnIceCandidate(uint mediaLineIndex, string candidate)
    {
        var sequence = _candidateEvents.Reserve();
        _candidateEvents.Post(sequence, LocalCandidate, new WebRtcIceCandidateEventArgs((int)mediaLineIndex, candidate));
    }

    /// <summary>On webrtcbin's thread.</summary>
    private void OnConnectionStateChanged()
    {
        WebRtcBin? webrtc;
        lock (_gate)
        {
            webrtc = _webrtc;
        }
        if (webrtc is null)
        {
            return;
        }
        var state = webrtc.ConnectionState switch
        {
            "connecting" => WebRtcPeerState.Connecting,
            "connected" => WebRtcPeerState.Connected,
            "disconnected" => WebRtcPeerState.Disconnected,
            "failed" => WebRtcPeerState.Failed,
            "closed" => WebRtcPeerState.Closed,
            _ => WebRtcPeerState.New,
        };
        if (state == WebRtcPeerState.Closed)
        {
            // webrtcbin closes when it stops: the peer's own Closed comes with its dispose.
            return;
        }
        if (SetState(state, state == WebRtcPeerState.Failed ? "ICE or DTLS failed" : null) && state == WebRtcPeerState.Connected)
        {
            _output.OnPeerConnected(this);
        }
    }

    /// <summary>Moves to a state and raises the event; false when nothing changed (or the peer is closed).</summary>
    private bool SetState(WebRtcPeerState state, string? reason)
    {
        long sequence;
        WebRtcPeerState previous;
        lock (_gate)
        {
            previous = _state;
            if (previous == state || previous == WebRtcPeerState.Closed)
            {
                return false;
            }
            _state = state;
            sequence = _stateEvents.Reserve();
        }
        _output.OnPeerStateChanged(this, previous, state, reason);
        _stateEvents.Post(sequence, StateChanged, new WebRtcPeerStateChangedEventArgs(previous, state, reason));
        return true;
    }

    /// <summary>Parses an SDP answer; the caller passes the message on.</summary>
    private static nint ParseAnswer(string sdp)
    {
        if (GstWebRtc.SdpMessageNewFromText(sdp, out var message) != 0 || message == 0)
        {
            throw new ArgumentException("The SDP answer does not parse.", nameof(sdp));
        }
        string? problem = null;
        if (!sdp.StartsWith("v=0", StringComparison.Ordinal) || GstWebRtc.SdpMessageMediasLength(message) == 0)
        {
            problem = "The text is not an SDP answer: it has no version line or no media.";
        }
        else
        {
            var setup = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(GstWebRtc.SdpMediaGetAttributeValue(GstWebRtc.SdpMessageGetMedia(message, 0), "setup"));
            if (setup == "actpass")
            {
                problem = "The SDP is an offer (a=setup:actpass), not an answer.";
            }
        }
        if (problem is not null)
        {
            _ = GstWebRtc.SdpMessageFree(message);
            throw new ArgumentException(problem, nameof(sdp));
        }
        return message;
    }
}
