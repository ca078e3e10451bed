using System.Diagnostics.Metrics;

namespace Backpack.Streaming.SkyLines;

/// <summary>
/// How a <see cref="SkyLine"/> streams: initial format, warmup, queue, encoder, restarts. Every
/// property has a sensible default; an invalid value is refused when set, with an
/// <see cref="ArgumentException"/> naming the property and what is expected. Nothing here is
/// process-wide: the .env file and GStreamer's log belong to <see cref="Runtime.StreamingRuntime"/>.
/// </summary>
/// <example>
/// <code>
/// var options = new SkyLineOptions
/// {
///     Name = "entrance",
///     FrameRate = 15, Width = 1280, Height = 720,   // no warmup
///     BitrateKbps = 1500,
///     MaxQueuedFrames = 4,
/// };
/// </code>
/// </example>
/// <remarks>Immutable once made; safe to share between SkyLines.</remarks>
public sealed class SkyLineOptions
{
    private static readonly string[] SpeedPresets =
        ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"];

    private readonly string _name = "skyline";
    private readonly double _frameRate = SkyLine.Auto;
    private readonly int _width = SkyLine.Auto;
    private readonly int _height = SkyLine.Auto;
    private readonly int _warmupFrames = 100;
    private readonly int _maxQueuedFrames = 8;
    private readonly long _maxQueuedBytes = 64L << 20;
    private readonly string? _encoder;
    private readonly int _bitrateKbps = 1000;
    private readonly TimeSpan _keyFrameInterval = TimeSpan.FromSeconds(2);
    private readonly string _speedPreset = "ultrafast";
    private readonly TimeSpan _restartDelay = TimeSpan.FromSeconds(1);
    private readonly TimeSpan _maxRestartDelay = TimeSpan.FromMinutes(1);
    private readonly TimeSpan _stopTimeout = TimeSpan.FromSeconds(5);
    private readonly int _streamingThreadNiceness = 10;
    private readonly TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>A name for logs, thread names and the <c>skyline.name</c> tag of metrics. Default <c>skyline</c>.</summary>
    public string Name
    {
        get => _name;
        init => _name = string.IsNullOrWhiteSpace(value)
            ? throw new ArgumentException("Name must not be empty; expected a short name such as 'entrance'.", nameof(Name))
            : value;
    }

    /// <summary>
    /// The frame rate of the first session (frames per second), used when <see cref="SkyLine.StartStreaming"/>
    /// is given <see cref="SkyLine.UseLastValue"/>. Default <see cref="SkyLine.Auto"/>: measured during the warmup.
    /// </summary>
    public double FrameRate
    {
        get => _frameRate;
        init => _frameRate = SkyLine.ValidateFrameRate(value, nameof(FrameRate), allowLast: false);
    }

    /// <summary>The frame width of the first session in pixels (even), or <see cref="SkyLine.Auto"/> (default) to take it from the warmup frames.</summary>
    public int Width
    {
        get => _width;
        init => _width = SkyLine.ValidateDimension(value, nameof(Width), allowLast: false);
    }

    /// <summary>The frame height of the first session in pixels (even), or <see cref="SkyLine.Auto"/> (default) to take it from the warmup frames.</summary>
    public int Height
    {
        get => _height;
        init => _height = SkyLine.ValidateDimension(value, nameof(Height), allowLast: false);
    }

    /// <summary>Frames measured (and not sent) when a value is auto: 2 to 10 000, default 100 as the original.</summary>
    public int WarmupFrames
    {
        get => _warmupFrames;
        init => _warmupFrames = value is >= 2 and <= 10_000
            ? value
            : throw new ArgumentOutOfRangeException(nameof(WarmupFrames), value, "Expected from 2 to 10000 warmup frames.");
    }

