using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Backpack.Streaming.WebRtc;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backpack.Streaming.Tests.WebRtc;

/// <summary>
/// A viewer made of a second GStreamer pipeline (webrtcbin receiving, rtph264depay, avdec_h264, appsink) that
/// exchanges SDP and candidates with a <see cref="WebRtcPeer"/> as strings, through the public API only, and counts
/// the frames it decodes.
/// </summary>
internal sealed class TestViewer : IDisposable
{
    private readonly Pipeline _pipeline;
    private readonly WebRtcBin _webrtc;
    private readonly AppSink _sink;
    private readonly Thread _puller;
    private readonly WebRtcPeer _peer;
    private volatile bool _stopping;
    private long _framesDecoded;

    internal TestViewer(WebRtcPeer peer)
    {
        _peer = peer;
        _pipeline = Pipeline.Parse(
            "webrtcbin name=recv bundle-policy=max-bundle recv. ! rtph264depay ! avdec_h264 ! videoconvert ! video/x-raw,format=I420 ! appsink name=sink sync=false max-buffers=4 drop=true");
        using (var element = _pipeline.GetElement("recv"))
        {
            _webrtc = new WebRtcBin(
                GstObjectHandle.AddReference(element.Handle.DangerousGetHandle()), NullLogger.Instance, "test viewer",
                (index, candidate) => _peer.AddRemoteCandidate((int)index, candidate), null);
        }
        _sink = _pipeline.GetAppSink("sink");
        _pipeline.SetState(Gst.State.Playing);
        peer.LocalCandidate += (_, e) => _webrtc.AddIceCandidate((uint)e.SdpMLineIndex, e.Candidate);
        _puller = new Thread(Pull) { IsBackground = true, Name = "test viewer" };
        _puller.Start();
    }

    internal long FramesDecoded => Interlocked.Read(ref _framesDecoded);

    internal int Width { get; private set; }

    internal int Height { get; private set; }

    /// <summary>Offer from the peer, answer from here.</summary>
    internal async Task NegotiateAsync()
    {
        var offer = await _peer.CreateOfferAsync();
        Offer = offer;
        GstWebRtc.SdpMessageNewFromText(offer, out var message).Should().Be(0);
        await _webrtc.SetRemoteDescriptionAsync(GstWebRtc.SdpType.Offer, message);
        var answer = await _webrtc.CreateLocalDescriptionAsync(offer: false);
        _peer.SetRemoteAnswer(answer!);
    }

    internal string? Offer { get; private set; }

    public void Dispose()
    {
        _stopping = true;
        _puller.Join(TimeSpan.FromSeconds(5));
        _webrtc.DisconnectSignals();
        _pipeline.Dispose();
        _webrtc.Dispose();
        _sink.Dispose();
    }

    private void Pull()
    {
        while (!_stopping)
        {
            using var sample = _sink.TryPullSample(TimeSpan.FromMilliseconds(100));
            if (sample is null)
            {
                continue;
            }
            Width = sample.GetCapsInt("width") ?? 0;
            Height = sample.GetCapsInt("height") ?? 0;
            Interlocked.Increment(ref _framesDecoded);
        }
    }
}
