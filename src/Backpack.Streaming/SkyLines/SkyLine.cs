using System.Diagnostics.Metrics;
using System.Globalization;
using Backpack.Imaging;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.Runtime;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.SkyLines;

/// <summary>
/// Streams the frames an application processes to an output through a GStreamer pipeline
/// (<c>appsrc ! convert/scale ! H.264 encoder ! output</c>): the heart of Backpack. Derived classes
/// say what the output is; <see cref="SinkSkyLine"/> takes any GStreamer sink description and
/// <see cref="RecorderSkyLine"/> writes files.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Put(BgrFrame)"/> never waits for the encoder: it copies the frame once (converting it
/// to I420 on the way) into a bounded queue, and when the encoder falls behind the oldest queued
/// frames are dropped and counted. Each frame's presentation time is the moment it was put, and the
/// output is a constant frame rate stream at the declared rate: frames that come too fast are
/// skipped, gaps are filled by repeating the previous frame, so the stream stays in real time
/// whatever the cadence of Put.
/// </para>
/// <para>
/// A pipeline error moves the SkyLine to <see cref="SkyLineState.Error"/>; it is logged with
/// GStreamer's message and the pipeline is rebuilt after an exponentially growing delay. Put never
/// throws because of the pipeline.
/// </para>
/// <para>
/// Thread safety: <see cref="Put(BgrFrame)"/> may be called from several threads;
/// <see cref="StartStreaming"/>, <see cref="StopStreaming"/> and <see cref="Dispose()"/> are
/// serialised internally. <see cref="StateChanged"/> is raised on a thread-pool thread, never inside Put.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using var skyLine = new RecorderSkyLine("/tmp/run.mkv");
/// skyLine.StartStreaming(fps: 30, width: 1280, height: 720);
/// while (running)
/// {
///     using var frame = camera.Read();     // a BgrFrame
///     Annotate(frame);
///     skyLine.Put(frame);                  // returns at once
/// }
/// skyLine.StopStreaming();                 // the file is complete
/// </code>
/// </example>
public partial class SkyLine : IDisposable, IAsyncDisposable
{
    /// <summary>Passed to <see cref="StartStreaming"/>: keep the value of the last session (initially the options' value).</summary>
    public const int UseLastValue = -1;

    /// <summary>Passed to <see cref="StartStreaming"/> or set in <see cref="SkyLineOptions"/>: measure the value during a warmup.</summary>
    public const int Auto = 0;

    private const string SourceName = "backpack_source";
    private const string EncodedName = "backpack_encoded";
    private const string RawName = "backpack_raw";
    private const string ScaleName = "backpack_scale";
    private const string ConvertName = "backpack_convert";
    private const string EncoderBinName = "backpack_encoder";
    private const string UnitsName = "backpack_units";

    /// <summary>
    /// Frame buffers a session touches ahead: what a pipeline that keeps up holds at once (the frame being put,
    /// appsrc's two, the one the encoder holds). The rest of the queue's buffers become resident only when used.
    /// </summary>
    private const int WarmBuffers = 4;

    private readonly SkyLineOptions _options;
    private readonly TimeProvider _clock;
    private readonly Lock _lifecycle = new();
    private readonly Lock _warmupGate = new();
    private readonly Lock _mismatchGate = new();
    private readonly FramePool _pool = new();
    private readonly HashSet<(int Width, int Height)> _warnedSizes = [];
    private readonly string? _encoderDescription;
    private readonly string _encoderElement;
    private volatile bool _usingFallbackEncoder;
    private readonly Meter _meter;
    private readonly EventDispatcher<SkyLineStateChangedEventArgs> _events;
    private static readonly TimeSpan PendingStopMargin = TimeSpan.FromSeconds(10);
    private volatile Signal? _pendingStop;
    private int _buffersBeingPrepared;
    private readonly Action<Outputs.EncodedFrame> _releaseFrame;
    private readonly ILoggerFactory _loggerFactory;
    private readonly long _monoAnchor;
    private readonly DateTimeOffset _wallAnchor;
    private volatile int _state = (int)SkyLineState.Stopped;
    private volatile Session? _session;
    private volatile bool _outputActive;
    private int _outputWasIdle;
    private double? _frameRate;
    private int? _width;
    private int? _height;
    private static int _framePathCompiled;
    private long _sessionCounter;
    private Warmup _warmup;
    private ITimer? _restartTimer;
    private int _restartAttempt;
    private long _framesPut;
    private long _lastPutTimestamp;
    private long _framesSkipped;
    private long _framesRepeated;
    private long _framesEncoded;
    private long _framesLostInFailures;
    private long _restarts;
    private long _lastEncoderDelayFrames = -1;
    private bool _disposed;

