using Backpack.Streaming.SkyLines;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Outputs;

/// <summary>
/// Where a SkyLine's encoded frames go: an RTSP mount, a recording, any GStreamer sink, Kinesis Video Streams,
/// a browser. A SkyLine encodes once and hands each access unit to every output attached to it
/// (<see cref="SkyLine.Attach"/>); each output has its own bounded queue and its own thread, so a slow or
/// failing output loses its own frames (counted) and never holds up the encoder or the other outputs.
/// </summary>
/// <remarks>
/// <para>
/// Derived classes write the frames in <see cref="OnFrame"/>, on the output's thread, one at a time and in
/// order, between <see cref="OnStreamStarted"/> (the first frame of a stream, or a new codec configuration)
/// and <see cref="OnStreamEnded"/> (the stream stopped, failed or the output was detached). The first frame
/// after a start is a key frame. When the queue is full its oldest frame is dropped; the output then skips
/// frames until the next key frame (a decoder could not use them) and asks the SkyLine for one.
/// </para>
/// <para>
/// An exception from a derived method is caught, logged and counted (<see cref="OutputStatistics.Failures"/>);
/// the output goes on with the next key frame. Thread safe: the SkyLine calls from its threads, the derived
/// methods run on the output's own.
/// </para>
/// </remarks>
public abstract partial class SkyLineOutput : IDisposable
{
    private const int DefaultMaxQueuedFrames = 90;
    private const long DefaultMaxQueuedBytes = 16 << 20;
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly Queue<Item> _queue = new();
    private readonly Signal _wake = new(autoReset: true);
    private readonly int _maxQueuedFrames;
    private readonly long _maxQueuedBytes;
    private SkyLine? _skyLine;
    private Thread? _thread;
    private volatile bool _stopping;
    private volatile bool _awaitingKeyFrame = true;
    private volatile OutputState _state = OutputState.Detached;
    private volatile string? _lastError;
    private int _framesQueued;
    private long _bytesQueued;
    private long _framesIn;
    private long _framesWritten;
    private long _framesDropped;
    private long _failures;
    private int _disposed;

