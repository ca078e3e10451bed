using Backpack.Imaging;
using Backpack.Streaming.Cameras;
using Backpack.Streaming.Outputs;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.SkyLines;

/// <summary>Passthrough: a camera's own H.264 access units go to the outputs through the same fan-out, with no encoder.</summary>
public partial class SkyLine
{
    private static readonly TimeSpan FeedQuietTimeout = TimeSpan.FromSeconds(5);

    private volatile PassthroughFeed? _feed;

    /// <summary>Whether an encoding pipeline exists now (never while a camera's units pass through), for tests.</summary>
    internal bool IsEncoding => _session is not null;

    /// <summary>
    /// Starts streaming a camera's own H.264 to every attached output as it is: nothing is decoded, nothing encoded, no
    /// encoding pipeline runs. The camera must be made with <see cref="CameraSourceOptions.Passthrough"/>; start it when
    /// you like (before or after). While it runs, <see cref="Put(BgrFrame)"/> returns false (nothing can be drawn).
    /// </summary>
    /// <param name="camera">The camera whose units go through; it stays the caller's to start and dispose.</param>
    /// <param name="drawWhenReEncoding">
    /// Draws on each frame once the stream is re-encoded (see the remarks), on a thread-pool thread, such as a timestamp;
    /// null to draw nothing. Never called while the camera's units pass through.
    /// </param>
    /// <remarks>
    /// <para>
    /// The SkyLine is <see cref="SkyLineState.Streaming"/> at once (an RTSP mount is served); each output's stream begins
    /// at the camera's next key frame, at the camera's size. Key frames cannot be asked for: a viewer who joins, an output
    /// that starts late or lost frames waits for the camera's next key frame. <see cref="SkyLineStatistics.FramesPut"/>
    /// counts the camera's units and <see cref="SkyLineStatistics.FramesEncoded"/> those handed to the outputs.
    /// </para>
    /// <para>
    /// A stream that cannot go through as it is (not H.264, not 8-bit 4:2:0, or key frames more than 10 s apart, beyond
    /// Kinesis Video Streams' fragment limit; the camera logs a warning that says why) is re-encoded instead, without a
    /// stop: the SkyLine reads the camera's decoded frames itself and encodes them at <see cref="SkyLineOptions.Width"/>
    /// × <see cref="SkyLineOptions.Height"/> (the camera's size when those are <see cref="Auto"/>) and
    /// <see cref="SkyLineOptions.FrameRate"/> (the camera's when auto). The outputs then begin a new stream.
    /// </para>
    /// <para><see cref="StopStreaming"/> ends it; the camera goes on.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="camera"/> is null.</exception>
    /// <exception cref="ArgumentException">The camera was not made with <see cref="CameraSourceOptions.Passthrough"/>.</exception>
    /// <exception cref="InvalidOperationException">The SkyLine is streaming or warming up already; stop it first.</exception>
    /// <exception cref="ObjectDisposedException">The SkyLine was disposed.</exception>
    public void StartPassthrough(CameraSource camera, Action<BgrFrame>? drawWhenReEncoding = null)
    {
        ArgumentNullException.ThrowIfNull(camera);
        if (!camera.IsPassthrough)
        {
            throw new ArgumentException($"The camera {camera.Name} was not made with CameraSourceOptions.Passthrough = true; its H.264 cannot reach the SkyLine as it is.", nameof(camera));
        }
        ObjectDisposedException.ThrowIf(_disposed, this);
        AttachDescribedOutputOnce();
        SkyLineStateChangedEventArgs? change;
        lock (_lifecycle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (State is not (SkyLineState.Stopped or SkyLineState.Error))
            {
                throw new InvalidOperationException($"SkyLine {_options.Name} is {State}; call StopStreaming before starting it again.");
            }
            if (camera.EncodedUnitReceived is not null)
            {
                throw new InvalidOperationException($"The camera {camera.Name} passes its units through to another SkyLine already.");
            }
            CancelRestartLocked();
            WaitForPendingStopLocked();
            StopFeedLocked(drain: false);
            TearDownLocked(drain: false);
            _restartAttempt = 0;
            var feed = new PassthroughFeed(this, camera, drawWhenReEncoding);
            _feed = feed;
            camera.EncodedUnitReceived = feed.Receive;
            change = SetStateLocked(SkyLineState.Streaming, null);
            LogPassthroughStarted(Logger, _options.Name, camera.Name);
        }
        Raise(change);
    }