    /// <summary>
    /// Prepares a SkyLine: starts GStreamer if nothing did yet in the process (with the configuration of
    /// <see cref="StreamingRuntime"/>, or its defaults), chooses the encoder and checks that every
    /// element it needs is installed. It changes nothing process-wide. Nothing streams until
    /// <see cref="StartStreaming"/>.
    /// </summary>
    /// <param name="options">How to stream; null for the defaults.</param>
    /// <param name="loggerFactory">Where logs go; null for none.</param>
    /// <exception cref="GStreamerUnavailableException">GStreamer or an element is missing; the message names the Debian package.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent, or the encoder description does not parse.</exception>
    public SkyLine(SkyLineOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        _options = options ?? new SkyLineOptions();
        if (_options.MaxRestartDelay < _options.RestartDelay)
        {
            throw new ArgumentException(
                $"MaxRestartDelay ({_options.MaxRestartDelay}) is shorter than RestartDelay ({_options.RestartDelay}); expected at least as long.",
                nameof(options));
        }
        _clock = _options.TimeProvider;
        _releaseFrame = ReleaseFrame;
        // Wall-clock times of frames come from the monotonic clock anchored once: a step of the system clock never moves them back.
        _monoAnchor = _clock.GetTimestamp();
        _wallAnchor = _clock.GetUtcNow();
        // A logger that throws must not stop a restart or a failure handler half-way.
        loggerFactory = ContainedLoggerFactory.Wrap(loggerFactory);
        _loggerFactory = loggerFactory;
        Logger = loggerFactory.CreateLogger(GetType().FullName ?? nameof(SkyLine));
        _events = new EventDispatcher<SkyLineStateChangedEventArgs>(this, Logger, $"SkyLine {_options.Name}");
        GStreamerRuntime.EnsureInitialized();
        _frameRate = _options.FrameRate == Auto ? null : _options.FrameRate;
        _width = _options.Width == Auto ? null : _options.Width;
        _height = _options.Height == Auto ? null : _options.Height;

        GStreamerRuntime.RequireElements(["appsrc", "videoscale", "videoconvert", "capsfilter", "identity"], "SkyLine");
        if (_options.Encoder is { } encoder)
        {
            ValidateDescription(encoder, nameof(options), "The encoder description (SkyLineOptions.Encoder)");
            _encoderDescription = encoder;
            var elements = PipelineDescription.ElementNames(encoder);
            _encoderElement = elements.Count > 0 ? elements[^1] : encoder;
            var logger = Logger;
            if (logger.IsEnabled(LogLevel.Information))
            {
                var redacted = PipelineDescription.Redact(encoder);
                LogEncoderGiven(logger, _options.Name, redacted);
            }
        }
        else
        {
            _encoderElement = _options.PreferHardwareEncoder ? H264Encoders.Choose() : H264Encoders.Software;
            GStreamerRuntime.RequireElements(
                PipelineDescription.ElementNames(H264Encoders.Describe(_encoderElement, new H264Encoders.Settings(1000, 60, _options.SpeedPreset))),
                "SkyLine's H.264 encoder");
            if (_encoderElement == H264Encoders.Software)
            {
                LogSoftwareEncoder(Logger, _options.Name, _encoderElement, _options.PreferHardwareEncoder ? string.Join(", ", H264Encoders.Hardware) : "none (hardware not preferred)");
            }
            else
            {
                LogHardwareEncoder(Logger, _options.Name, _encoderElement);
            }
        }
        _meter = _options.MeterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        CreateInstruments();
        CompileFramePath();
    }

