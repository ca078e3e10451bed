using System.Buffers.Binary;
using Backpack.Streaming.Outputs;
using Backpack.Streaming.SkyLines;
using Microsoft.Extensions.Logging;

namespace Backpack.Web;

/// <summary>
/// The WebSocket fallback of one viewer: the SkyLine's encoded access units (never encoded again), each as one binary
/// message the page decodes with WebCodecs. A message is byte 0: flags (bit 0: key frame), bytes 1–8: the frame's
/// wall-clock time in microseconds since 1970 (big-endian; the page's latency figure), then the AVCC bytes. The codec
/// configuration goes first, as a text message (<c>config</c>).
/// </summary>
/// <remarks>
/// Writes on the output's own thread, blocking while the socket is slow: its queue then fills and the output drops
/// frames and resumes at a key frame (<see cref="SkyLineOutput"/>), so a slow viewer never holds up the encoder or
/// the others.
/// </remarks>
internal sealed class WebSocketViewerOutput : SkyLineOutput
{
    internal const int HeaderLength = 9;

    private readonly ViewerConnection _viewer;
    private byte[] _message = new byte[64 << 10];

    internal WebSocketViewerOutput(ViewerConnection viewer, ILoggerFactory? loggerFactory)
        : base($"web-{viewer.Id}", maxQueuedFrames: 30, maxQueuedBytes: 8 << 20, loggerFactory: loggerFactory)
    {
        _viewer = viewer;
    }

    /// <inheritdoc/>
    protected override string Kind => "web";

    /// <inheritdoc/>
    protected override void OnStreamStarted(H264Configuration configuration, StreamFormat format) =>
        _viewer.SendConfiguration(configuration, format);

    /// <inheritdoc/>
    protected override void OnFrame(EncodedFrame frame)
    {
        var length = HeaderLength + frame.Length;
        if (_message.Length < length)
        {
            _message = new byte[Math.Max(length, _message.Length * 2)];
        }
        _message[0] = frame.IsKeyFrame ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64BigEndian(_message.AsSpan(1), frame.WallClockTime.ToUnixTimeMilliseconds() * 1000 + (frame.WallClockTime.Ticks % TimeSpan.TicksPerMillisecond / 10));
        frame.Data.Span.CopyTo(_message.AsSpan(HeaderLength));
        _viewer.SendFrame(_message.AsMemory(0, length));
    }
}