    /// <summary>Prepares an output; nothing happens until it is attached to a SkyLine.</summary>
    /// <param name="name">A name for logs, statistics and thread names, not empty.</param>
    /// <param name="maxQueuedFrames">Frames its queue holds at most, 1 to 10 000; default 90 (3 s at 30 fps).</param>
    /// <param name="maxQueuedBytes">Bytes its queue holds at most, at least 1; default 16 MiB.</param>
    /// <param name="loggerFactory">Where logs go; null for none.</param>
    /// <exception cref="ArgumentException">The name is empty or a limit is out of range.</exception>
    protected SkyLineOutput(string name, int maxQueuedFrames = DefaultMaxQueuedFrames, long maxQueuedBytes = DefaultMaxQueuedBytes, ILoggerFactory? loggerFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (maxQueuedFrames is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(maxQueuedFrames), maxQueuedFrames, "Expected from 1 to 10000 frames.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQueuedBytes, 1);
        Name = name;
        _maxQueuedFrames = maxQueuedFrames;
        _maxQueuedBytes = maxQueuedBytes;
        Logger = ContainedLoggerFactory.Wrap(loggerFactory).CreateLogger(GetType().FullName ?? nameof(SkyLineOutput));
    }

    /// <summary>The output's name.</summary>
    public string Name { get; }

    /// <summary>The SkyLine the output is attached to, or null.</summary>
    public SkyLine? SkyLine
    {
        get
        {
            lock (_gate)
            {
                return _skyLine;
            }
        }
    }

    /// <summary>
    /// Whether the output wants frames now. While no attached output wants any, the SkyLine encodes nothing.
    /// The default is true; an output that knows when nobody watches (an RTSP mount) overrides it and calls
    /// <see cref="OnNeedsFramesChanged"/> when it changes.
    /// </summary>
    public virtual bool NeedsFrames => true;

    /// <summary>The figures now.</summary>
    public OutputStatistics Statistics
    {
        get
        {
            var extras = new List<KeyValuePair<string, double>>();
            AddExtras(extras);
            int queued;
            long bytes;
            lock (_gate)
            {
                queued = _framesQueued;
                bytes = _bytesQueued;
            }
            return new OutputStatistics(
                Name, Kind, _state, Interlocked.Read(ref _framesIn), Interlocked.Read(ref _framesWritten), Interlocked.Read(ref _framesDropped),
                queued, bytes, Interlocked.Read(ref _failures), _lastError, extras);
        }
    }

    /// <summary>
    /// For outputs that cut their stream into pieces of a set duration (segments of a recording): the SkyLine then
    /// forces a key frame every that much of the stream, asked for ahead at the encoder, so that every piece can start
    /// with one wherever the output's thread is. Null (the default) for none.
    /// </summary>
    protected internal virtual TimeSpan? KeyFrameSpacing => null;

    /// <summary>What the output is, for <see cref="OutputStatistics.Kind"/>, such as <c>kinesis</c>.</summary>
    protected virtual string Kind => "output";

    /// <summary>The output's logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>Detaches the output (when attached) and frees what it holds. Idempotent.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The name and kind.</summary>
    public override string ToString() => $"{Kind} output {Name} ({_state})";

    // ---- for derived classes -------------------------------------------------------------------------

    /// <summary>
    /// A stream of <paramref name="format"/> is about to start (the SkyLine's pipeline plays; no frame yet): the
    /// place to open what the output writes to, so that a failure shows at once. For a SkyLine's primary output,
    /// an exception here fails the SkyLine's start. The default does nothing.
    /// </summary>
    /// <param name="format">The stream's frame rate and size.</param>
    protected virtual void OnStreamPreparing(StreamFormat format)
    {
    }

    /// <summary>A stream starts (or its codec configuration changed): the next frame is a key frame of it.</summary>
    /// <param name="configuration">The codec configuration.</param>
    /// <param name="format">The stream's frame rate and size.</param>
    protected virtual void OnStreamStarted(H264Configuration configuration, StreamFormat format)
    {
    }

    /// <summary>Writes one frame; valid only during this call (copy what you keep).</summary>
    protected abstract void OnFrame(EncodedFrame frame);

    /// <summary>
    /// The stream ended: <paramref name="drained"/> when the SkyLine stopped and every frame was delivered (finish
    /// files here; the SkyLine waits for this call up to its stop timeout); false after a pipeline failure, a
    /// restart or a detach.
    /// </summary>
    protected virtual void OnStreamEnded(bool drained)
    {
    }

    /// <summary>Releases what the derived class holds; called once, after the output's thread ended.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            SkyLine?.Detach(this);
        }
    }

    /// <summary>Adds the figures of the output's own kind to <see cref="Statistics"/>.</summary>
    protected virtual void AddExtras(List<KeyValuePair<string, double>> extras)
    {
    }

    /// <summary>Asks the SkyLine for a key frame (rate-limited by the SkyLine to about one a second).</summary>
    protected void RequestKeyFrame() => SkyLine?.RequestKeyFrameFor(this);

    /// <summary>Asks the SkyLine for a key frame at a time of the stream (<see cref="EncodedFrame.PipelineTime"/>), ahead of it: for segments.</summary>
    internal void RequestKeyFrameAt(ulong pipelineTime) => SkyLine?.RequestKeyFrameAt(pipelineTime);

    /// <summary>Tells the SkyLine that <see cref="NeedsFrames"/> may have changed.</summary>
    protected void OnNeedsFramesChanged() => SkyLine?.UpdateOutputActivity();

    /// <summary>Reports a failure found outside the derived methods (a pipeline of the output's own, a connection): logged, counted, shown.</summary>
    /// <param name="reason">What failed, without secrets.</param>
    /// <param name="details">More for the log only (such as GStreamer's debug text), without secrets; null for none.</param>
    protected void ReportFailure(string reason, string? details = null)
    {
        RecordFailure(reason, details);
        FailureReported?.Invoke(this, reason);
    }

    /// <summary>
    /// Reports a failure the output recovers from by itself (a network outage it reconnects after): logged, counted and
    /// shown as <see cref="ReportFailure"/>, but never the SkyLine's failure, not even for a one-output SkyLine, since
    /// restarting the encoder would not help. Call <see cref="ReportRecovered"/> once it works again.
    /// </summary>
    /// <param name="reason">What failed, without secrets.</param>
    /// <param name="details">More for the log only, without secrets; null for none.</param>
    protected void ReportTransientFailure(string reason, string? details = null) => RecordFailure(reason, details);

    /// <summary>Counts, shows and logs a failure (what both kinds of report share).</summary>
    private void RecordFailure(string reason, string? details)
    {
        ArgumentNullException.ThrowIfNull(reason);
        Interlocked.Increment(ref _failures);
        _lastError = reason;
        _state = OutputState.Error;
        LogFailure(Logger, Kind, Name, reason, details ?? "none");
    }

    /// <summary>The output works again after a reported failure.</summary>
    protected void ReportRecovered()
    {
        if (_state == OutputState.Error)
        {
            _state = OutputState.Running;
        }
    }

    // ---- for the SkyLine -------------------------------------------------------------------------

    /// <summary>Raised (on the reporting thread) by <see cref="ReportFailure"/>; the SkyLine of a one-output convenience treats it as its own failure.</summary>
    internal event Action<SkyLineOutput, string>? FailureReported;

    /// <summary>Binds the output to a SkyLine and starts its thread.</summary>
    /// <exception cref="InvalidOperationException">The output is attached to a SkyLine already, or disposed.</exception>
    internal void AttachTo(SkyLine skyLine)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (_skyLine is not null)
            {
                throw new InvalidOperationException($"The output {Name} is attached to SkyLine {_skyLine.Options.Name} already; detach it first.");
            }
            if (_thread is { IsAlive: true })
            {
                throw new InvalidOperationException($"The output {Name} is still finishing its last frame after a detach; attach it again once it stopped.");
            }
            _skyLine = skyLine;
            _stopping = false;
            _awaitingKeyFrame = true;
            _state = OutputState.Idle;
            _thread = BackgroundWork.CreateThread("output thread", $"output {Name}", Logger, Run);
            _thread.Start();
        }
    }

    /// <summary>Ends the stream (not drained), stops the thread (bounded) and unbinds the output.</summary>
    internal void DetachFrom()
    {
        Thread? thread;
        lock (_gate)
        {
            if (_skyLine is null)
            {
                return;
            }
            _queue.Enqueue(Item.End(drained: false, done: null));
            _stopping = true;
            thread = _thread;
            _skyLine = null;
        }
        _wake.Set();
        if (thread is not null && thread != Thread.CurrentThread && !thread.Join(JoinTimeout))
        {
            LogSlowDetach(Logger, Kind, Name, JoinTimeout.TotalSeconds);
        }
        _state = OutputState.Detached;
    }

    /// <summary>Whether the SkyLine restarts this output with itself (its primary output): the output then does not retry on its own.</summary>
    internal bool RestartsWithSkyLine { get; set; }

    /// <summary>A stream of <paramref name="format"/> is about to start: queues <see cref="OnStreamPreparing"/>.</summary>
    /// <param name="format">The stream's format.</param>
    /// <param name="wait">How long to wait for it; zero not to wait.</param>
    /// <returns>What <see cref="OnStreamPreparing"/> threw, or null (also when not waited for, or on timeout).</returns>
    internal Exception? Prepare(StreamFormat format, TimeSpan wait)
    {
        var done = new Signal(autoReset: false);
        var item = Item.Prepared(format, done, new PrepareResult());
        lock (_gate)
        {
            if (_stopping)
            {
                return null;
            }
            _queue.Enqueue(item);
        }
        _wake.Set();
        if (wait <= TimeSpan.Zero)
        {
            return null;
        }
        if (!done.Wait(wait))
        {
            LogSlowPrepare(Logger, Kind, Name, wait.TotalSeconds);
            return null;
        }
        return item.Result!.Failure;
    }

    /// <summary>A stream starts; its first frame follows.</summary>
    internal void Begin(H264Configuration configuration, StreamFormat format)
    {
        lock (_gate)
        {
            _queue.Enqueue(Item.Start(configuration, format));
        }
        _wake.Set();
    }

    /// <summary>Queues a frame (taking a reference) or drops the oldest; never blocks. False when the output does not take it.</summary>
    internal bool Offer(EncodedFrame frame, Action<EncodedFrame> release)
    {
        Interlocked.Increment(ref _framesIn);
        EncodedFrame? dropped = null;
        lock (_gate)
        {
            if (_stopping)
            {
                return false;
            }
            if (_framesQueued >= _maxQueuedFrames || _bytesQueued + frame.Length > _maxQueuedBytes)
            {
                dropped = DropOldestFrameLocked();
            }
            frame.AddReference();
            _queue.Enqueue(Item.Of(frame, release));
            _framesQueued++;
            _bytesQueued += frame.Length;
        }
        if (dropped is not null)
        {
            Interlocked.Increment(ref _framesDropped);
            _awaitingKeyFrame = true;
            RequestKeyFrame();
        }
        _wake.Set();
        return true;
    }

    /// <summary>Ends the stream; <paramref name="done"/> is set once <see cref="OnStreamEnded"/> returned.</summary>
    internal void End(bool drained, Signal? done)
    {
        lock (_gate)
        {
            if (_stopping)
            {
                done?.Set();
                return;
            }
            _queue.Enqueue(Item.End(drained, done));
        }
        _wake.Set();
    }

    private EncodedFrame? DropOldestFrameLocked()
    {
        // Control items stay; the oldest frame gives way.
        var count = _queue.Count;
        EncodedFrame? dropped = null;
        for (var i = 0; i < count; i++)
        {
            var item = _queue.Dequeue();
            if (dropped is null && item.Frame is { } frame)
            {
                dropped = frame;
                _framesQueued--;
                _bytesQueued -= frame.Length;
                item.Release!(frame);
                continue;
            }
            _queue.Enqueue(item);
        }
        return dropped;
    }

    private void Run()
    {
        while (true)
        {
            Item item;
            lock (_gate)
            {
                if (!_queue.TryDequeue(out item))
                {
                    if (_stopping)
                    {
                        return;
                    }
                    item = default;
                }
                else if (item.Frame is { } queued)
                {
                    _framesQueued--;
                    _bytesQueued -= queued.Length;
                }
            }
            if (item.Kind == ItemKind.None)
            {
                _wake.Wait(Timeout.InfiniteTimeSpan);
                continue;
            }
            Handle(item);
        }
    }

    private void Handle(Item item)
    {
        switch (item.Kind)
        {
            case ItemKind.Prepare:
                try
                {
                    OnStreamPreparing(item.Format);
                }
#pragma warning disable CA1031 // Carried to the SkyLine (a primary output fails the start) and shown in the statistics.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    item.Result!.Failure = exception;
                    Fail(exception);
                }
                item.Done!.Set();
                break;
            case ItemKind.Start:
                _awaitingKeyFrame = true;
                _state = OutputState.Running;
                Guarded(() => OnStreamStarted(item.Configuration!, item.Format));
                break;
            case ItemKind.Frame:
                var frame = item.Frame!;
                try
                {
                    if (_awaitingKeyFrame && !frame.IsKeyFrame)
                    {
                        Interlocked.Increment(ref _framesDropped);
                        return;
                    }
                    _awaitingKeyFrame = false;
                    OnFrame(frame);
                    Interlocked.Increment(ref _framesWritten);
                }
#pragma warning disable CA1031 // A derived output's failure stays inside it; the stream goes on.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    Fail(exception);
                    // What follows needs what was lost: start again from a key frame.
                    _awaitingKeyFrame = true;
                    RequestKeyFrame();
                }
                finally
                {
                    item.Release!(frame);
                }
                break;
            case ItemKind.End:
                Guarded(() => OnStreamEnded(item.Drained));
                if (_state == OutputState.Running)
                {
                    _state = OutputState.Idle;
                }
                item.Done?.Set();
                break;
        }
    }

    /// <summary>Runs a derived method; an exception is logged, counted and shown, never thrown further.</summary>
    private bool Guarded(Action action)
    {
        try
        {
            action();
            return true;
        }
#pragma warning disable CA1031 // A derived output's failure stays inside it; the stream goes on.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Fail(exception);
            return false;
        }
    }

    private void Fail(Exception exception)
    {
        Interlocked.Increment(ref _failures);
        _lastError = exception.Message;
        _state = OutputState.Error;
        LogCallFailed(Logger, exception, Kind, Name);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Kind} output {Name} failed; it goes on with the next key frame")]
    private static partial void LogCallFailed(ILogger logger, Exception exception, string kind, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Kind} output {Name} failed: {Reason} (debug: {Details})")]
    private static partial void LogFailure(ILogger logger, string kind, string name, string reason, string details);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Kind} output {Name} did not prepare its stream within {Seconds} s; the SkyLine goes on without waiting")]
    private static partial void LogSlowPrepare(ILogger logger, string kind, string name, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Kind} output {Name} did not stop within {Seconds} s of being detached; its thread is left to finish")]
    private static partial void LogSlowDetach(ILogger logger, string kind, string name, double seconds);

    private enum ItemKind
    {
        None,
        Prepare,
        Start,
        Frame,
        End,
    }

    /// <summary>What the output's thread does next: start a stream, write a frame or end the stream.</summary>
    private readonly record struct Item(ItemKind Kind, EncodedFrame? Frame, Action<EncodedFrame>? Release, H264Configuration? Configuration, StreamFormat Format, bool Drained, Signal? Done, PrepareResult? Result = null)
    {
        internal static Item Prepared(StreamFormat format, Signal done, PrepareResult result) => new(ItemKind.Prepare, null, null, null, format, false, done, result);

        internal static Item Start(H264Configuration configuration, StreamFormat format) => new(ItemKind.Start, null, null, configuration, format, false, null);

        internal static Item Of(EncodedFrame frame, Action<EncodedFrame> release) => new(ItemKind.Frame, frame, release, null, default, false, null);

        internal static Item End(bool drained, Signal? done) => new(ItemKind.End, null, null, null, default, drained, done);
    }

    /// <summary>What a preparation threw, carried back to the SkyLine that waits for it.</summary>
    private sealed class PrepareResult
    {
        internal Exception? Failure { get; set; }
    }
}