    /// <summary>The name of the meter SkyLines publish their figures through.</summary>
    public const string MeterName = "Backpack.SkyLine";

    /// <summary>
    /// Raised after each change of <see cref="State"/>, in order, on a thread-pool thread: never inside
    /// <see cref="Put(BgrFrame)"/>, never on a GStreamer or timer thread, one event at a time. A handler
    /// that throws is logged (the other handlers still run) and streaming goes on. By the time a handler
    /// runs the state may have moved on: <see cref="SkyLineStateChangedEventArgs.Current"/> is the state
    /// the event is about, <see cref="State"/> the state now.
    /// </summary>
    public event EventHandler<SkyLineStateChangedEventArgs>? StateChanged;

    /// <summary>The current state.</summary>
    public SkyLineState State => (SkyLineState)_state;

    /// <summary>The options the SkyLine was made with.</summary>
    public SkyLineOptions Options => _options;

    /// <summary>The format of the current (or last) session; null before the first session knows it.</summary>
    public StreamFormat? Format
    {
        get
        {
            lock (_warmupGate)
            {
                return _frameRate is { } fps && _width is { } width && _height is { } height ? new StreamFormat(fps, width, height) : null;
            }
        }
    }

    /// <summary>The encoder element used, such as <c>x264enc</c> or <c>nvv4l2h264enc</c>.</summary>
    /// <remarks>After a fallback (<see cref="SkyLineOptions.FallBackToSoftwareEncoder"/>), <c>x264enc</c>.</remarks>
    public string EncoderElement => _usingFallbackEncoder ? H264Encoders.Software : _encoderElement;

    /// <summary>The counters, read now. Allocation-free.</summary>
    public SkyLineStatistics Statistics
    {
        get
        {
            var session = _session;
            var lastDelay = Interlocked.Read(ref _lastEncoderDelayFrames);
            return new SkyLineStatistics(
                State,
                Interlocked.Read(ref _framesPut),
                _pool.Dropped + Interlocked.Read(ref _framesLostInFailures),
                Interlocked.Read(ref _framesSkipped),
                Interlocked.Read(ref _framesRepeated),
                Interlocked.Read(ref _framesEncoded),
                Interlocked.Read(ref _restarts),
                _pool.Count,
                session is null ? (lastDelay >= 0 ? lastDelay : null) : session.EncoderDelayFrames,
                _usingFallbackEncoder);
        }
    }

    /// <summary>The picture buffers made so far and their memory in bytes: the bound of what frames in flight can take.</summary>
    internal (int Buffers, long Bytes) PooledMemory => _pool.Memory;

    /// <summary>The logger of this SkyLine, for derived classes.</summary>
    protected ILogger Logger { get; }

