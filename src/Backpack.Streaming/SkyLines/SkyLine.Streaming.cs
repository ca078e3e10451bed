using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Backpack.Threading;

namespace Backpack.Streaming.SkyLines;

/// <summary>The frame path and the life of pipelines: warmup, queueing, sessions, errors and restarts.</summary>
public partial class SkyLine
{
    private bool Enqueue(ReadOnlySpan<byte> bgr, int width, int height, int stride, long timestamp)
    {
        var session = _session;
        if (session is null || !session.Accepting)
        {
            return false;
        }
        if (!_outputActive)
        {
            Interlocked.Increment(ref _framesPut);
            Volatile.Write(ref _lastPutTimestamp, timestamp);
            return true;
        }
        var format = session.Format;
        var layout = width == format.Width && height == format.Height ? session.Layout : NoteMismatch(width, height, format);
        var slot = _pool.Rent(layout.Size);
        if (slot is null)
        {
            return false;
        }
        slot.Layout = layout;
        slot.Timestamp = timestamp;
        slot.Session = session.Id;
        BgrToI420.Convert(bgr, stride, layout, session.Matrix, slot.Bytes);
        _pool.Enqueue(slot);
        Interlocked.Increment(ref _framesPut);
        Volatile.Write(ref _lastPutTimestamp, timestamp);
        session.Wake();
        return true;
    }

    private I420Layout NoteMismatch(int width, int height, StreamFormat format)
    {
        lock (_mismatchGate)
        {
            if (_warnedSizes.Add((width, height)))
            {
                LogFrameScaled(Logger, _options.Name, width, height, format.Width, format.Height);
            }
        }
        return new I420Layout(width, height);
    }

    /// <summary>
    /// Counts a warmup frame; false when the warmup already ended (the frame is then queued by the caller).
    /// On the application's thread: it takes only the warmup gate (held briefly by Start and Stop, never by
    /// GStreamer threads, never while a pipeline is built), and the Put that ends the warmup only makes the
    /// session: its buffers and pipeline are made on the thread pool, where the change is also logged and
    /// followed by the output.
    /// </summary>
    private bool MeasureWarmupFrame(int width, int height, long timestamp)
    {
        SkyLineStateChangedEventArgs? began = null;
        SkyLineStateChangedEventArgs? completed = null;
        Session? session = null;
        var timeless = false;
        lock (_warmupGate)
        {
            if (_state == (int)SkyLineState.StartWarmup)
            {
                _warmup = default;
                began = ChangeStateGated(SkyLineState.Warmup, null);
            }
            if (_state != (int)SkyLineState.Warmup)
            {
                // The warmup ended (or streaming stopped) meanwhile: the caller queues the frame or refuses it.
                return false;
            }
            var count = _warmup.Count + 1;
            _warmup = new Warmup(count, count == 1 ? timestamp : _warmup.First, timestamp, width, height);
            Interlocked.Increment(ref _framesPut);
            if (count >= _options.WarmupFrames)
            {
                var format = MeasuredFormat(_warmup, out timeless);
                _frameRate = format.FrameRate;
                _width = format.Width;
                _height = format.Height;
                // Frames put from now on queue for this session while its pipeline is built.
                session = CreateSession(format);
                completed = ChangeStateGated(SkyLineState.Streaming, null);
            }
        }
        if (began is not null)
        {
            Interlocked.Increment(ref _buffersBeingPrepared);
            BackgroundWork.Queue(
                "SkyLine warmup buffers", Logger,
                (Owner: this, Width: width, Height: height, Change: began),
                static state => state.Owner.PrepareBuffersForWarmup(state.Width, state.Height, state.Change));
        }
        if (session is not null)
        {
            BackgroundWork.Queue(
                "SkyLine pipeline start after the warmup", Logger,
                (Owner: this, Session: session, Change: completed, Timeless: timeless),
                static state => state.Owner.StartQueuedSession(state.Session, state.Change, state.Timeless));
        }
        return true;
    }