    /// <summary>
    /// Frames the queue between Put and the encoder holds at most: 1 to 1024, default 8. When it is
    /// full the oldest frame is dropped (and counted), so latency stays bounded. The queue's buffers are
    /// allocated when streaming starts, but only the few a pipeline that keeps up holds are resident from
    /// the start; the others take memory once the queue first grows that deep.
    /// </summary>
    public int MaxQueuedFrames
    {
        get => _maxQueuedFrames;
        init => _maxQueuedFrames = value is >= 1 and <= 1024
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxQueuedFrames), value, "Expected from 1 to 1024 queued frames.");
    }

    /// <summary>
    /// Bytes the queued frames may take at most (I420, 1.5 bytes per pixel): at least 1, default 64 MiB.
    /// The queue holds the smaller of this and <see cref="MaxQueuedFrames"/>, and at least one frame.
    /// </summary>
    public long MaxQueuedBytes
    {
        get => _maxQueuedBytes;
        init => _maxQueuedBytes = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxQueuedBytes), value, "Expected a positive number of bytes.");
    }

    /// <summary>
    /// A GStreamer description of the encoder chain that replaces SkyLine's choice, such as
    /// <c>x264enc bframes=0 key-int-max=45 bitrate=500</c> (the original's settings). When set,
    /// <see cref="BitrateKbps"/>, <see cref="KeyFrameInterval"/>, <see cref="SpeedPreset"/> and
    /// <see cref="PreferHardwareEncoder"/> do not apply. Default null: a hardware H.264 encoder when
    /// one works on this machine, otherwise x264enc tuned for low latency.
    /// </summary>
    public string? Encoder
    {
        get => _encoder;
        init => _encoder = value is null || !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new ArgumentException("Encoder must be null (SkyLine chooses) or a GStreamer description such as 'x264enc bitrate=500'.", nameof(Encoder));
    }

    /// <summary>Target bitrate in kbit/s: 16 to 1 000 000, default 1000.</summary>
    public int BitrateKbps
    {
        get => _bitrateKbps;
        init => _bitrateKbps = value is >= 16 and <= 1_000_000
            ? value
            : throw new ArgumentOutOfRangeException(nameof(BitrateKbps), value, "Expected a bitrate from 16 to 1000000 kbit/s.");
    }

    /// <summary>Time between key frames (rounded to whole frames, at least one): up to one hour, default 2 s.</summary>
    public TimeSpan KeyFrameInterval
    {
        get => _keyFrameInterval;
        init => _keyFrameInterval = value > TimeSpan.Zero && value <= TimeSpan.FromHours(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(KeyFrameInterval), value, "Expected a key-frame interval above zero and at most one hour.");
    }

    /// <summary>
    /// The x264 speed preset when x264enc encodes: ultrafast (default), superfast, veryfast, faster,
    /// fast, medium, slow, slower, veryslow or placebo. Slower presets spend more CPU per frame for
    /// a better picture at the same bitrate. SkyLine keeps CABAC and the deblocking filter on with
    /// every preset (bare ultrafast turns them off): at 720p30 this default costs about 0.3 times the
    /// CPU of the original SkyLine's encoder settings for the same picture quality.
    /// </summary>
    public string SpeedPreset
    {
        get => _speedPreset;
        init => _speedPreset = Array.IndexOf(SpeedPresets, value) >= 0
            ? value
            : throw new ArgumentException($"'{value}' is not an x264 speed preset; expected one of {string.Join(", ", SpeedPresets)}.", nameof(SpeedPreset));
    }

    /// <summary>Whether a working hardware H.264 encoder is preferred to x264enc. Default true.</summary>
    public bool PreferHardwareEncoder { get; init; } = true;

    /// <summary>
    /// Whether a failing encoder is replaced by x264enc: when the encoder (the hardware one SkyLine chose,
    /// or the chain given in <see cref="Encoder"/> unless it already uses x264enc) fails to start or fails
    /// while streaming, the SkyLine switches once to x264enc with its own settings (<see cref="BitrateKbps"/>,
    /// <see cref="KeyFrameInterval"/>, <see cref="SpeedPreset"/>), logs a warning saying why, and reports it in
    /// <see cref="SkyLineStatistics.UsesFallbackEncoder"/>. An error counts as the encoder's when an element
    /// of the encoder chain posted it, or when the elements before the encoder did before anything was encoded
    /// (the encoder refused the frames). Default true.
    /// </summary>
    public bool FallBackToSoftwareEncoder { get; init; } = true;

    /// <summary>
    /// How much lower than the application the pipeline's threads run (the encoder's included), as
    /// a Linux nice increment: 0 (same priority) to 19, default 10. When the CPU is short the
    /// application's frame loop wins and the SkyLine drops frames, rather than the encoder slowing
    /// the application down. GStreamer threads keep the lower priority when GLib reuses them for
    /// other pipelines of the process.
    /// </summary>
    public int StreamingThreadNiceness
    {
        get => _streamingThreadNiceness;
        init => _streamingThreadNiceness = value is >= 0 and <= 19
            ? value
            : throw new ArgumentOutOfRangeException(nameof(StreamingThreadNiceness), value, "Expected a nice increment from 0 (same priority as the application) to 19 (lowest).");
    }

    /// <summary>Whether the SkyLine rebuilds its pipeline by itself after an error. Default true.</summary>
    public bool AutoRestart { get; init; } = true;

    /// <summary>The delay before the first restart after an error; it doubles with each failed restart up to <see cref="MaxRestartDelay"/>. Above zero, default 1 s.</summary>
    public TimeSpan RestartDelay
    {
        get => _restartDelay;
        init => _restartDelay = value > TimeSpan.Zero && value <= TimeSpan.FromDays(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(RestartDelay), value, "Expected a restart delay above zero and at most one day.");
    }

    /// <summary>The longest delay between restarts, at least <see cref="RestartDelay"/>. Default one minute; a pipeline that ran that long before failing starts again from <see cref="RestartDelay"/>.</summary>
    public TimeSpan MaxRestartDelay
    {
        get => _maxRestartDelay;
        init => _maxRestartDelay = value > TimeSpan.Zero && value <= TimeSpan.FromDays(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxRestartDelay), value, "Expected a maximum restart delay above zero and at most one day.");
    }

    /// <summary>How long StopStreaming waits for queued frames to be encoded and the output to finish (files closed). Default 5 s.</summary>
    public TimeSpan StopTimeout
    {
        get => _stopTimeout;
        init => _stopTimeout = value > TimeSpan.Zero && value <= TimeSpan.FromMinutes(10)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(StopTimeout), value, "Expected a stop timeout above zero and at most ten minutes.");
    }

    /// <summary>The clock of frame timestamps, warmup measurement and restart delays. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        init => _timeProvider = value ?? throw new ArgumentNullException(nameof(TimeProvider));
    }

    /// <summary>Makes the <c>Backpack.SkyLine</c> meter (dependency injection); default null: a meter of its own.</summary>
    public IMeterFactory? MeterFactory { get; init; }
}