    /// <summary>
    /// Starts streaming. Each value may be given, left as <see cref="UseLastValue"/> (the default:
    /// the last session's value, initially the options'), or <see cref="Auto"/> to measure it: any
    /// auto value starts a warmup in which the first <see cref="SkyLineOptions.WarmupFrames"/>
    /// frames are measured and not sent. With all three known the pipeline starts now.
    /// </summary>
    /// <param name="fps">Frames per second (above 0, at most 1000), <see cref="UseLastValue"/> or <see cref="Auto"/>.</param>
    /// <param name="width">Width in pixels (even, 2 to 16384), <see cref="UseLastValue"/> or <see cref="Auto"/>.</param>
    /// <param name="height">Height in pixels (even, 2 to 16384), <see cref="UseLastValue"/> or <see cref="Auto"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range or odd.</exception>
    /// <exception cref="InvalidOperationException">The SkyLine is already streaming or warming up; stop it first.</exception>
    /// <exception cref="ObjectDisposedException">The SkyLine was disposed.</exception>
    /// <remarks>
    /// <para>
    /// With all three values known, the work of starting happens on the calling thread before
    /// StartStreaming returns: the queue's buffers are allocated and written once (about 17 MB at
    /// 1280×720 with the defaults) and the pipeline is built and set playing — tens of milliseconds.
    /// Call it when setting up, not from the frame loop. After a warmup that work happens on a
    /// thread-pool thread instead, so the Put that ends the warmup returns as fast as any other.
    /// </para>
    /// <para>
    /// A pipeline that fails to start does not throw: the SkyLine goes to <see cref="SkyLineState.Error"/>,
    /// logs why, and retries as configured.
    /// </para>
    /// </remarks>
    public void StartStreaming(double fps = UseLastValue, int width = UseLastValue, int height = UseLastValue)
    {
        ValidateFrameRate(fps, nameof(fps), allowLast: true);
        ValidateDimension(width, nameof(width), allowLast: true);
        ValidateDimension(height, nameof(height), allowLast: true);
        ObjectDisposedException.ThrowIf(_disposed, this);
        AttachDescribedOutputOnce();
        var changes = new List<SkyLineStateChangedEventArgs?>(2);
        lock (_lifecycle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (State is not (SkyLineState.Stopped or SkyLineState.Error))
            {
                throw new InvalidOperationException($"SkyLine {_options.Name} is {State}; call StopStreaming before starting it again.");
            }
            CancelRestartLocked();
            WaitForPendingStopLocked();
            StopFeedLocked(drain: false);
            TearDownLocked(drain: false);
            lock (_warmupGate)
            {
                if (fps != UseLastValue)
                {
                    _frameRate = fps == Auto ? null : fps;
                }
                if (width != UseLastValue)
                {
                    _width = width == Auto ? null : width;
                }
                if (height != UseLastValue)
                {
                    _height = height == Auto ? null : height;
                }
            }
            _restartAttempt = 0;
            if (_frameRate is null || _width is null || _height is null)
            {
                changes.Add(SetStateLocked(SkyLineState.StartWarmup, null));
                var logger = Logger;
                if (logger.IsEnabled(LogLevel.Information))
                {
                    var (fpsText, widthText, heightText) = (Describe(_frameRate), Describe(_width), Describe(_height));
                    LogWarmupStarting(logger, _options.Name, _options.WarmupFrames, fpsText, widthText, heightText);
                }
            }
            else
            {
                // Streaming once the pipeline plays; until then Put refuses frames.
                var session = CreateSession(new StreamFormat(_frameRate.Value, _width.Value, _height.Value));
                changes.Add(TryStartLocked(session, out var failure) ? SetStateLocked(SkyLineState.Streaming, null) : failure);
            }
        }
        Raise(changes);
    }

    /// <summary>
    /// Stops streaming: Put returns false from now; frames already queued are encoded and the
    /// output is finished (files closed) within <see cref="SkyLineOptions.StopTimeout"/>, on the calling
    /// thread. Idempotent. <see cref="StopStreamingAsync"/> does the same without blocking a thread.
    /// </summary>
    public void StopStreaming() => Stop(dispose: false);

