using System.Text.Json;
using Backpack.Streaming.Runtime;
using Backpack.Streaming.WebRtc;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Web;

/// <summary>The viewer's WebRTC peer: the offer, the answer and the candidates, relayed as strings.</summary>
internal sealed partial class ViewerConnection
{
    /// <summary>How long after the page's own WebRTC deadline the server gives an unconnected peer up.</summary>
    private static readonly TimeSpan PeerGrace = TimeSpan.FromSeconds(10);

    private WebRtcPeer? _peer;

    private async Task StartWebRtcAsync(CancellationToken token)
    {
        if (_peer is not null)
        {
            return;
        }
        WebRtcPeer peer;
        try
        {
            peer = _stream.CreatePeer(_options, _loggerFactory);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ObjectDisposedException or GStreamerUnavailableException)
        {
            // The page falls back to the WebSocket.
            LogWebRtcRefused(_logger, Id, _stream.Name, exception.Message);
            await SendTextAsync(Messages.Error($"WebRTC is not available: {exception.Message}"), token).ConfigureAwait(false);
            return;
        }
        _peer = peer;
        Transport = "webrtc";
        peer.LocalCandidate += OnLocalCandidate;
        string offer;
        try
        {
            offer = await peer.CreateOfferAsync(token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or ObjectDisposedException)
        {
            LogWebRtcRefused(_logger, Id, _stream.Name, exception.Message);
            StopWebRtc();
            await SendTextAsync(Messages.Error($"WebRTC is not available: {exception.Message}"), token).ConfigureAwait(false);
            return;
        }
        await SendTextAsync(Messages.Offer(offer), token).ConfigureAwait(false);
        _ = BackgroundWork.RunAsync("live view WebRTC watch", _logger, () => AbandonUnconnectedPeerAsync(peer, token));
    }

    /// <summary>
    /// A page that neither connects nor falls back (gone quiet, or not a page) would keep its webrtcbin forever: some
    /// time after the page's own deadline, the server gives the peer up and says so.
    /// </summary>
    private async Task AbandonUnconnectedPeerAsync(WebRtcPeer peer, CancellationToken token)
    {
        try
        {
            await Task.Delay(_options.WebRtcConnectTimeout + PeerGrace, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (peer.State != WebRtcPeerState.Connected && Interlocked.CompareExchange(ref _peer, null, peer) == peer)
        {
            peer.LocalCandidate -= OnLocalCandidate;
            peer.Dispose();
            Transport = "none";
            await SendTextAsync(Messages.Error("WebRTC did not connect; the server gave the peer up: use transport ws"), token).ConfigureAwait(false);
        }
    }

    /// <summary>The answer or a candidate of the page; returns what was wrong, or null.</summary>
    private Task<string?> HandleSignallingAsync(string type, JsonElement message, CancellationToken token)
    {
        _ = token;
        if (_peer is not { } peer)
        {
            return Task.FromResult<string?>($"no WebRTC peer: send {{\"type\":\"start\",\"transport\":\"webrtc\"}} first");
        }
        try
        {
            if (type == "answer")
            {
                if (!message.TryGetProperty("sdp", out var sdp) || sdp.ValueKind != JsonValueKind.String)
                {
                    return Task.FromResult<string?>("an answer needs its sdp as a string");
                }
                peer.SetRemoteAnswer(sdp.GetString()!);
            }
            else
            {
                var candidate = message.TryGetProperty("candidate", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()! : string.Empty;
                var index = message.TryGetProperty("sdpMLineIndex", out var line) && line.ValueKind == JsonValueKind.Number && line.TryGetInt32(out var value) ? value : 0;
                peer.AddRemoteCandidate(index, candidate);
            }
            return Task.FromResult<string?>(null);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or ObjectDisposedException)
        {
            return Task.FromResult<string?>($"the {type} was refused: {exception.Message}");
        }
    }

    private void StopWebRtc()
    {
        if (Interlocked.Exchange(ref _peer, null) is { } peer)
        {
            peer.LocalCandidate -= OnLocalCandidate;
            peer.Dispose();
            Transport = "none";
        }
    }

    private void OnLocalCandidate(object? sender, WebRtcIceCandidateEventArgs e)
    {
        if (!_closing.IsCancellationRequested)
        {
            _ = SendCandidateAsync(e.SdpMLineIndex, e.Candidate);
        }
    }

    private async Task SendCandidateAsync(int sdpMLineIndex, string candidate)
    {
        try
        {
            await SendTextAsync(Messages.Candidate(sdpMLineIndex, candidate), _closing.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
        {
            // The viewer left.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Viewer {Id} of stream {Stream} cannot use WebRTC ({Reason}); it falls back to the WebSocket")]
    private static partial void LogWebRtcRefused(ILogger logger, string id, string stream, string reason);
}
