using System.Globalization;
using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Backpack.Streaming.Outputs;
using Backpack.Threading;

namespace Backpack.Streaming.SkyLines;

public partial class SkyLine
{
    /// <summary>
    /// One pipeline's life: from the format chosen at start to teardown. Owns the pipeline, its bus
    /// watcher, the probe that counts encoded frames, and the feeding thread that takes frames from
    /// the queue, places them on the constant-rate timeline and pushes them into the appsrc.
    /// </summary>
    private sealed class Session : IDisposable, INativeCallbackTarget
    {
        private static readonly TimeSpan PumpJoinAfterFlush = TimeSpan.FromSeconds(5);

        private readonly SkyLine _owner;
        // Signals rather than wait handles: Put, the repeat timer and the bus thread may set them after the
        // session ended (a late timer callback, a Put racing the stop), and a signal is never disposed.
        private readonly Signal _wake = new(autoReset: true);
        private readonly Signal _endOfStream = new(autoReset: false);
        private readonly Signal _pumpEnded = new(autoReset: false);
        private readonly FrameTimeline _timeline;
        private readonly int _fpsNumerator;
        private readonly int _fpsDenominator;
        private Pipeline? _pipeline;
        private AppSrc? _source;
        private PadProbe? _probe;
        private PadProbe? _rawProbe;
        private AppSink? _units;
        private readonly CapsConfiguration _codec = new();
        private long _slotZeroTimestamp;
        private long _ptsBase;
        private long _outputShift;
        private int _outputShiftKnown;
        private BusWatcher? _bus;
        private Thread? _pump;
        private ITimer? _repeatTimer;
        private volatile bool _stopping;
        private volatile bool _drain;
        private volatile bool _pushedAny;
        private long _encoderDelayFrames = -1;
        private long _enteredEncoder;
        private long _leftEncoder;
        private int _failed;
        private long _lost;

        internal Session(SkyLine owner, long id, StreamFormat format)
        {
            _owner = owner;
            Id = id;
            Format = format;
            Layout = new I420Layout(format.Width, format.Height);
            // GStreamer's default colorimetry for I420 of this size: BT.601 up to 576 lines, BT.709 above.
            Matrix = format.Height > 576 ? ColorMatrix.Bt709 : ColorMatrix.Bt601;
            Gst.UtilDoubleToFraction(format.FrameRate, out _fpsNumerator, out _fpsDenominator);
            _timeline = new FrameTimeline(_fpsNumerator, _fpsDenominator, owner._clock.TimestampFrequency);
            CreatedAt = owner._clock.GetTimestamp();
        }

        internal long Id { get; }

        /// <inheritdoc/>
        public Microsoft.Extensions.Logging.ILogger CallbackLogger => _owner.Logger;

        /// <inheritdoc/>
        public string CallbackContext => $"SkyLine {_owner._options.Name}";

        internal StreamFormat Format { get; }

        internal I420Layout Layout { get; }

        internal ColorMatrix Matrix { get; }

        internal long CreatedAt { get; }

        /// <summary>Whether the pipeline was built and plays.</summary>
        internal bool Started => _pump is not null;

        /// <summary>Whether Put may queue frames for this session.</summary>
        internal bool Accepting => !_stopping;

        internal long? EncoderDelayFrames => Interlocked.Read(ref _encoderDelayFrames) is var delay and >= 0 ? delay : null;

        internal void Wake() => _wake.Set();

        /// <summary>Marks the session failed; true only for the first failure reported.</summary>
        internal bool MarkFailed() => Interlocked.Exchange(ref _failed, 1) == 0;