    /// <summary>
    /// Stops streaming as <see cref="StopStreaming"/> does, waiting for the queued frames to be encoded
    /// and the output to finish (within <see cref="SkyLineOptions.StopTimeout"/>) without blocking a
    /// thread. Put returns false from the moment this is called. Idempotent; a start made while the stop
    /// completes waits for it. Does nothing once disposed.
    /// </summary>
    /// <param name="cancellationToken">
    /// Cuts the drain short: frames still queued are lost (counted as dropped), the output is ended at once
    /// and the pipeline released, then <see cref="OperationCanceledException"/> is thrown.
    /// </param>
    public async Task StopStreamingAsync(CancellationToken cancellationToken = default)
    {
        SkyLineStateChangedEventArgs? change;
        Session? session;
        PassthroughFeed? feed;
        Signal finished;
        Signal? earlier;
        lock (_lifecycle)
        {
            if (_disposed)
            {
                return;
            }
            earlier = _pendingStop;
            change = SetStateLocked(SkyLineState.Stopped, null);
            CancelRestartLocked();
            feed = TakeFeed();
            session = _session;
            _session = null;
            finished = new Signal(autoReset: false);
            _pendingStop = finished;
        }
        Raise(change);
        try
        {
            if (earlier is not null)
            {
                await earlier.WaitAsync(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            }
            if (feed is not null)
            {
                // No unit (nor re-encoded frame) is handed on once this returns; a passthrough stream ends here, drained.
                await Task.Run(feed.Quiesce, CancellationToken.None).ConfigureAwait(false);
                if (!feed.ReEncoding)
                {
                    await EndOutputsAsync(drained: true, _options.StopTimeout, cancellationToken).ConfigureAwait(false);
                }
            }
            if (session is not null)
            {
                if (!session.Started)
                {
                    // The pipeline of a just-finished warmup was still to be built: build it so that the frames queued meanwhile are encoded.
                    await Task.Run(() => StartForDrain(session), CancellationToken.None).ConfigureAwait(false);
                }
                var lost = await session.StopAsync(drain: true, _options.StopTimeout, cancellationToken).ConfigureAwait(false);
                EndSession(session, lost);
            }
        }
        finally
        {
            // Not under the lifecycle lock, which a start or stop may hold while it waits for this signal.
            Interlocked.Add(ref _framesLostInFailures, _pool.Clear());
            Interlocked.CompareExchange(ref _pendingStop, null, finished);
            finished.Set();
        }
    }

    /// <summary>Stops streaming (as <see cref="StopStreamingAsync"/>) and frees everything, as <see cref="Dispose()"/> does. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopStreamingAsync().ConfigureAwait(false);
        // Stopped already: what is left to free takes no waiting.
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Hands a frame to the stream and returns at once; the pixels are copied, so the frame may be
    /// reused or disposed as soon as Put returns. A frame of another size than the stream's is
    /// scaled (a warning is logged once per new size). Allocation-free.
    /// </summary>
    /// <param name="frame">The frame, BGR24.</param>
    /// <returns>
    /// True when the frame was taken (queued, or measured during the warmup); false when the
    /// SkyLine is stopped, in error, disposed, or every buffer is in the pipeline (the frame is then
    /// counted as dropped). Nothing is kept when false.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="frame"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The frame (not the SkyLine) was disposed.</exception>
    public bool Put(BgrFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return Put(frame.Pixels, frame.Width, frame.Height, frame.Stride);
    }

    /// <summary>
    /// Hands a frame given as raw BGR24 memory to the stream, for applications that get a new buffer
    /// each frame (a camera or decoder callback): no <see cref="BgrFrame"/> needs to be made.
    /// Otherwise as <see cref="Put(BgrFrame)"/>.
    /// </summary>
    /// <param name="bgr">The pixels: row <c>y</c> starts at <c>y * stride</c>; at least <c>stride * (height - 1) + width * 3</c> bytes.</param>
    /// <param name="width">Width in pixels, 1 or more.</param>
    /// <param name="height">Height in pixels, 1 or more.</param>
    /// <param name="stride">Bytes between row starts, at least <c>width * 3</c>.</param>
    /// <returns>As <see cref="Put(BgrFrame)"/>.</returns>
    /// <exception cref="ArgumentException">A dimension is below 1, the stride too small or the memory too short.</exception>
    public bool Put(ReadOnlySpan<byte> bgr, int width, int height, int stride)
    {
        ValidateFrame(bgr, width, height, stride);
        var timestamp = _clock.GetTimestamp();
        switch ((SkyLineState)_state)
        {
            case SkyLineState.Streaming:
                return Enqueue(bgr, width, height, stride, timestamp);
            case SkyLineState.StartWarmup or SkyLineState.Warmup:
                return MeasureWarmupFrame(width, height, timestamp) || Enqueue(bgr, width, height, stride, timestamp);
            default:
                return false;
        }
    }

    /// <summary>Stops streaming and frees everything: the pipeline, the buffers, the meter. Idempotent.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources; derived classes release theirs and call the base.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }
        if (!Stop(dispose: true))
        {
            return;
        }
        DetachOutputs();
        _pool.Dispose();
        _meter.Dispose();
    }

