using Backpack.Streaming.Rtsp;

namespace Backpack.Streaming.Cameras;

/// <summary>
/// What a <see cref="CameraSource"/> opens and how: a plain bindable options class (for <c>IOptions&lt;T&gt;</c> and
/// configuration), validated once by the source's constructor with messages that name the setting.
/// </summary>
/// <example>
/// <code>
/// var options = new CameraSourceOptions
/// {
///     Source = "rtsp://camera.local:554/stream1",
///     UserName = "viewer",
///     Password = secret,                      // never logged
///     Width = 640, Height = 360,              // scaled in the pipeline
///     RtspTransport = RtspTransports.Tcp,
/// };
/// </code>
/// </example>
public sealed class CameraSourceOptions
{
    /// <summary>
    /// What to open (required): <c>rtsp://</c> or <c>rtsps://</c> (credentials may be in the URL, as
    /// <c>rtsp://user:password@host/path</c>), <c>http://</c> or <c>https://</c> (a stream decodebin reads, such as MJPEG),
    /// <c>file://</c> URIs and plain file paths, <c>v4l2:///dev/video0</c> or a device path such as <c>/dev/video0</c>,
    /// and <c>test:</c> for GStreamer's test pattern (<c>test:ball</c>, <c>test:smpte</c>: any videotestsrc pattern name).
    /// </summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>
    /// Width in pixels the frames are scaled to in the pipeline (1 to 16384), or null for the source's own. With
    /// <see cref="Height"/> too, the picture keeps its aspect ratio and black borders fill the rest.
    /// </summary>
    public int? Width { get; set; }

    /// <summary>Height in pixels the frames are scaled to in the pipeline (1 to 16384), or null for the source's own.</summary>
    public int? Height { get; set; }

    /// <summary>
    /// The most frames per second to deliver (above 0, at most 1000); faster sources have frames left out in the
    /// pipeline (never made up), slower ones pass as they come. From 1 up it counts whole frames per second (7.5 delivers
    /// at most 7); below 1 it is a fixed rate the source must reach. Null for the source's own rate.
    /// </summary>
    public double? FrameRate { get; set; }

    /// <summary>
    /// How RTP reaches this process from an RTSP camera: <see cref="RtspTransports.Tcp"/> (the default, through
    /// firewalls and NAT), <see cref="RtspTransports.Udp"/>, or both (UDP first). Ignored for other sources.
    /// </summary>
    public RtspTransports RtspTransport { get; set; } = RtspTransports.Tcp;

    /// <summary>The RTSP jitter buffer, 0 to 10 s (default 200 ms): more smooths a bad network, less lowers latency.</summary>
    public TimeSpan RtspLatency { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>User name for RTSP or HTTP authentication; overrides one in the URL. Null for none (or the URL's).</summary>
    public string? UserName { get; set; }

    /// <summary>Password for RTSP or HTTP authentication; overrides one in the URL. Never logged nor shown by ToString.</summary>
    public string? Password { get; set; }

    /// <summary>The first delay before a failed source is rebuilt (above 0, default 1 s); it doubles with each failure in a row.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between rebuilds (at least <see cref="ReconnectDelay"/>, default 30 s). A frame resets the back-off.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a connecting or streaming source may stay without a frame before it is rebuilt (default 10 s, at
    /// least 100 ms): the guard against a camera that vanished without a word (a cable pulled, UDP lost).
    /// </summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether a file starts again from the beginning at its end (for demos); otherwise the source ends (<see cref="CameraState.Ended"/>).</summary>
    public bool LoopFile { get; set; }

    /// <summary>
    /// Whether a file is played at its own rate, as a camera would deliver it (the default), rather than as fast as it
    /// decodes. Live sources always deliver as frames come.
    /// </summary>
    public bool FileAtOwnRate { get; set; } = true;

    /// <summary>
    /// Whether the camera's own H.264 also leaves the pipeline as it is, so that <see cref="SkyLines.SkyLine.StartPassthrough"/>
    /// can send it to a SkyLine's outputs without decoding or encoding it (RTSP cameras only; default false). Frames are
    /// decoded only when something reads them.
    /// </summary>
    public bool Passthrough { get; set; }

    /// <summary>The name in logs, such as <c>door</c>; null for the source with credentials masked.</summary>
    public string? Name { get; set; }

    /// <summary>The clock for back-off, stall detection and wall-clock times; the system's by default (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
