using System.Buffers;
using System.Text.Json;
using Backpack.Streaming.Outputs;
using Backpack.Streaming.SkyLines;

namespace Backpack.Web;

/// <summary>The JSON text messages the server sends to a page, written without reflection.</summary>
internal static class Messages
{
    /// <summary>The first message: what the page may try, and how long it waits for WebRTC.</summary>
    internal static ReadOnlyMemory<byte> Welcome(string stream, LiveViewServerOptions options) => Write(writer =>
    {
        writer.WriteString("type", "welcome");
        writer.WriteString("stream", stream);
        writer.WriteBoolean("webrtc", options.WebRtc);
        writer.WriteNumber("webrtcTimeoutMs", (long)options.WebRtcConnectTimeout.TotalMilliseconds);
        writer.WriteStartArray("iceServers");
        if (options.StunServer is { } stun)
        {
            // The page needs only STUN: the server's own peers use the TURN servers (whose passwords stay here).
            var uri = new Uri(stun);
            writer.WriteStringValue($"stun:{uri.Host}:{uri.Port}");
        }
        writer.WriteEndArray();
    });

    /// <summary>The server's SDP offer.</summary>
    internal static ReadOnlyMemory<byte> Offer(string sdp) => Write(writer =>
    {
        writer.WriteString("type", "offer");
        writer.WriteString("sdp", sdp);
    });

    /// <summary>One of the server's ICE candidates.</summary>
    internal static ReadOnlyMemory<byte> Candidate(int sdpMLineIndex, string candidate) => Write(writer =>
    {
        writer.WriteString("type", "candidate");
        writer.WriteNumber("sdpMLineIndex", sdpMLineIndex);
        writer.WriteString("candidate", candidate);
    });

    /// <summary>The fallback's codec configuration, for WebCodecs' <c>VideoDecoder.configure</c>.</summary>
    internal static ReadOnlyMemory<byte> Configuration(H264Configuration configuration, StreamFormat format) => Write(writer =>
    {
        writer.WriteString("type", "config");
        writer.WriteString("codec", configuration.CodecString);
        writer.WriteNumber("width", configuration.Width);
        writer.WriteNumber("height", configuration.Height);
        writer.WriteNumber("fps", format.FrameRate);
        writer.WriteBase64String("description", configuration.DecoderConfigurationRecord.Span);
    });

    /// <summary>Something the page asked for could not be done.</summary>
    internal static ReadOnlyMemory<byte> Error(string message) => Write(writer =>
    {
        writer.WriteString("type", "error");
        writer.WriteString("message", message);
    });

    /// <summary>A value from a page, cut short for an error message.</summary>
    internal static string Shorten(string? value) => value is null ? "(none)" : value.Length <= 32 ? value : value[..32] + "…";

    /// <summary>Writes one JSON object.</summary>
    internal static ReadOnlyMemory<byte> Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenMemory;
    }
}