    /// <summary>Stops the pipeline (draining it) and, when <paramref name="dispose"/>, marks the SkyLine disposed.</summary>
    /// <returns>False when the SkyLine was already disposed, so nothing was done.</returns>
    private bool Stop(bool dispose)
    {
        SkyLineStateChangedEventArgs? change;
        lock (_lifecycle)
        {
            if (_disposed)
            {
                return false;
            }
            change = SetStateLocked(SkyLineState.Stopped, null);
            CancelRestartLocked();
            WaitForPendingStopLocked();
            StopFeedLocked(drain: true);
            TearDownLocked(drain: true);
            _disposed = dispose;
        }
        Raise(change);
        return true;
    }

    /// <summary>
    /// Waits for a <see cref="StopStreamingAsync"/> still draining its session (the session shares the queue),
    /// bounded by the stop's own timeouts. Safe under the lifecycle lock: the draining stop never takes it.
    /// </summary>
    private void WaitForPendingStopLocked()
    {
        if (_pendingStop is { } pending && !pending.Wait(_options.StopTimeout + PendingStopMargin))
        {
            LogPendingStopSlow(Logger, _options.Name);
        }
    }

    /// <summary>
    /// For a SkyLine subclass whose output is a GStreamer description: what takes the encoded H.264
    /// (<c>video/x-h264</c> in AVCC form, access units), such as <c>h264parse ! matroskamux ! filesink location=out.mkv</c>
    /// or <c>kvssink stream-name=cam1</c>. When it returns a description at the first start, the SkyLine attaches a
    /// primary <see cref="Outputs.SinkOutput"/> that asks for it before each stream (each start and restart). The default
    /// returns null: the SkyLine sends only to the outputs attached to it.
    /// </summary>
    /// <param name="format">The format of the stream about to start.</param>
    protected virtual string? GetOutputDescription(StreamFormat format) => null;

    /// <summary>
    /// Called before each pipeline is built (each start and restart), on the thread that builds it:
    /// the place to refresh what the output needs, such as credentials. An exception fails this
    /// attempt like a pipeline error does. The default does nothing.
    /// </summary>
    /// <param name="format">The format of the stream about to start.</param>
    protected virtual void OnStarting(StreamFormat format)
    {
    }

