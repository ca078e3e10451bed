using Backpack.Streaming.WebRtc;
using Microsoft.Extensions.Logging;

namespace Backpack.Web;

/// <summary>The stream's WebRTC output: one per stream, attached while it has WebRTC viewers (each a peer of it).</summary>
internal sealed partial class LiveViewStream
{
    private WebRtcOutput? _webRtc;

    /// <summary>A new peer of the stream's WebRTC output (made and attached at the first).</summary>
    /// <exception cref="InvalidOperationException">Too many peers, or the SkyLine was disposed.</exception>
    internal WebRtcPeer CreatePeer(LiveViewServerOptions options, ILoggerFactory? loggerFactory)
    {
        lock (_gate)
        {
            if (_webRtc is null)
            {
                var output = new WebRtcOutput(
                    new WebRtcOutputOptions
                    {
                        Name = $"webrtc-{Name}",
                        StunServer = options.StunServer,
                        TurnServers = options.TurnServers,
                        MaxPeers = options.MaxViewers,
                    },
                    loggerFactory);
                try
                {
                    SkyLine.Attach(output);
                }
                catch
                {
                    output.Dispose();
                    throw;
                }
                _webRtc = output;
            }
            return _webRtc.CreatePeer();
        }
    }

    /// <summary>The output's element count (for tests that check closed peers are freed), or 0 without one.</summary>
    internal int WebRtcElementCount
    {
        get
        {
            lock (_gate)
            {
                return _webRtc?.ElementCount ?? 0;
            }
        }
    }

    /// <summary>Keeps the WebRTC output while peers use it; it needs no frames without peers, so the SkyLine encodes nothing for it.</summary>
    private void ReleaseWebRtcWhenUnused()
    {
    }

    private void DisposeWebRtc()
    {
        WebRtcOutput? output;
        lock (_gate)
        {
            output = _webRtc;
            _webRtc = null;
        }
        output?.Dispose();
    }
}