    /// <summary>The format a warmup measured, with the values given at start kept. Called with the warmup gate held.</summary>
    private StreamFormat MeasuredFormat(Warmup warmup, out bool timeless)
    {
        timeless = false;
        var fps = _frameRate ?? MeasureFrameRate(warmup, out timeless);
        var width = _width ?? RoundUpToEven(warmup.Width);
        var height = _height ?? RoundUpToEven(warmup.Height);
        return new StreamFormat(fps, width, height);
    }

    private double MeasureFrameRate(Warmup warmup, out bool timeless)
    {
        var elapsed = (double)(warmup.Last - warmup.First) / _clock.TimestampFrequency;
        timeless = elapsed <= 0;
        if (timeless)
        {
            return 30;
        }
        var measured = Math.Clamp((warmup.Count - 1) / elapsed, 0.1, 1000);
        // A camera at 15 fps measures 14.98 or 15.02: round to the whole number when it is that close.
        var whole = Math.Round(measured);
        return whole > 0 && Math.Abs(measured - whole) <= 0.02 * whole ? whole : Math.Round(measured, 2);
    }

    private static int RoundUpToEven(int value) => Math.Min(16384, (value + 1) & ~1);

    /// <summary>On a thread-pool thread after the Put that ended a warmup: logs, lets the output follow, builds the pipeline.</summary>
    private void StartQueuedSession(Session session, SkyLineStateChangedEventArgs? change, bool timeless)
    {
        if (timeless)
        {
            LogWarmupWithoutTime(Logger, _options.Name, _options.WarmupFrames);
        }
        LogWarmupDone(Logger, _options.Name, session.Format);
        Raise(change);
        SkyLineStateChangedEventArgs? failure = null;
        lock (_lifecycle)
        {
            if (_session != session || State != SkyLineState.Streaming)
            {
                return;
            }
            TryStartLocked(session, out failure);
        }
        Raise(failure);
    }

    /// <summary>
    /// Makes the session of a format current and sizes the queue for it; cheap and lock-free (Put may be
    /// the caller). Called under the lifecycle lock or the warmup gate.
    /// </summary>
    private Session CreateSession(StreamFormat format)
    {
        var session = new Session(this, Interlocked.Increment(ref _sessionCounter), format);
        var capacity = QueueCapacity(session.Layout.Size);
        // In flight beyond the queue: appsrc's own queue, the frame being pushed, the last frame kept for
        // repeats, and what the encoder holds (one frame at low latency, dozens with look-ahead).
        _pool.Configure(capacity, capacity + 64);
        _session = session;
        return session;
    }

    private int QueueCapacity(int frameBytes) => (int)Math.Clamp(_options.MaxQueuedBytes / frameBytes, 1, _options.MaxQueuedFrames);

    /// <summary>
    /// Buffers for the queue and a few in flight, allocated ahead so that Put never allocates. Those a
    /// pipeline that keeps up holds (<see cref="WarmBuffers"/>) are also touched ahead, so that frames do not
    /// pay for page faults inside Put; the rest of the queue's stay cold (not resident: 8 of 1.4 MB at
    /// 1280×720 with the defaults) until the queue first grows that deep. Heavy: never on the thread in Put.
    /// </summary>
    private void PrepareBuffers(int width, int height)
    {
        var frameBytes = new I420Layout(width, height).Size;
        _pool.Prepare(QueueCapacity(frameBytes) + 4, frameBytes, WarmBuffers);
    }

