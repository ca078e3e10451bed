using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.SkyLines;

/// <summary>The frame path and the life of pipelines: warmup, queueing, sessions, errors and restarts.</summary>
public abstract partial class SkyLine
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
        var slot = _pool.Rent();
        if (slot is null)
        {
            return false;
        }
        var format = session.Format;
        var layout = width == format.Width && height == format.Height ? session.Layout : NoteMismatch(width, height, format);
        slot.EnsureCapacity(layout.Size);
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

    /// <summary>Counts a warmup frame; false when the warmup already ended (the frame is then queued by the caller).</summary>
    private bool MeasureWarmupFrame(int width, int height, long timestamp)
    {
        Warmup? completed = null;
        var warmupBegan = false;
        lock (_warmupGate)
        {
            if (Interlocked.CompareExchange(ref _state, (int)SkyLineState.Warmup, (int)SkyLineState.StartWarmup) == (int)SkyLineState.StartWarmup)
            {
                _warmup = default;
                warmupBegan = true;
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
                completed = _warmup;
            }
        }
        if (warmupBegan)
        {
            ThreadPool.UnsafeQueueUserWorkItem(
                static state => state.Owner.PrepareBuffersForWarmup(state.Width, state.Height), (Owner: this, Width: width, Height: height), preferLocal: false);
            Raise(new SkyLineStateChangedEventArgs(SkyLineState.StartWarmup, SkyLineState.Warmup, null));
        }
        if (completed is { } warmup)
        {
            // Outside the warmup lock: the lifecycle lock is always taken first.
            CompleteWarmup(MeasuredFormat(warmup));
        }
        return true;
    }

    private StreamFormat MeasuredFormat(Warmup warmup)
    {
        double fps;
        lock (_lifecycle)
        {
            fps = _frameRate ?? MeasureFrameRate(warmup);
            var width = _width ?? RoundUpToEven(warmup.Width);
            var height = _height ?? RoundUpToEven(warmup.Height);
            return new StreamFormat(fps, width, height);
        }
    }

    private double MeasureFrameRate(Warmup warmup)
    {
        var elapsed = (double)(warmup.Last - warmup.First) / _clock.TimestampFrequency;
        if (elapsed <= 0)
        {
            LogWarmupWithoutTime(Logger, _options.Name, warmup.Count);
            return 30;
        }
        var measured = Math.Clamp((warmup.Count - 1) / elapsed, 0.1, 1000);
        // A camera at 15 fps measures 14.98 or 15.02: round to the whole number when it is that close.
        var whole = Math.Round(measured);
        return whole > 0 && Math.Abs(measured - whole) <= 0.02 * whole ? whole : Math.Round(measured, 2);
    }

    private static int RoundUpToEven(int value) => Math.Min(16384, (value + 1) & ~1);

    private void CompleteWarmup(StreamFormat format)
    {
        Session? session;
        SkyLineStateChangedEventArgs? change;
        lock (_lifecycle)
        {
            if (_disposed || State != SkyLineState.Warmup)
            {
                return;
            }
            _frameRate = format.FrameRate;
            _width = format.Width;
            _height = format.Height;
            session = CreateSessionLocked(format);
            change = SetStateLocked(SkyLineState.Streaming, null);
            LogWarmupDone(Logger, _options.Name, format);
        }
        Raise(change);
        // Building a pipeline (and preparing buffers, unless the warmup did) takes a while: never on the
        // application's thread, which is in Put. Frames put meanwhile queue.
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Owner.StartQueuedSession(state.Session), (Owner: this, Session: session), preferLocal: false);
    }

    private void StartQueuedSession(Session session)
    {
        SkyLineStateChangedEventArgs? change;
        lock (_lifecycle)
        {
            if (_session != session || State != SkyLineState.Streaming)
            {
                return;
            }
            TryStartLocked(session, out change);
        }
        Raise(change);
    }

    /// <summary>Makes the session of a format current and sizes the queue for it; cheap (Put may be the caller).</summary>
    private Session CreateSessionLocked(StreamFormat format)
    {
        var session = new Session(this, ++_sessionCounter, format, Interlocked.Read(ref _framesPut));
        var capacity = QueueCapacity(session.Layout.Size);
        // In flight beyond the queue: appsrc's own queue, the frame being pushed, the last frame kept for
        // repeats, and what the encoder holds (one frame at low latency, dozens with look-ahead).
        _pool.Configure(capacity, capacity + 64);
        _session = session;
        return session;
    }

    private int QueueCapacity(int frameBytes) => (int)Math.Clamp(_options.MaxQueuedBytes / frameBytes, 1, _options.MaxQueuedFrames);

    /// <summary>
    /// Buffers for the queue and a few in flight, allocated and touched ahead, so that frames do not pay
    /// for page faults inside Put. Heavy (about 17 MB at 1280×720 with the defaults): never on the
    /// thread in Put.
    /// </summary>
    private void PrepareBuffers(int width, int height)
    {
        var frameBytes = new I420Layout(width, height).Size;
        _pool.Prepare(QueueCapacity(frameBytes) + 4, frameBytes);
    }

    /// <summary>
    /// When a warmup measures the size, the first frame tells it (almost always): the buffers are
    /// prepared on the thread pool during the warmup rather than by the Put that ends it.
    /// </summary>
    private void PrepareBuffersForWarmup(int frameWidth, int frameHeight)
    {
        int width, height;
        lock (_lifecycle)
        {
            if (_disposed || State is not (SkyLineState.StartWarmup or SkyLineState.Warmup))
            {
                return;
            }
            width = _width ?? RoundUpToEven(frameWidth);
            height = _height ?? RoundUpToEven(frameHeight);
        }
        // Outside the lifecycle lock: the Put that ends the warmup takes it.
        PrepareBuffers(width, height);
    }

    /// <summary>Starts a session's pipeline; on failure moves to Error (and schedules a restart) and returns false.</summary>
    private bool TryStartLocked(Session session, out SkyLineStateChangedEventArgs? failure)
    {
        // Nothing to do when the warmup prepared them already.
        PrepareBuffers(session.Format.Width, session.Format.Height);
        try
        {
            session.Start();
            LogStreaming(Logger, _options.Name, session.Format, _encoderElement);
            failure = null;
            return true;
        }
#pragma warning disable CA1031 // Whatever made the pipeline fail to start is logged, and the SkyLine retries.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            var reason = PipelineDescription.Redact(exception.Message);
            LogStartFailed(Logger, _options.Name, reason);
            failure = FailLocked(session, reason);
            return false;
        }
    }

    /// <summary>A running session reported a pipeline error (on its bus thread).</summary>
    private void OnSessionFailed(Session session, string reason)
    {
        // Only the first failure of a session counts: an element's error is often followed by more reports
        // (the source's flow error, end of stream), and queued separately they could overtake it.
        if (!session.MarkFailed())
        {
            return;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static state =>
        {
            SkyLineStateChangedEventArgs? change;
            lock (state.Owner._lifecycle)
            {
                if (state.Owner._session != state.Session || state.Owner.State != SkyLineState.Streaming)
                {
                    return;
                }
                change = state.Owner.FailLocked(state.Session, state.Reason);
            }
            state.Owner.Raise(change);
        }, (Owner: this, Session: session, Reason: reason), preferLocal: false);
    }

    private SkyLineStateChangedEventArgs? FailLocked(Session session, string reason)
    {
        var change = SetStateLocked(SkyLineState.Error, reason);
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
        _restartTimer = _clock.CreateTimer(static state => ((SkyLine)state!).Restart(), this, delay, Timeout.InfiniteTimeSpan);
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
            var session = CreateSessionLocked(new StreamFormat(_frameRate.Value, _width.Value, _height.Value));
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
        if (session is not null && drain && !session.Started)
        {
            // The pipeline of a just-finished warmup is still to be built on the thread pool:
            // build it now so the frames queued meanwhile are encoded before the stop.
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
        _session = null;
        if (session is not null)
        {
            var lost = session.Stop(drain, _options.StopTimeout);
            Interlocked.Add(ref _framesLostInFailures, lost);
            // Kept for the statistics after the stop: the drain may have encoded the first frame only now.
            Interlocked.Exchange(ref _lastEncoderDelayFrames, session.EncoderDelayFrames ?? -1);
        }
        Interlocked.Add(ref _framesLostInFailures, _pool.Clear());
        lock (_warmupGate)
        {
            _warmup = default;
        }
    }
}