    /// <summary>
    /// Checks an output description the way a derived class's constructor should: every element is
    /// installed (else <see cref="GStreamerUnavailableException"/> naming its Debian package) and the
    /// description parses (else <see cref="ArgumentException"/> with GStreamer's reason).
    /// </summary>
    /// <param name="outputDescription">The description, as <see cref="GetOutputDescription"/> returns it.</param>
    /// <param name="parameterName">The constructor parameter the description came from, for the exception.</param>
    /// <exception cref="GStreamerUnavailableException">An element is not installed.</exception>
    /// <exception cref="ArgumentException">The description does not parse.</exception>
    protected static void ValidateOutputDescription(string outputDescription, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDescription, parameterName);
        GStreamerRuntime.EnsureInitialized();
        ValidateDescription(outputDescription, parameterName, "The output description");
    }

    /// <summary>Checks that GStreamer elements are installed, for outputs that need more than their description names.</summary>
    /// <param name="purpose">What needs them, for the message, such as <c>Kinesis Video Streams output</c>.</param>
    /// <param name="elements">Element factory names.</param>
    /// <exception cref="GStreamerUnavailableException">An element is not installed; the message names its Debian package.</exception>
    protected static void RequireElements(string purpose, params string[] elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        GStreamerRuntime.RequireElements(elements, purpose);
    }

    // ---- seams for outputs in this assembly -------------------------------------------------

    /// <summary>
    /// Whether frames reach the encoder. While false, Put still takes frames (cheaply: no copy) and
    /// nothing is encoded. Follows the attached outputs (<see cref="UpdateOutputActivity"/>).
    /// </summary>
    private protected bool OutputActive
    {
        get => _outputActive;
        set
        {
            if (!value)
            {
                // Remembered until the feeding thread sees it, however briefly the output was idle.
                Volatile.Write(ref _outputWasIdle, 1);
            }
            _outputActive = value;
            _session?.Wake();
        }
    }

    // ---- validation shared with the options ------------------------------------------------------------

    internal static double ValidateFrameRate(double fps, string parameterName, bool allowLast)
    {
        if ((allowLast && fps == UseLastValue) || fps == Auto || (double.IsFinite(fps) && fps > 0 && fps <= 1000))
        {
            return fps;
        }
        throw new ArgumentOutOfRangeException(
            parameterName, fps,
            $"Expected a frame rate above 0 and at most 1000 frames per second, or SkyLine.Auto (0) to measure it{(allowLast ? ", or SkyLine.UseLastValue (-1)" : string.Empty)}.");
    }

    internal static int ValidateDimension(int value, string parameterName, bool allowLast)
    {
        if ((allowLast && value == UseLastValue) || value == Auto || (value is >= 2 and <= 16384 && value % 2 == 0))
        {
            return value;
        }
        throw new ArgumentOutOfRangeException(
            parameterName, value,
            $"Expected an even number of pixels from 2 to 16384 (H.264 with 4:2:0 chroma needs even sizes), or SkyLine.Auto (0) to take it from the frames{(allowLast ? ", or SkyLine.UseLastValue (-1)" : string.Empty)}.");
    }

    private static void ValidateFrame(ReadOnlySpan<byte> bgr, int width, int height, int stride)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(
                width < 1 ? nameof(width) : nameof(height), width < 1 ? width : height,
                $"A frame of {width}x{height} pixels has no pixels; expected a BGR frame of at least 1x1.");
        }
        if (stride < width * BgrFrame.BytesPerPixel)
        {
            throw new ArgumentException(
                $"The stride {stride} is smaller than a row of {width} BGR pixels; expected at least {width * BgrFrame.BytesPerPixel} bytes.", nameof(stride));
        }
        var needed = ((long)stride * (height - 1)) + ((long)width * BgrFrame.BytesPerPixel);
        if (bgr.Length < needed)
        {
            throw new ArgumentException(
                $"The pixel memory holds {bgr.Length} bytes; a {width}x{height} BGR frame with stride {stride} needs at least {needed}.", nameof(bgr));
        }
    }

    private static void ValidateDescription(string description, string parameterName, string what)
    {
        GStreamerRuntime.RequireElements(PipelineDescription.ElementNames(description), what);
        try
        {
            using var trial = Pipeline.Parse(description);
        }
        catch (GStreamerException exception)
        {
            throw new ArgumentException(
                $"{what} '{PipelineDescription.Redact(description)}' is not valid: {exception.Message}", parameterName, exception);
        }
    }

    /// <summary>
    /// Compiles the frame path before the first Put needs it (once per process), so that no frame
    /// pays for the JIT: the first Put would otherwise compile a dozen methods on the application's thread.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "The methods named are this assembly's own and are kept by the code that calls them.")]
    private static void CompileFramePath()
    {
        if (Interlocked.Exchange(ref _framePathCompiled, 1) != 0)
        {
            return;
        }
        const System.Reflection.BindingFlags all = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic |
            System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly;
        foreach (var type in new[] { typeof(SkyLine), typeof(FramePool), typeof(FrameSlot), typeof(BgrToI420), typeof(FrameTimeline), typeof(Session) })
        {
            foreach (var method in type.GetMethods(all))
            {
                if (!method.IsAbstract && !method.ContainsGenericParameters)
                {
                    System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(method.MethodHandle);
                }
            }
        }
        Span<byte> bgr = stackalloc byte[40 * 3 * 3];
        var layout = new I420Layout(40, 3);
        Span<byte> i420 = stackalloc byte[layout.Size];
        BgrToI420.Convert(bgr, 40 * 3, layout, ColorMatrix.Bt601, i420);
    }

    private static string Describe(double? value) => value?.ToString("0.###", CultureInfo.InvariantCulture) ?? "auto";

    private static string Describe(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "auto";

    private void CreateInstruments()
    {
        var tags = new KeyValuePair<string, object?>[] { new("skyline.name", _options.Name) };
        _meter.CreateObservableCounter("backpack.skyline.frames.put", () => new Measurement<long>(Interlocked.Read(ref _framesPut), tags), "{frame}", "Frames Put took.");
        _meter.CreateObservableCounter("backpack.skyline.frames.encoded", () => new Measurement<long>(Interlocked.Read(ref _framesEncoded), tags), "{frame}", "Frames that left the encoder.");
        _meter.CreateObservableCounter("backpack.skyline.frames.dropped", () => new Measurement<long>(_pool.Dropped + Interlocked.Read(ref _framesLostInFailures), tags), "{frame}", "Frames lost because the encoder fell behind or the pipeline failed.");
        _meter.CreateObservableCounter("backpack.skyline.frames.skipped", () => new Measurement<long>(Interlocked.Read(ref _framesSkipped), tags), "{frame}", "Frames left out because they came faster than the frame rate.");
        _meter.CreateObservableCounter("backpack.skyline.frames.repeated", () => new Measurement<long>(Interlocked.Read(ref _framesRepeated), tags), "{frame}", "Frames repeated to keep the frame rate.");
        _meter.CreateObservableCounter("backpack.skyline.restarts", () => new Measurement<long>(Interlocked.Read(ref _restarts), tags), "{restart}", "Pipelines rebuilt after an error.");
        _meter.CreateObservableUpDownCounter("backpack.skyline.queue.frames", () => new Measurement<int>(_pool.Count, tags), "{frame}", "Frames waiting for the encoder.");
        _meter.CreateObservableGauge("backpack.skyline.state", () => new Measurement<int>(_state, tags), null, "The state: -1 error, 0 stopped, 1 start warmup, 2 warmup, 3 streaming.");
    }

    /// <summary>Changes the state (under the lifecycle lock); see <see cref="ChangeStateGated"/>.</summary>
    private SkyLineStateChangedEventArgs? SetStateLocked(SkyLineState state, string? reason)
    {
        lock (_warmupGate)
        {
            return ChangeStateGated(state, reason);
        }
    }

    /// <summary>
    /// Changes the state with the warmup gate held (every change goes through the gate, so the Put that ends
    /// a warmup and a concurrent start or stop see each other) and numbers the change, so that events keep
    /// the order of the changes. The caller must hand the change to <see cref="Raise(SkyLineStateChangedEventArgs?)"/>
    /// once its locks are released (events then come after the transition's work is done, such as scheduling
    /// a restart); until it does, later events wait.
    /// </summary>
    private SkyLineStateChangedEventArgs? ChangeStateGated(SkyLineState state, string? reason)
    {
        var previous = (SkyLineState)Interlocked.Exchange(ref _state, (int)state);
        return previous == state ? null : new SkyLineStateChangedEventArgs(previous, state, reason) { Sequence = _events.Reserve() };
    }

    /// <summary>
    /// Called on the thread that changed the state, after the change, with no lock held: for outputs of
    /// this assembly that must follow the state at once (the RTSP mount). Must be quick and must not
    /// throw; user handlers of <see cref="StateChanged"/> run later, elsewhere.
    /// </summary>
    private protected virtual void OnStateChanged(SkyLineStateChangedEventArgs change)
    {
    }

    private void Raise(SkyLineStateChangedEventArgs? change)
    {
        if (change is null)
        {
            return;
        }
        _events.Post(change.Sequence, StateChanged, change);
        try
        {
            LogStateChanged(Logger, _options.Name, change.Previous, change.Current);
            OnStateChanged(change);
        }
#pragma warning disable CA1031 // The state changed whatever an output makes of it; its failure is logged.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogStateHookFailed(Logger, exception, _options.Name, change.Current);
        }
    }

    private void Raise(List<SkyLineStateChangedEventArgs?> changes)
    {
        foreach (var change in changes)
        {
            Raise(change);
        }
    }

    private readonly record struct Warmup(int Count, long First, long Last, int Width, int Height);
}