    /// <summary>Ends the passthrough feed, if any: no unit reaches the outputs after this returns; their streams end (drained or not).</summary>
    private void StopFeedLocked(bool drain)
    {
        if (TakeFeed() is { } feed)
        {
            feed.Quiesce();
            if (!feed.ReEncoding)
            {
                EndOutputs(drain, _options.StopTimeout);
            }
        }
    }

    /// <summary>Takes the feed away (the async stop stops it outside the lock).</summary>
    private PassthroughFeed? TakeFeed()
    {
        var feed = _feed;
        _feed = null;
        return feed;
    }

    /// <summary>
    /// On the camera's units thread: one unit through the fan-out, as the encoder's sink would hand it. Allocation-free
    /// (the camera's pooled unit is shared by reference, given back to the camera by the last output).
    /// </summary>
    private void PassThrough(PassthroughFeed feed, EncodedFrame unit)
    {
        if (feed.Camera.PassthroughRefusal is { } refusal)
        {
            feed.FallBack(refusal, PassthroughFormat(unit));
            return;
        }
        Interlocked.Increment(ref _framesPut);
        if (!_outputActive)
        {
            return;
        }
        var stream = feed.Stream;
        if (stream is null || !ReferenceEquals(stream.Configuration, unit.Configuration))
        {
            if (!unit.IsKeyFrame)
            {
                // A stream (and a new configuration: a camera reconnected to another stream) starts at a key frame.
                return;
            }
            stream = new PassthroughStream(unit.Configuration, PassthroughFormat(unit));
            feed.Stream = stream;
            foreach (var slot in _outputs)
            {
                slot.Output.Prepare(stream.Format, TimeSpan.Zero);
            }
        }
        FanOut(stream.Format, session: null, unit, feed.Release);
        Interlocked.Increment(ref _framesEncoded);
    }

    /// <summary>The format of the camera's stream: its size, and the options' frame rate or the camera's (from its units' durations).</summary>
    private StreamFormat PassthroughFormat(EncodedFrame unit)
    {
        var fps = _options.FrameRate != Auto
            ? _options.FrameRate
            : unit.Duration > TimeSpan.Zero ? Math.Clamp(Math.Round(TimeSpan.TicksPerSecond / (double)unit.Duration.Ticks, 2), 0.1, 1000) : 30;
        return new StreamFormat(fps, unit.Configuration.Width, unit.Configuration.Height);
    }

    /// <summary>
    /// On the thread pool after the camera's stream was refused: the passthrough streams end, an encoding session of the
    /// camera's decoded frames begins (the SkyLine stays <see cref="SkyLineState.Streaming"/>), and a loop reads and puts them.
    /// </summary>
    private void ReEncode(PassthroughFeed feed, string reason, StreamFormat camera)
    {
        SkyLineStateChangedEventArgs? failure = null;
        lock (_lifecycle)
        {
            if (_disposed || _feed != feed || State != SkyLineState.Streaming)
            {
                return;
            }
            feed.DetachFromCamera();
            EndOutputs(drained: false, TimeSpan.Zero);
            var format = new StreamFormat(
                _options.FrameRate != Auto ? _options.FrameRate : camera.FrameRate,
                _options.Width != Auto ? _options.Width : RoundUpToEven(camera.Width),
                _options.Height != Auto ? _options.Height : RoundUpToEven(camera.Height));
            lock (_warmupGate)
            {
                (_frameRate, _width, _height) = (format.FrameRate, format.Width, format.Height);
            }
            LogReEncoding(Logger, _options.Name, feed.Camera.Name, reason, format);
            var session = CreateSession(format);
            TryStartLocked(session, out failure);
            feed.StartReading();
        }
        Raise(failure);
    }

    /// <summary>The configuration and format of the passthrough stream, replaced as a whole (read by attaching threads).</summary>
    private sealed record PassthroughStream(H264Configuration Configuration, StreamFormat Format);

