using System.Collections.Concurrent;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Backpack.Streaming.Outputs;

namespace Backpack.Streaming.SkyLines;

/// <summary>The output seam: encoded access units handed once to every attached output.</summary>
public partial class SkyLine
{
    /// <summary>Forced key frames come at most this often, whoever asks (late viewers, reconnecting outputs).</summary>
    private static readonly TimeSpan ForcedKeyFrameSpacing = TimeSpan.FromSeconds(1);

    /// <summary>How long a start waits for the primary output to open what it writes to.</summary>
    private static readonly TimeSpan OutputPrepareTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _outputsGate = new();
    private readonly ConcurrentQueue<EncodedFrame> _framePool = new();
    private volatile OutputSlot[] _outputs = [];
    private SkyLineOutput? _primary;
    private long _lastForcedKeyFrame = long.MinValue;
    private int _keyFramePending;
    private long _encodedSequence;
    private int _describedChecked;

    /// <summary>The outputs attached now, in the order they were attached.</summary>
    public IReadOnlyList<SkyLineOutput> Outputs => [.. _outputs.Select(slot => slot.Output)];

    /// <summary>
    /// Attaches an output, at any time: from the next encoded frame on it receives the stream (starting with a
    /// key frame, asked for at once). Encoding runs while at least one attached output needs frames.
    /// </summary>
    /// <param name="output">The output; attached to one SkyLine at a time.</param>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The output is attached to a SkyLine already.</exception>
    /// <exception cref="ObjectDisposedException">The SkyLine or the output was disposed.</exception>
    public void Attach(SkyLineOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_outputsGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            output.AttachTo(this);
            _outputs = [.. _outputs, new OutputSlot(output)];
        }
        if (_session is { Started: true } session)
        {
            // Joining a running stream: it opens what it writes to now and starts with the next key frame.
            output.Prepare(session.Format, TimeSpan.Zero);
        }
        else if (_feed?.Stream is { } stream)
        {
            // Joining a passthrough stream: it starts with the camera's next key frame.
            output.Prepare(stream.Format, TimeSpan.Zero);
        }
        UpdateOutputActivity();
        RequestKeyFrameFor(output);
    }

    /// <summary>
    /// Detaches an output: it stops receiving frames (its stream ends, not drained) and the SkyLine stops encoding
    /// when no other output needs frames. The output is not disposed.
    /// </summary>
    /// <param name="output">The output.</param>
    /// <returns>False when it was not attached to this SkyLine.</returns>
    public bool Detach(SkyLineOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_outputsGate)
        {
            if (!_outputs.Any(slot => slot.Output == output))
            {
                return false;
            }
            _outputs = [.. _outputs.Where(slot => slot.Output != output)];
            if (_primary == output)
            {
                _primary.FailureReported -= OnPrimaryFailed;
                _primary = null;
            }
        }
        output.DetachFrom();
        UpdateOutputActivity();
        return true;
    }

    /// <summary>
    /// Attaches the output a one-output SkyLine is named after (a recording, a sink, Kinesis): call it from the
    /// derived constructor. Its failures are the SkyLine's own: a failure of the primary output moves the SkyLine
    /// to <see cref="SkyLineState.Error"/> and both are rebuilt by the restart, as one pipeline would be. The
    /// SkyLine disposes it.
    /// </summary>
    /// <param name="output">The output.</param>
    /// <exception cref="InvalidOperationException">A primary output is attached already.</exception>
    protected void AttachPrimaryOutput(SkyLineOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_outputsGate)
        {
            if (_primary is not null)
            {
                throw new InvalidOperationException($"SkyLine {_options.Name} has a primary output already ({_primary.Name}).");
            }
            _primary = output;
            output.RestartsWithSkyLine = true;
            output.FailureReported += OnPrimaryFailed;
        }
        Attach(output);
    }

    /// <summary>At the first start: a subclass that describes its output gets it as its primary output.</summary>
    private void AttachDescribedOutputOnce()
    {
        if (Interlocked.Exchange(ref _describedChecked, 1) != 0 || _primary is not null || GetOutputDescription(default) is not { } description)
        {
            return;
        }
        SinkOutput.Validate(description, "GetOutputDescription");
        AttachPrimaryOutput(new DescribedOutput(this, GetOutputDescription, _loggerFactory));
    }

    /// <summary>
    /// A session's pipeline plays: every output prepares its stream; the primary output is waited for, and its
    /// failure is thrown (the start fails as if the pipeline had).
    /// </summary>
    /// <exception cref="GStreamerException">The primary output could not prepare its stream.</exception>
    private void PrepareOutputs(StreamFormat format)
    {
        foreach (var slot in _outputs)
        {
            var primary = slot.Output == _primary;
            var failure = slot.Output.Prepare(format, primary ? OutputPrepareTimeout : TimeSpan.Zero);
            if (failure is not null)
            {
                throw new GStreamerException($"{slot.Output.Name}: {failure.Message}");
            }
        }
    }

    /// <summary>The primary output, if any (see <see cref="AttachPrimaryOutput"/>).</summary>
    protected SkyLineOutput? PrimaryOutput => _primary;

    /// <summary>Encodes while an attached output needs frames; asks for a key frame when encoding resumes.</summary>
    internal void UpdateOutputActivity()
    {
        var active = _outputs.Any(slot => slot.Output.NeedsFrames);
        if (active == _outputActive)
        {
            return;
        }
        OutputActive = active;
        if (active)
        {
            RequestKeyFrameNow();
        }
    }

    /// <summary>An output wants a key frame: forced now, or at the end of the current spacing window.</summary>
    internal void RequestKeyFrameFor(SkyLineOutput output)
    {
        var now = _clock.GetTimestamp();
        var last = Interlocked.Read(ref _lastForcedKeyFrame);
        if (last != long.MinValue && _clock.GetElapsedTime(last, now) < ForcedKeyFrameSpacing)
        {
            Volatile.Write(ref _keyFramePending, 1);
            return;
        }
        if (Interlocked.CompareExchange(ref _lastForcedKeyFrame, now, last) == last)
        {
            Volatile.Write(ref _keyFramePending, 0);
            if (_session?.RequestKeyFrame() != true)
            {
                // No pipeline yet: the stream starts with a key frame anyway.
                Interlocked.Exchange(ref _lastForcedKeyFrame, last);
            }
        }
    }

    /// <summary>
    /// A key frame at a given time of the stream (an output cutting segments of a set duration asks ahead for the
    /// frame its next segment starts with): not rate-limited, since it comes once per segment.
    /// </summary>
    /// <param name="pipelineTime">The <see cref="EncodedFrame.PipelineTime"/> from which the next frame is a key frame.</param>
    internal void RequestKeyFrameAt(ulong pipelineTime)
    {
        if (_session is { } session)
        {
            session.RequestKeyFrameAt(session.EncoderInputTimeOf(pipelineTime));
        }
    }

    /// <summary>Forces a key frame whatever the spacing (encoding resumed after an idle time: every output starts from it).</summary>
    private void RequestKeyFrameNow()
    {
        if (_session?.RequestKeyFrame() == true)
        {
            Interlocked.Exchange(ref _lastForcedKeyFrame, _clock.GetTimestamp());
            Volatile.Write(ref _keyFramePending, 0);
        }
    }

    /// <summary>
    /// On the encoder's streaming thread: takes the next access unit from the session's appsink, copies it once
    /// into a pooled frame and offers it to every output that needs frames. Allocation-free once warm.
    /// </summary>
    private void Dispatch(Session session, AppSink sink)
    {
        nint sample;
        using (sink.Handle.Lease(out var appsink))
        {
            sample = GstApp.AppSinkTryPullSample(appsink, 0);
        }
        if (sample == 0)
        {
            return;
        }
        try
        {
            var buffer = Gst.SampleGetBuffer(sample);
            var configuration = buffer == 0 ? null : session.ConfigurationOf(Gst.SampleGetCaps(sample));
            if (configuration is null)
            {
                return;
            }
            var view = new BufferView(buffer);
            if (!Gst.BufferMap(buffer, out var map, Gst.MapFlags.Read))
            {
                return;
            }
            EncodedFrame frame;
            try
            {
                frame = _framePool.TryDequeue(out var pooled) ? pooled : new EncodedFrame();
                var pts = view.Pts ?? 0;
                var timestamp = session.TimestampOf(pts);
                unsafe
                {
                    frame.Fill(
                        new ReadOnlySpan<byte>((void*)map.Data, checked((int)map.Size)), view.IsKeyFrame, timestamp,
                        view.Duration is { } duration ? TimeSpan.FromTicks((long)(duration / 100)) : session.FramePeriod,
                        _wallAnchor + _clock.GetElapsedTime(_monoAnchor, timestamp),
                        Interlocked.Increment(ref _encodedSequence) - 1, configuration, pts);
                }
            }
            finally
            {
                Gst.BufferUnmap(buffer, ref map);
            }
            Offer(session, frame);
        }
        finally
        {
            Gst.MiniObjectUnref(sample);
        }
    }

    private void Offer(Session session, EncodedFrame frame)
    {
        frame.Hold(1);
        if (frame.IsKeyFrame)
        {
            Volatile.Write(ref _keyFramePending, 0);
        }
        FanOut(session.Format, session, frame, _releaseFrame);
        ReleaseFrame(frame);
        if (Volatile.Read(ref _keyFramePending) == 1)
        {
            // A request waited for the spacing window to pass.
            var last = Interlocked.Read(ref _lastForcedKeyFrame);
            if (last == long.MinValue || _clock.GetElapsedTime(last, _clock.GetTimestamp()) >= ForcedKeyFrameSpacing)
            {
                RequestKeyFrameNow();
            }
        }
    }

    /// <summary>
    /// Hands a unit to every output that needs frames (each takes a reference, given back through <paramref name="release"/>),
    /// beginning its stream when the configuration changed, and ending the stream of an output that stopped needing frames.
    /// Without a session (passthrough) nothing can be asked of an encoder: an output's stream begins at a key frame.
    /// </summary>
    private void FanOut(StreamFormat format, Session? session, EncodedFrame frame, Action<EncodedFrame> release)
    {
        foreach (var slot in _outputs)
        {
            var output = slot.Output;
            if (!output.NeedsFrames)
            {
                if (slot.Begun is not null)
                {
                    output.End(drained: false, done: null);
                    slot.Begun = null;
                }
                continue;
            }
            if (!ReferenceEquals(slot.Begun, frame.Configuration))
            {
                if (session is null && !frame.IsKeyFrame)
                {
                    continue;
                }
                output.Begin(frame.Configuration, format);
                slot.Begun = frame.Configuration;
                slot.NextKeyFrameAt = 0;
            }
            if (session is not null && output.KeyFrameSpacing is { } spacing)
            {
                ScheduleKeyFrames(session, slot, frame, spacing);
            }
            output.Offer(frame, release);
        }
    }

    /// <summary>
    /// Keeps a key frame asked for one spacing after the key frame that started the output's current piece, so that
    /// the next piece starts on time: asked at the encoder, ahead, whatever the output's queue holds.
    /// </summary>
    private static void ScheduleKeyFrames(Session session, OutputSlot slot, EncodedFrame frame, TimeSpan spacing)
    {
        var spacingNanoseconds = (ulong)spacing.Ticks * 100;
        var halfFrame = (ulong)frame.Duration.Ticks * 50;
        if (slot.NextKeyFrameAt == 0 || (frame.IsKeyFrame && frame.PipelineTime + halfFrame >= slot.NextKeyFrameAt))
        {
            slot.NextKeyFrameAt = frame.PipelineTime + spacingNanoseconds;
            // The session that encodes this frame (during a stop's drain it is no longer the current one).
            session.RequestKeyFrameAt(session.EncoderInputTimeOf(slot.NextKeyFrameAt));
        }
    }

    private void ReleaseFrame(EncodedFrame frame)
    {
        if (frame.Release())
        {
            _framePool.Enqueue(frame);
        }
    }

    /// <summary>
    /// Ends the stream for every output that had begun one: <paramref name="drained"/> after a stop that encoded
    /// everything (outputs finish their files; waited for up to <paramref name="wait"/>), otherwise at once.
    /// Called once no frame of the session can be dispatched any more.
    /// </summary>
    private void EndOutputs(bool drained, TimeSpan wait)
    {
        var started = _clock.GetTimestamp();
        var pending = BeginEndingOutputs(drained);
        if (!drained)
        {
            return;
        }
        foreach (var (output, done) in pending)
        {
            var left = wait - _clock.GetElapsedTime(started);
            if (!done.Wait(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            {
                LogOutputSlowToFinish(Logger, _options.Name, output.Name, wait.TotalSeconds);
            }
        }
    }

    /// <summary>Ends the stream of every output that had begun one; returns what to wait for.</summary>
    private List<(SkyLineOutput Output, Signal Done)> BeginEndingOutputs(bool drained)
    {
        var pending = new List<(SkyLineOutput Output, Signal Done)>();
        foreach (var slot in _outputs)
        {
            if (slot.Begun is null)
            {
                continue;
            }
            slot.Begun = null;
            var done = new Signal(autoReset: false);
            slot.Output.End(drained, done);
            pending.Add((slot.Output, done));
        }
        return pending;
    }

    /// <summary>As <see cref="EndOutputs"/>, waiting without blocking a thread.</summary>
    private async Task EndOutputsAsync(bool drained, TimeSpan wait, CancellationToken cancellationToken)
    {
        var started = _clock.GetTimestamp();
        var pending = BeginEndingOutputs(drained && !cancellationToken.IsCancellationRequested);
        if (!drained)
        {
            return;
        }
        foreach (var (output, done) in pending)
        {
            var left = wait - _clock.GetElapsedTime(started);
            bool finished;
            try
            {
                finished = await done.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            if (!finished)
            {
                LogOutputSlowToFinish(Logger, _options.Name, output.Name, wait.TotalSeconds);
            }
        }
    }

    /// <summary>The primary output failed: for a one-output SkyLine that is the SkyLine's own failure.</summary>
    private void OnPrimaryFailed(SkyLineOutput output, string reason)
    {
        if (_session is { } session)
        {
            OnSessionFailed(session, $"{output.Name}: {reason}", encoderAtFault: false);
        }
    }

    /// <summary>Detaches every output (at dispose) and disposes the primary, which the SkyLine owns.</summary>
    private void DetachOutputs()
    {
        SkyLineOutput? primary;
        OutputSlot[] slots;
        lock (_outputsGate)
        {
            slots = _outputs;
            _outputs = [];
            primary = _primary;
            _primary = null;
        }
        foreach (var slot in slots)
        {
            slot.Output.DetachFrom();
        }
        primary?.Dispose();
    }

    /// <summary>An attached output and the codec configuration its current stream began with (touched by the streaming thread only).</summary>
    private sealed class OutputSlot(SkyLineOutput output)
    {
        internal SkyLineOutput Output { get; } = output;

        internal H264Configuration? Begun { get; set; }

        /// <summary>The pipeline time of the key frame asked for the output's next piece (<see cref="SkyLineOutput.KeyFrameSpacing"/>); 0 for none yet.</summary>
        internal ulong NextKeyFrameAt { get; set; }
    }
}