        internal unsafe void Start()
        {
            _owner.OnStarting(Format);
            var width = Format.Width.ToString(CultureInfo.InvariantCulture);
            var height = Format.Height.ToString(CultureInfo.InvariantCulture);
            var encoder = _owner.EncoderDescription(Format);
            StartFailureSource = null;
            Interlocked.Exchange(ref _enteredEncoder, 0);
            Interlocked.Exchange(ref _leftEncoder, 0);
            Volatile.Write(ref _outputShiftKnown, 0);
            // The appsrc blocks the feeding thread (never Put) when two frames wait for the encoder;
            // videoscale and videoconvert pass frames of the stream's size through untouched.
            var description =
                $"appsrc name={SourceName} is-live=true format=time do-timestamp=false block=true max-buffers=2 max-bytes=0 caps=\"{Caps(Layout)}\" " +
                $"! videoscale name={ScaleName} add-borders=false ! videoconvert name={ConvertName} ! capsfilter name={RawName} caps=\"video/x-raw,width={width},height={height},pixel-aspect-ratio=1/1\" " +
                $"! bin.( name={EncoderBinName} {encoder} ) ! identity name={EncodedName} " +
                // Access units in AVCC form with SPS/PPS in the caps and in-band before every key frame (for late joiners),
                // handed to the outputs from the appsink's streaming thread; the sink never waits for the clock.
                $"! h264parse config-interval=-1 ! video/x-h264,stream-format=avc,alignment=au " +
                $"! appsink name={UnitsName} sync=false async=false max-buffers=8 drop=false enable-last-sample=false";
            var logger = _owner.Logger;
            if (logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
            {
                var redacted = PipelineDescription.Redact(description);
                LogPipeline(logger, _owner._options.Name, redacted);
            }
            _pipeline = Pipeline.Parse(description);
            _source = _pipeline.GetAppSrc(SourceName);
            using (var encoded = _pipeline.GetElement(EncodedName))
            {
                _probe = PadProbe.Add(encoded, "sink", Gst.PadProbeType.Buffer, &OnEncoded, this);
            }
            using (var raw = _pipeline.GetElement(RawName))
            {
                _rawProbe = PadProbe.Add(raw, "src", Gst.PadProbeType.Buffer, &OnRaw, this);
            }
            if (_owner._options.StreamingThreadNiceness > 0)
            {
                ThreadNiceness.Apply(_pipeline, _owner._options.StreamingThreadNiceness);
            }
            _units = _pipeline.GetAppSink(UnitsName);
            _units.OnNewSample(sink => _owner.Dispatch(this, sink));
            if (_pipeline.SetState(Gst.State.Playing) == Gst.StateChangeReturn.Failure)
            {
                var error = _pipeline.TryPopError();
                StartFailureSource = error?.SourcePath;
                ReleaseNative();
                throw new GStreamerException(error?.Text ?? "the pipeline refused to play");
            }
            _bus = new BusWatcher(
                _pipeline,
                Gst.MessageType.Error | Gst.MessageType.Warning | Gst.MessageType.Eos,
                HandleMessage, $"SkyLine {_owner._options.Name} bus", _owner.Logger);
            _repeatTimer = BackgroundWork.CreateTimer(_owner._clock, "SkyLine repeat timer", _owner.Logger, this, static session => session.Wake(), Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _pump = BackgroundWork.CreateThread("SkyLine feed thread", $"SkyLine {_owner._options.Name} feed", _owner.Logger, Pump);
            _pump.Start();
        }

        /// <summary>Where the element that made the last <see cref="Start"/> fail sits (<see cref="BusMessage.SourcePath"/>), when GStreamer said.</summary>
        internal string? StartFailureSource { get; private set; }

        /// <summary>
        /// Whether an error posted at <paramref name="sourcePath"/> (<see cref="BusMessage.SourcePath"/>) is the
        /// encoder's: an element inside the encoder's bin, or an element before it while nothing was encoded yet
        /// (the encoder refused the frames).
        /// </summary>
        internal bool IsEncoderFault(string? sourcePath)
        {
            if (string.IsNullOrEmpty(sourcePath))
            {
                return false;
            }
            if (sourcePath.Contains($":{EncoderBinName}/", StringComparison.Ordinal))
            {
                return true;
            }
            var element = sourcePath[(sourcePath.LastIndexOf(':') + 1)..];
            return Interlocked.Read(ref _leftEncoder) == 0 && element is SourceName or ScaleName or ConvertName or RawName;
        }

        /// <summary>Asks the encoder for a key frame through the probe's pad.</summary>
        internal bool RequestKeyFrame() => RequestKeyFrameAt(Gst.ClockTimeNone);

        /// <summary>Asks the encoder for a key frame at the first frame of this pipeline time or later (nanoseconds; ClockTimeNone: at once).</summary>
        internal bool RequestKeyFrameAt(ulong pipelineTime) =>
            _probe is { } probe && probe.PushUpstreamEvent(GstVideo.EventNewUpstreamForceKeyUnit(pipelineTime, allHeaders: true, 0));

        /// <summary>
        /// Ends the session. With <paramref name="drain"/>, queued frames are encoded and the output is
        /// finished (end of stream) within <paramref name="timeout"/>; without, everything stops now.
        /// Returns the frames of this session that were lost. Blocks for up to the timeout (plus a flush).
        /// </summary>
        internal long Stop(bool drain, TimeSpan timeout)
        {
            BeginStop(drain);
            var started = _owner._clock.GetTimestamp();
            if (_pump is not null)
            {
                if (!drain || !_pumpEnded.Wait(timeout))
                {
                    // Flushing unblocks a push waiting for a saturated encoder.
                    _pipeline?.SetState(Gst.State.Null);
                    if (!_pumpEnded.Wait(PumpJoinAfterFlush))
                    {
                        return Abandon();
                    }
                }
                if (drain && SendEndOfStream())
                {
                    var left = timeout - _owner._clock.GetElapsedTime(started);
                    if (!_endOfStream.Wait(left > TimeSpan.Zero ? left : TimeSpan.Zero))
                    {
                        LogStopTimeout(_owner.Logger, _owner._options.Name, timeout.TotalSeconds);
                    }
                }
            }
            Finish();
            // Nothing of this session can be dispatched any more: the outputs finish (files closed) in what is left of the timeout.
            var remaining = timeout - _owner._clock.GetElapsedTime(started);
            _owner.EndOutputs(drain && _endOfStream.IsSet, remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
            return Interlocked.Read(ref _lost);
        }

        /// <summary>As <see cref="Stop"/>, waiting without blocking a thread; GStreamer's blocking calls run on the thread pool.</summary>
        /// <remarks>Cancelling stops waiting for the drain: what is still queued is lost, the session still ends cleanly, then the cancellation is thrown.</remarks>
        internal async Task<long> StopAsync(bool drain, TimeSpan timeout, CancellationToken cancellationToken)
        {
            BeginStop(drain);
            var started = _owner._clock.GetTimestamp();
            var cancelled = false;
            if (_pump is not null)
            {
                var ended = false;
                if (drain)
                {
                    (ended, cancelled) = await WaitAsync(_pumpEnded, timeout, cancellationToken).ConfigureAwait(false);
                }
                if (!ended)
                {
                    await Task.Run(() => _pipeline?.SetState(Gst.State.Null), CancellationToken.None).ConfigureAwait(false);
                    if (!(await WaitAsync(_pumpEnded, PumpJoinAfterFlush, CancellationToken.None).ConfigureAwait(false)).Done)
                    {
                        return Abandon();
                    }
                }
                if (drain && !cancelled && SendEndOfStream())
                {
                    var left = timeout - _owner._clock.GetElapsedTime(started);
                    var (finished, cancelledNow) = await WaitAsync(_endOfStream, left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                    cancelled |= cancelledNow;
                    if (!finished && !cancelledNow)
                    {
                        LogStopTimeout(_owner.Logger, _owner._options.Name, timeout.TotalSeconds);
                    }
                }
            }
            // Disposing the pipeline sets it to NULL and joins the bus thread: blocking work, not for the caller's thread.
            await Task.Run(Finish, CancellationToken.None).ConfigureAwait(false);
            var remaining = timeout - _owner._clock.GetElapsedTime(started);
            await _owner.EndOutputsAsync(drain && !cancelled && _endOfStream.IsSet, remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return Interlocked.Read(ref _lost);
        }

        public void Dispose() => ReleaseNative();

        private void BeginStop(bool drain)
        {
            _drain = drain;
            _stopping = true;
            _wake.Set();
        }

        /// <summary>Sends end of stream when frames went in; false when there is nothing to finish.</summary>
        private bool SendEndOfStream()
        {
            if (!_pushedAny || _source is not { } source)
            {
                return false;
            }
            source.EndOfStream();
            return true;
        }

        private void Finish() => ReleaseNative();

        /// <summary>
        /// The feeding thread is stuck inside GStreamer even after a flush: freeing the pipeline under it could
        /// crash the process, so the pipeline is left allocated (a leak, logged) and the session counts as ended.
        /// </summary>
        private long Abandon()
        {
            LogFeedStuck(_owner.Logger, _owner._options.Name, PumpJoinAfterFlush.TotalSeconds);
            return Interlocked.Read(ref _lost);
        }

        private static async Task<(bool Done, bool Cancelled)> WaitAsync(Signal signal, TimeSpan timeout, CancellationToken cancellationToken)
        {
            try
            {
                return (await signal.WaitAsync(timeout, cancellationToken).ConfigureAwait(false), false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return (signal.IsSet, true);
            }
        }

        private void ReleaseNative()
        {
            _repeatTimer?.Dispose();
            _bus?.Dispose();
            _probe?.Dispose();
            _rawProbe?.Dispose();
            _units?.Dispose();
            _source?.Dispose();
            _pipeline?.Dispose();
            _repeatTimer = null;
            _bus = null;
            _probe = null;
            _rawProbe = null;
            _units = null;
            _source = null;
            _pipeline = null;
        }

        private void HandleMessage(BusMessage message)
        {
            switch (message.Type)
            {
                case Gst.MessageType.Error:
                    var (text, debug) = message.ParseProblem();
                    var source = message.SourceName;
                    var path = message.SourcePath;
                    LogPipelineError(_owner.Logger, _owner._options.Name, source, PipelineDescription.Redact(text), PipelineDescription.Redact(debug ?? "none"));
                    if (!_stopping)
                    {
                        _owner.OnSessionFailed(this, PipelineDescription.Redact($"{source}: {text}"), IsEncoderFault(path));
                    }
                    break;
                case Gst.MessageType.Warning:
                    var (warning, details) = message.ParseProblem();
                    LogPipelineWarning(_owner.Logger, _owner._options.Name, message.SourceName, PipelineDescription.Redact(warning), PipelineDescription.Redact(details ?? "none"));
                    break;
                case Gst.MessageType.Eos:
                    _endOfStream.Set();
                    if (!_stopping)
                    {
                        LogUnexpectedEndOfStream(_owner.Logger, _owner._options.Name);
                        _owner.OnSessionFailed(this, "the output ended the stream", encoderAtFault: false);
                    }
                    break;

            }
        }

        [UnmanagedCallersOnly]
        private static unsafe Gst.PadProbeReturn OnRaw(nint pad, nint info, nint state) =>
            NativeBoundary.Enter<Session, nint, Gst.PadProbeReturn>("SkyLine encoder-input probe", state, info, &CountRaw, Gst.PadProbeReturn.Ok);

        [UnmanagedCallersOnly]
        private static unsafe Gst.PadProbeReturn OnEncoded(nint pad, nint info, nint state) =>
            NativeBoundary.Enter<Session, nint, Gst.PadProbeReturn>("SkyLine encoded-frame probe", state, info, &CountEncoded, Gst.PadProbeReturn.Ok);

        private static Gst.PadProbeReturn CountRaw(Session session, nint info)
        {
            Interlocked.Increment(ref session._enteredEncoder);
            return Gst.PadProbeReturn.Ok;
        }

        /// <summary>
        /// Counts an encoded frame and measures the encoder's hold-back: the frames inside it when this one
        /// left (those that entered minus those that left before), the most seen in the session.
        /// </summary>
        private static Gst.PadProbeReturn CountEncoded(Session session, nint info)
        {
            Interlocked.Increment(ref session._owner._framesEncoded);
            var leftBefore = Interlocked.Increment(ref session._leftEncoder) - 1;
            var inside = Interlocked.Read(ref session._enteredEncoder) - leftBefore;
            var known = Interlocked.Read(ref session._encoderDelayFrames);
            while (inside > known)
            {
                var seen = Interlocked.CompareExchange(ref session._encoderDelayFrames, inside, known);
                if (seen == known)
                {
                    break;
                }
                known = seen;
            }
            return Gst.PadProbeReturn.Ok;
        }

        private void Pump()
        {
            // This thread keeps the application's priority: threads the .NET runtime creates lazily
            // (timer, thread pool) inherit the priority of the thread that first needs them.
            var pool = _owner._pool;
            var clock = _owner._clock;
            FrameSlot? last = null;
            var capsLayout = Layout;
            var droppedSeen = pool.Dropped;
            ulong ptsBase = 0;
            try
            {
                while (true)
                {
                    _wake.Wait(Timeout.InfiniteTimeSpan);
                    while (pool.TryDequeue(out var slot))
                    {
                        if (slot.Session != Id || (_stopping && !_drain))
                        {
                            slot.Release();
                            Interlocked.Increment(ref _lost);
                            continue;
                        }
                        if (!_owner._outputActive)
                        {
                            slot.Release();
                            continue;
                        }
                        var dropped = pool.Dropped;
                        var wasIdle = Interlocked.Exchange(ref _owner._outputWasIdle, 0) == 1;
                        var gapIsOurs = dropped != droppedSeen || wasIdle;
                        droppedSeen = dropped;
                        if (wasIdle)
                        {
                            // Whoever starts watching needs a picture at once.
                            RequestKeyFrame();
                        }
                        var number = _timeline.Place(slot.Timestamp, gapIsOurs, out var repeats);
                        if (number < 0)
                        {
                            Interlocked.Increment(ref _owner._framesSkipped);
                            slot.Release();
                            continue;
                        }
                        if (number == 0)
                        {
                            ptsBase = PresentationBase(slot.Timestamp);
                            Volatile.Write(ref _ptsBase, (long)ptsBase);
                            Volatile.Write(ref _slotZeroTimestamp, slot.Timestamp);
                        }
                        if (last is not null)
                        {
                            // At most a second of repeats at once (a long stall leaves an empty gap instead).
                            repeats = Math.Min(repeats, (long)Math.Ceiling(Format.FrameRate));
                            for (var repeat = number - repeats; repeat < number; repeat++)
                            {
                                Push(last, repeat, ptsBase, ref capsLayout);
                                Interlocked.Increment(ref _owner._framesRepeated);
                            }
                        }
                        var pushed = Push(slot, number, ptsBase, ref capsLayout);
                        last?.Release();
                        last = slot;
                        if (!pushed)
                        {
                            return;
                        }
                    }
                    if (_stopping)
                    {
                        return;
                    }
                    if (last is not null && _owner._outputActive)
                    {
                        PushDueRepeats(last, ptsBase, ref capsLayout);
                    }
                    if (_owner._outputActive && _timeline.NextRepeatDue() is { } next && _repeatTimer is { } timer)
                    {
                        var wait = TimeSpan.FromSeconds((double)(next - clock.GetTimestamp()) / clock.TimestampFrequency);
                        timer.Change(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                    }
                }
            }
#pragma warning disable CA1031 // The feeding thread must not take the process down; the failure ends this session.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogFeedFailed(_owner.Logger, exception, _owner._options.Name);
                if (!_stopping)
                {
                    _owner.OnSessionFailed(this, "the feeding thread failed: " + exception.Message, encoderAtFault: false);
                }
            }
            finally
            {
                last?.Release();
                _pumpEnded.Set();
            }
        }

        /// <summary>
        /// Repeats the last frame for the slots that fell due while the application put nothing.
        /// Slots that fell due while it was still putting (frames the encoder could not take) or while
        /// the output was idle stay empty, and at most a second of repeats is made at once.
        /// </summary>
        private void PushDueRepeats(FrameSlot last, ulong ptsBase, ref I420Layout capsLayout)
        {
            var now = _owner._clock.GetTimestamp();
            var idle = Volatile.Read(ref _owner._outputWasIdle) == 1;
            _timeline.SkipOverdue(idle ? now : Volatile.Read(ref _owner._lastPutTimestamp));
            _timeline.SkipOverdue(now - _owner._clock.TimestampFrequency);
            var first = _timeline.LastSlot + 1;
            var due = _timeline.TakeDueRepeats(now);
            for (var repeat = first; repeat < first + due; repeat++)
            {
                Push(last, repeat, ptsBase, ref capsLayout);
                Interlocked.Increment(ref _owner._framesRepeated);
            }
        }

        /// <summary>Wraps a slot's memory in a buffer stamped for a timeline slot and pushes it; false when the pipeline stopped.</summary>
        private unsafe bool Push(FrameSlot slot, long number, ulong ptsBase, ref I420Layout capsLayout)
        {
            var source = _source!;
            if (slot.Layout != capsLayout)
            {
                source.SetCaps(Caps(slot.Layout));
                capsLayout = slot.Layout;
            }
            slot.AddReference();
            var buffer = BufferView.Wrap(slot.Data, slot.Layout.Size, slot.State, &FrameSlot.ReleaseFromGStreamer);
            BufferView.SetTimestamps(buffer, ptsBase + _timeline.PresentationTime(number), _timeline.Duration(number));
            _pushedAny = true;
            return source.Push(buffer) == Gst.FlowReturn.Ok;
        }

        /// <summary>
        /// The clock timestamp (<see cref="TimeProvider.GetTimestamp"/>) of an encoded frame: the put moment of slot 0
        /// plus the frame's place on the timeline. On the streaming thread.
        /// </summary>
        internal long TimestampOf(ulong pts)
        {
            var offsetNanoseconds = (long)EncoderInputTimeOf(pts) - Volatile.Read(ref _ptsBase);
            return Volatile.Read(ref _slotZeroTimestamp) + (long)((Int128)offsetNanoseconds * _owner._clock.TimestampFrequency / 1_000_000_000);
        }

        /// <summary>
        /// The time a frame had when it entered the encoder, from the time it left with: encoders may shift their output
        /// (x264enc adds 1000 hours, so that decoding times are never negative). The shift is learnt from the first frame
        /// encoded, which is the first that entered. On the streaming thread.
        /// </summary>
        internal ulong EncoderInputTimeOf(ulong outputPts)
        {
            if (Volatile.Read(ref _outputShiftKnown) == 0)
            {
                Volatile.Write(ref _outputShift, (long)outputPts - Volatile.Read(ref _ptsBase));
                Volatile.Write(ref _outputShiftKnown, 1);
            }
            return (ulong)((long)outputPts - Volatile.Read(ref _outputShift));
        }

        /// <summary>One period of the stream's frame rate.</summary>
        internal TimeSpan FramePeriod => TimeSpan.FromTicks((long)(TimeSpan.TicksPerSecond * (double)_fpsDenominator / _fpsNumerator));

        /// <summary>
        /// The codec configuration the caps of an encoded sample describe (the AVCDecoderConfigurationRecord in
        /// <c>codec_data</c>), read again only when the caps change; null when they hold none. On the streaming thread.
        /// </summary>
        internal H264Configuration? ConfigurationOf(nint caps) => _codec.Of(caps);

        /// <summary>Where slot 0 lies in the pipeline's time: the running time of the first frame's put moment.</summary>
        private ulong PresentationBase(long firstTimestamp)
        {
            if (_pipeline?.RunningTime is not { } now)
            {
                return 0;
            }
            var age = _owner._clock.GetElapsedTime(firstTimestamp);
            var ageNanoseconds = (ulong)Math.Max(0, age.Ticks) * 100;
            return now > ageNanoseconds ? now - ageNanoseconds : 0;
        }

        private string Caps(I420Layout layout) => string.Create(
            CultureInfo.InvariantCulture,
            $"video/x-raw,format=I420,width={layout.Width},height={layout.Height},framerate={_fpsNumerator}/{_fpsDenominator},pixel-aspect-ratio=1/1,interlace-mode=progressive,colorimetry={(Matrix == ColorMatrix.Bt709 ? "bt709" : "bt601")}");
    }
}
