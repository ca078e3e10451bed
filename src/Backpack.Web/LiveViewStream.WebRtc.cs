using Backpack.Streaming.WebRtc;
using Microsoft.Extensions.Logging;

namespace Backpack.Web;

/// <summary>
/// The stream's WebRTC output: one per stream, made and attached at the first WebRTC viewer and kept until the stream
/// is removed; each viewer is a peer of it. Without peers it needs no frames, so the SkyLine encodes nothing for it.
/// </summary>
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