    /// <summary>
    /// When a warmup measures the size, the first frame tells it (almost always): the buffers are
    /// prepared on the thread pool during the warmup rather than by the Put that ends it.
    /// </summary>
    private void PrepareBuffersForWarmup(int frameWidth, int frameHeight, SkyLineStateChangedEventArgs? change)
    {
        try
        {
            Raise(change);
            int width, height;
            lock (_lifecycle)
            {
                if (_disposed || State is not (SkyLineState.StartWarmup or SkyLineState.Warmup or SkyLineState.Streaming))
                {
                    return;
                }
                width = _width ?? RoundUpToEven(frameWidth);
                height = _height ?? RoundUpToEven(frameHeight);
            }
            // Outside the lifecycle lock: a stop must not wait for megabytes to be written.
            PrepareBuffers(width, height);
        }
        finally
        {
            Interlocked.Decrement(ref _buffersBeingPrepared);
        }
    }

    /// <summary>
    /// Waits until the buffers a warmup started preparing are ready (for tests: a real warmup lasts far
    /// longer than the preparation, so frames after it find their buffers); false on timeout.
    /// </summary>
    internal bool WaitForPreparedBuffers(TimeSpan timeout) =>
        SpinWait.SpinUntil(() => Volatile.Read(ref _buffersBeingPrepared) == 0, timeout);