    /// <summary>One passthrough run: the camera, the units in flight, and the loop that reads frames once the stream is re-encoded.</summary>
    private sealed class PassthroughFeed : IDisposable
    {
        private readonly SkyLine _owner;
        private readonly Action<BgrFrame>? _draw;
        private readonly CancellationTokenSource _stop = new();
        private Task _reading = Task.CompletedTask;
        private int _busy;
        private int _fellBack;
        private volatile bool _ended;

        internal PassthroughFeed(SkyLine owner, CameraSource camera, Action<BgrFrame>? draw)
        {
            _owner = owner;
            Camera = camera;
            _draw = draw;
            Receive = OnUnit;
            Release = camera.ReleaseUnit;
        }

        internal CameraSource Camera { get; }

        /// <summary>The camera's handler (made once: no delegate per unit).</summary>
        internal Action<EncodedFrame> Receive { get; }

        /// <summary>Gives a unit back to the camera's pool (made once).</summary>
        internal Action<EncodedFrame> Release { get; }

        /// <summary>The stream the outputs receive; null before the camera's first key frame. On the units thread (read elsewhere).</summary>
        internal volatile PassthroughStream? Stream;

        /// <summary>Whether the stream is re-encoded (the camera's was refused).</summary>
        internal bool ReEncoding => Volatile.Read(ref _fellBack) != 0;

        private void OnUnit(EncodedFrame unit)
        {
            Interlocked.Increment(ref _busy);
            try
            {
                if (!_ended && !ReEncoding)
                {
                    _owner.PassThrough(this, unit);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _busy);
            }
        }

        /// <summary>On the units thread, once: the re-encoding is set up on the thread pool (never here: it builds a pipeline).</summary>
        internal void FallBack(string reason, StreamFormat camera)
        {
            if (Interlocked.Exchange(ref _fellBack, 1) == 0)
            {
                BackgroundWork.Queue(
                    "SkyLine passthrough fallback", _owner.Logger, (Feed: this, Reason: reason, Camera: camera),
                    static state => state.Feed._owner.ReEncode(state.Feed, state.Reason, state.Camera));
            }
        }

        internal void DetachFromCamera()
        {
            if (Camera.EncodedUnitReceived == Receive)
            {
                Camera.EncodedUnitReceived = null;
            }
        }

        /// <summary>Stops the feed: once it returns (bounded) no unit is in the fan-out and the reading loop puts nothing more. Blocks briefly.</summary>
        internal void Quiesce()
        {
            _ended = true;
            DetachFromCamera();
            _stop.Cancel();
            var reading = _reading;
            if (!SpinWait.SpinUntil(() => Volatile.Read(ref _busy) == 0 && reading.IsCompleted, FeedQuietTimeout))
            {
                LogFeedSlowToStop(_owner.Logger, _owner._options.Name, Camera.Name, FeedQuietTimeout.TotalSeconds);
                return;
            }
            Dispose();
        }

        /// <summary>Frees the stop signal once nothing reads it any more (a feed slow to stop keeps it).</summary>
        public void Dispose() => _stop.Dispose();

        /// <summary>Under the lifecycle lock: the loop that reads the camera's decoded frames and puts them.</summary>
        internal void StartReading()
        {
            var token = _stop.Token;
            _reading = BackgroundWork.RunAsync("SkyLine passthrough re-encoding loop", _owner.Logger, () => ReadAsync(token));
        }

        private async Task ReadAsync(CancellationToken token)
        {
            await foreach (var frame in Camera.ReadAllAsync(token).ConfigureAwait(false))
            {
                using (frame)
                {
                    _draw?.Invoke(frame.Frame);
                    _owner.Put(frame.Frame);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SkyLine {Name} passes the H.264 of camera {Camera} through as it is (no decoding, no encoding)")]
    private static partial void LogPassthroughStarted(ILogger logger, string name, string camera);

    // Information: the camera's own warning says why already, once.
    [LoggerMessage(Level = LogLevel.Information, Message = "SkyLine {Name}: the stream of camera {Camera} cannot go through as it is ({Reason}); re-encoding it at {Format}")]
    private static partial void LogReEncoding(ILogger logger, string name, string camera, string reason, StreamFormat format);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SkyLine {Name}: a unit of camera {Camera} was still in the fan-out {Seconds} s after the stop; going on")]
    private static partial void LogFeedSlowToStop(ILogger logger, string name, string camera, double seconds);
}
