using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.SkyLines;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Cameras;

/// <summary>
/// Frames from a camera, a file or a test pattern, decoded by GStreamer to <see cref="Imaging.BgrFrame"/>s for the
/// application's loop: RTSP (TCP or UDP, with credentials), HTTP streams, files, V4L2 devices and videotestsrc
/// (see <see cref="CameraSourceOptions.Source"/>). Scaling to a target size and rate limiting happen in the pipeline.
/// </summary>
/// <remarks>
/// <para>
/// Latest-frame semantics: the source keeps one frame. When the application is slower than the camera, a newer
/// frame replaces the one not read yet, which is counted in <see cref="CameraStatistics.FramesDropped"/>; nothing
/// queues without bound, and a read always gets the newest picture.
/// </para>
/// <para>
/// Failures never reach the reading loop: an error, the end of a live stream or a silence longer than
/// <see cref="CameraSourceOptions.StallTimeout"/> tears the pipeline down and rebuilds it after a delay that doubles
/// from <see cref="CameraSourceOptions.ReconnectDelay"/> to <see cref="CameraSourceOptions.MaxReconnectDelay"/> (reset by
/// a frame). The application sees <see cref="StateChanged"/> (Reconnecting, then Streaming) and a gap
/// (<see cref="CameraFrame.FollowsGap"/>); reads just wait.
/// </para>
/// <para>
/// Thread safety: every member may be called from any thread. Several readers may read at once (each frame goes to
/// one of them). <see cref="Dispose"/> and <see cref="DisposeAsync"/> are idempotent and safe while others read: pending
/// reads end (with null, or the end of <see cref="ReadAllAsync"/>). <see cref="StateChanged"/> is raised on a
/// thread-pool thread, one event at a time, in order; a handler that throws is logged.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// await using var camera = new CameraSource(new CameraSourceOptions { Source = "rtsp://camera.local/stream1", Width = 1280, Height = 720 });
/// camera.Start();
/// await foreach (var frame in camera.ReadAllAsync(cancellationToken))
/// {
///     using (frame)
///     {
///         Detect(frame.Frame);
///         skyLine.Put(frame.Frame);
///     }
/// }
/// </code>
/// </example>
public sealed partial class CameraSource : IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan TeardownTimeout = TimeSpan.FromSeconds(10);

    private readonly CameraSourceOptions _options;
    private readonly CameraPlan _plan;
    private readonly TimeProvider _clock;
    private readonly Lock _lifecycle = new();
    private readonly Lock _readGate = new();
    private readonly EventDispatcher<CameraStateChangedEventArgs> _events;
    private readonly long _monoAnchor;
    private readonly DateTimeOffset _wallAnchor;
    private CameraFrame? _latest;
    private TaskCompletionSource<bool>? _waiter;
    private CameraConnection? _connection;
    private ITimer? _reconnectTimer;
    private ITimer? _watchdog;
    private long _connections;
    private int _teardowns;
    private int _attempt;
    private volatile int _state = (int)CameraState.Stopped;
    private volatile bool _disposed;
    private long _lastFrameAt;
    private long _received;
    private long _delivered;
    private long _dropped;
    private long _reconnects;
    private volatile string? _lastError;

    /// <summary>
    /// Checks the options and that every GStreamer element the source needs is installed, and starts GStreamer if
    /// nothing did yet in the process. Nothing is opened until <see cref="Start"/>.
    /// </summary>
    /// <param name="options">What to open; <see cref="CameraSourceOptions.Source"/> is required.</param>
    /// <param name="loggerFactory">Where logs go; null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">A setting is missing or out of range, or the source is of a kind not opened (the message lists the accepted ones).</exception>
    /// <exception cref="Runtime.GStreamerUnavailableException">GStreamer or an element is missing; the message names the Debian package.</exception>
    public CameraSource(CameraSourceOptions options, ILoggerFactory? loggerFactory = null)
        : this(options, loggerFactory, passthrough: options?.Passthrough ?? false)
    {
    }

    /// <summary>As the public constructor; with <paramref name="passthrough"/>, the camera's own H.264 access units also leave the pipeline (see <see cref="EncodedUnitReceived"/>).</summary>
    internal CameraSource(CameraSourceOptions options, ILoggerFactory? loggerFactory, bool passthrough)
    {
        ArgumentNullException.ThrowIfNull(options);
        _plan = CameraPlan.From(options, passthrough || options.Passthrough);
        _options = options;
        _decoding = !_plan.Passthrough;
        _clock = options.TimeProvider;
        _monoAnchor = _clock.GetTimestamp();
        _wallAnchor = _clock.GetUtcNow();
        Name = options.Name ?? _plan.Masked;
        Logger = ContainedLoggerFactory.Wrap(loggerFactory).CreateLogger(typeof(CameraSource).FullName!);
        _events = new EventDispatcher<CameraStateChangedEventArgs>(this, Logger, $"camera {Name}");
        GStreamerRuntime.RequireElements(_plan.Elements, $"The camera source {_plan.Masked}");
        try
        {
            using var trial = Pipeline.Parse(_plan.Description);
        }
        catch (GStreamerException exception)
        {
            throw new ArgumentException($"The camera source {_plan.Masked} cannot be opened: {exception.Message}", nameof(options), exception);
        }
    }

    /// <summary>
    /// Raised after each change of <see cref="State"/>, in order, on a thread-pool thread (never on a GStreamer
    /// thread, never inside a read). A handler that throws is logged and the source goes on. By the time a handler
    /// runs the state may have moved on: <see cref="CameraStateChangedEventArgs.Current"/> is the state the event is about.
    /// </summary>
    public event EventHandler<CameraStateChangedEventArgs>? StateChanged;

    /// <summary>The state now.</summary>
    public CameraState State => (CameraState)_state;

    /// <summary>The name in logs: <see cref="CameraSourceOptions.Name"/>, or the source with its credentials masked (<c>rtsp://***@host/path</c>).</summary>
    public string Name { get; }

    /// <summary>The source with its credentials masked, such as <c>rtsp://***@camera.local/stream1</c>.</summary>
    public string Source => _plan.Masked;

    /// <summary>The counters, read now. Allocation-free.</summary>
    public CameraStatistics Statistics => new(
        State, Interlocked.Read(ref _received), Interlocked.Read(ref _delivered), Interlocked.Read(ref _dropped), Interlocked.Read(ref _reconnects), _lastError);

    internal ILogger Logger { get; }

    internal PixelPool Pool { get; } = new();

    /// <summary>
    /// Opens the source in the background and returns at once: the state moves to <see cref="CameraState.Connecting"/>,
    /// then to <see cref="CameraState.Streaming"/> with the first frame. A source that cannot be opened is retried with
    /// back-off, never thrown. Calling it again does nothing.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The source was disposed.</exception>
    public void Start()
    {
        CameraStateChangedEventArgs? change;
        lock (_lifecycle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (State != CameraState.Stopped)
            {
                return;
            }
            change = SetStateLocked(CameraState.Connecting, null);
            var period = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 50, Math.Min(TimeSpan.TicksPerSecond, _options.StallTimeout.Ticks / 4)));
            _watchdog = BackgroundWork.CreateTimer(_clock, "camera stall watchdog", Logger, this, static camera => camera.CheckStall(), period, period);
            if (Logger.IsEnabled(LogLevel.Debug))
            {
                var description = PipelineDescription.Redact(_plan.Description);
                LogStarting(Logger, Name, description);
            }
        }
        Raise(change);
        BackgroundWork.Queue("camera connect", Logger, this, static camera => camera.Connect(followsGap: false));
    }

    /// <summary>Takes the newest frame when there is one not read yet; never waits.</summary>
    /// <param name="frame">The frame, which the caller disposes; null when there was none.</param>
    /// <returns>True when a frame was taken.</returns>
    public bool TryRead([NotNullWhen(true)] out CameraFrame? frame)
    {
        if (!_decoding)
        {
            StartDecoding();
        }
        frame = Interlocked.Exchange(ref _latest, null);
        if (frame is null)
        {
            return false;
        }
        Interlocked.Increment(ref _delivered);
        return true;
    }

    /// <summary>
    /// Waits for a frame (the newest, or the next when none is waiting) and takes it. Completes with null once the
    /// source is disposed or a file ended, so a loop ends cleanly.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The frame, which the caller disposes; null when no frame will come any more.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<CameraFrame?> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (TryRead(out var frame))
            {
                return frame;
            }
            if (IsFinished)
            {
                return null;
            }
            Task<bool> next;
            lock (_readGate)
            {
                _waiter ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                next = _waiter.Task;
            }
            // A frame or the end that came between the check and the wait has completed the waiter, or is seen here.
            if (TryRead(out frame))
            {
                return frame;
            }
            if (IsFinished)
            {
                return null;
            }
            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The frames as they come (latest-frame semantics: frames the loop is too slow for are dropped, not queued). The
    /// sequence ends when the source is disposed, a file ended, or <paramref name="cancellationToken"/> is cancelled;
    /// it never throws because of the camera. Dispose each frame.
    /// </summary>
    /// <param name="cancellationToken">Ends the sequence.</param>
    public async IAsyncEnumerable<CameraFrame> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            CameraFrame? frame;
            try
            {
                frame = await ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
            if (frame is null)
            {
                yield break;
            }
            yield return frame;
        }
    }

    /// <summary>
    /// Stops the pipeline (and waits, 10 s at most, for one being torn down after a failure), ends pending reads and
    /// frees the frame not read. Idempotent; safe from any thread while others read.
    /// </summary>
    public void Dispose()
    {
        var (connection, change) = BeginDispose();
        StopPipelines(connection);
        EndDispose(change);
    }

    /// <summary>As <see cref="Dispose"/>, stopping the pipelines (which waits for GStreamer's threads) off the caller's thread.</summary>
    public async ValueTask DisposeAsync()
    {
        var (connection, change) = BeginDispose();
        if (connection is not null || Volatile.Read(ref _teardowns) > 0)
        {
            await Task.Run(() => StopPipelines(connection), CancellationToken.None).ConfigureAwait(false);
        }
        EndDispose(change);
    }

    /// <summary>Such as <c>CameraSource rtsp://***@camera.local/stream1 (Streaming)</c>: never a credential.</summary>
    public override string ToString() => $"CameraSource {_plan.Masked} ({State})";

    private bool IsFinished => _disposed || State == CameraState.Ended;

    private (CameraConnection? Connection, CameraStateChangedEventArgs? Change) BeginDispose()
    {
        lock (_lifecycle)
        {
            if (_disposed)
            {
                return (null, null);
            }
            _disposed = true;
            _reconnectTimer?.Dispose();
            _watchdog?.Dispose();
            _reconnectTimer = null;
            _watchdog = null;
            var connection = _connection;
            _connection = null;
            return (connection, SetStateLocked(CameraState.Stopped, null));
        }
    }

    private void StopPipelines(CameraConnection? connection)
    {
        connection?.Dispose();
        if (!SpinWait.SpinUntil(() => Volatile.Read(ref _teardowns) == 0, TeardownTimeout))
        {
            LogSlowTeardown(Logger, Name, TeardownTimeout.TotalSeconds);
        }
    }

    private void EndDispose(CameraStateChangedEventArgs? change)
    {
        Interlocked.Exchange(ref _latest, null)?.Dispose();
        WakeReaders();
        Raise(change);
    }
}