    /// <summary>
    /// Starts a session's pipeline; when the encoder makes it fail and a fallback is allowed, tries once more
    /// with x264enc. On failure moves to Error (and schedules a restart) and returns false.
    /// </summary>
    private bool TryStartLocked(Session session, out SkyLineStateChangedEventArgs? failure)
    {
        // Nothing to do when the warmup prepared them already.
        PrepareBuffers(session.Format.Width, session.Format.Height);
        while (true)
        {
            try
            {
                session.Start();
                PrepareOutputs(session.Format);
                LogStreaming(Logger, _options.Name, session.Format, EncoderElement);
                failure = null;
                return true;
            }
#pragma warning disable CA1031 // Whatever made the pipeline fail to start is logged, and the SkyLine retries.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                var reason = PipelineDescription.Redact(exception.Message);
                LogStartFailed(Logger, _options.Name, reason);
                if (session.IsEncoderFault(session.StartFailureSource) && TryFallBack(reason))
                {
                    continue;
                }
                failure = FailLocked(session, reason, encoderAtFault: false);
                return false;
            }
        }
    }

    /// <summary>A running session reported a pipeline error (on its bus thread).</summary>
    private void OnSessionFailed(Session session, string reason, bool encoderAtFault)
    {
        // Only the first failure of a session counts: an element's error is often followed by more reports
        // (the source's flow error, end of stream), and queued separately they could overtake it.
        if (!session.MarkFailed())
        {
            return;
        }
        BackgroundWork.Queue("SkyLine pipeline failure", Logger, (Owner: this, Session: session, Reason: reason, EncoderAtFault: encoderAtFault), static state =>
        {
            SkyLineStateChangedEventArgs? change;
            lock (state.Owner._lifecycle)
            {
                if (state.Owner._session != state.Session || state.Owner.State != SkyLineState.Streaming)
                {
                    return;
                }
                change = state.Owner.FailLocked(state.Session, state.Reason, state.EncoderAtFault);
            }
            state.Owner.Raise(change);
        });
    }

    /// <summary>
    /// Switches to x264enc after the encoder failed, once, when the options allow it and the encoder was not
    /// x264enc already; true when the next pipeline will use it.
    /// </summary>
    private bool TryFallBack(string reason)
    {
        if (!_options.FallBackToSoftwareEncoder || _usingFallbackEncoder || UsesSoftwareEncoder || !GStreamerRuntime.HasElement(H264Encoders.Software))
        {
            return false;
        }
        _usingFallbackEncoder = true;
        LogEncoderFallBack(Logger, _options.Name, _encoderDescription is null ? _encoderElement : PipelineDescription.Redact(_encoderDescription), reason);
        return true;
    }

    /// <summary>Whether the encoder in use is x264enc, which there is nothing to fall back from.</summary>
    private bool UsesSoftwareEncoder =>
        _encoderDescription is { } given
            ? PipelineDescription.ElementNames(given).Contains(H264Encoders.Software)
            : _encoderElement == H264Encoders.Software;

    /// <summary>The encoder chain for a session: the fallback, the one given in the options, or the one chosen.</summary>
    private string EncoderDescription(StreamFormat format)
    {
        if (_encoderDescription is { } given && !_usingFallbackEncoder)
        {
            return given;
        }
        var keyFrameInterval = Math.Max(1, (int)Math.Round(format.FrameRate * _options.KeyFrameInterval.TotalSeconds));
        return H264Encoders.Describe(
            _usingFallbackEncoder ? H264Encoders.Software : _encoderElement,
            new H264Encoders.Settings(_options.BitrateKbps, keyFrameInterval, _options.SpeedPreset));
    }

    private SkyLineStateChangedEventArgs? FailLocked(Session session, string reason, bool encoderAtFault)
    {
        var change = SetStateLocked(SkyLineState.Error, reason);
        if (encoderAtFault && TryFallBack(reason))
        {
            // A new encoder, not a repeat of the failure: the back-off starts over.
            _restartAttempt = 0;
        }
        var ranFor = _clock.GetElapsedTime(session.CreatedAt);
        TearDownLocked(drain: false);
        if (ranFor >= _options.MaxRestartDelay)
        {
            _restartAttempt = 0;
        }
        if (!_options.AutoRestart)
        {
            LogNoRestart(Logger, _options.Name);
            return change;
        }
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.MaxRestartDelay.Ticks, _options.RestartDelay.Ticks * Math.Pow(2, _restartAttempt)));
        _restartAttempt++;
        LogRestartScheduled(Logger, _options.Name, delay.TotalSeconds, _restartAttempt);
        _restartTimer = BackgroundWork.CreateTimer(_clock, "SkyLine restart timer", Logger, this, static skyLine => skyLine.Restart(), delay, Timeout.InfiniteTimeSpan);
        return change;
    }

    private void Restart()
    {
        SkyLineStateChangedEventArgs? change;
        lock (_lifecycle)
        {
            if (_disposed || State != SkyLineState.Error || _frameRate is null || _width is null || _height is null)
            {
                return;
            }
            _restartTimer?.Dispose();
            _restartTimer = null;
            var session = CreateSession(new StreamFormat(_frameRate.Value, _width.Value, _height.Value));
            if (TryStartLocked(session, out change))
            {
                Interlocked.Increment(ref _restarts);
                LogRestarted(Logger, _options.Name, _restartAttempt);
                change = SetStateLocked(SkyLineState.Streaming, null);
            }
        }
        Raise(change);
    }

    private void CancelRestartLocked()
    {
        _restartTimer?.Dispose();
        _restartTimer = null;
    }

    private void TearDownLocked(bool drain)
    {
        var session = _session;
        _session = null;
        if (session is not null)
        {
            if (drain && !session.Started)
            {
                // The pipeline of a just-finished warmup is still to be built on the thread pool:
                // build it now so the frames queued meanwhile are encoded before the stop.
                StartForDrain(session);
            }
            EndSession(session, session.Stop(drain, _options.StopTimeout));
        }
        Interlocked.Add(ref _framesLostInFailures, _pool.Clear());
        lock (_warmupGate)
        {
            _warmup = default;
        }
    }

    /// <summary>Builds the pipeline of a session that a stop wants drained before its pipeline was started.</summary>
    private void StartForDrain(Session session)
    {
        try
        {
            session.Start();
        }
#pragma warning disable CA1031 // Stopping anyway: the failure is logged and the queued frames count as lost.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            var reason = PipelineDescription.Redact(exception.Message);
            LogStartFailed(Logger, _options.Name, reason);
        }
    }

    /// <summary>Counts what an ended session lost and keeps its encoder delay for the statistics after the stop.</summary>
    private void EndSession(Session session, long lost)
    {
        Interlocked.Add(ref _framesLostInFailures, lost);
        // The drain may have encoded the first frame only now.
        Interlocked.Exchange(ref _lastEncoderDelayFrames, session.EncoderDelayFrames ?? -1);
    }
}
