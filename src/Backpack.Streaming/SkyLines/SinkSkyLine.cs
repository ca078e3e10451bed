using Backpack.Streaming.GStreamer;
using Backpack.Streaming.Outputs;
using Backpack.Streaming.Runtime;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.SkyLines;

/// <summary>
/// A SkyLine whose output is any GStreamer description that takes the encoded H.264: a relay to an
/// external media server (<c>rtspclientsink</c>), SRT (<c>srtsink</c>), RTMP (<c>flvmux ! rtmp2sink</c>),
/// HLS (<c>hlssink2</c>), a UDP RTP stream, or anything a plugin provides.
/// </summary>
/// <example>
/// <code>
/// using var skyLine = new SinkSkyLine("h264parse ! flvmux streamable=true ! rtmp2sink location=rtmp://media.example.com/live/cam1");
/// skyLine.StartStreaming(fps: 25, width: 1280, height: 720);
/// </code>
/// Useful descriptions (what follows the encoder):
/// <code>
/// rtspclientsink location=rtsp://mediaserver:8554/cam1
/// h264parse ! mpegtsmux ! srtsink uri=srt://receiver:9000
/// h264parse ! hlssink2 location=/var/www/seg%05d.ts playlist-location=/var/www/index.m3u8
/// rtph264pay config-interval=1 ! udpsink host=192.0.2.10 port=5000
/// </code>
/// </example>
/// <remarks>
/// A SkyLine whose output is a <see cref="SinkOutput"/> with that description; other outputs may be attached too and
/// share the one encoder. A failure of the sink is the SkyLine's: it moves to <see cref="SkyLineState.Error"/> and
/// restarts as configured. Thread safety as <see cref="SkyLine"/>. Property values that look like secrets (keys,
/// tokens, passwords, credentials in URLs) are masked in logs and messages.
/// </remarks>
public sealed class SinkSkyLine : SkyLine
{
    private readonly string _sinkDescription;

    /// <summary>Prepares a SkyLine that streams into a GStreamer sink description.</summary>
    /// <param name="sinkDescription">What follows the encoder, in gst-launch syntax, such as <c>h264parse ! matroskamux ! filesink location=out.mkv</c>.</param>
    /// <param name="options">How to stream; null for the defaults.</param>
    /// <param name="loggerFactory">Where logs go; null for none.</param>
    /// <exception cref="ArgumentException">The description is empty or does not parse (the message has GStreamer's reason).</exception>
    /// <exception cref="GStreamerUnavailableException">GStreamer or an element of the description is not installed; the message names the Debian package.</exception>
    public SinkSkyLine(string sinkDescription, SkyLineOptions? options = null, ILoggerFactory? loggerFactory = null)
        : base(options, loggerFactory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sinkDescription);
        SinkOutput.Validate(sinkDescription, nameof(sinkDescription));
        _sinkDescription = sinkDescription;
        AttachPrimaryOutput(new SinkOutput(Options.Name, sinkDescription, loggerFactory));
    }

    /// <summary>The sink description with secret-looking property values masked.</summary>
    public override string ToString() => $"SinkSkyLine {Options.Name}: {PipelineDescription.Redact(_sinkDescription)}";
}
