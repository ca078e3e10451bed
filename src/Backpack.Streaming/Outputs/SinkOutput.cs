using System.Globalization;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Backpack.Streaming.SkyLines;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Outputs;

/// <summary>
/// An output that sends the encoded stream into any GStreamer description that takes H.264 (<c>video/x-h264</c>
/// in AVCC form, access units): a muxer and a file, a relay to a media server (<c>rtspclientsink</c>), SRT,
/// RTMP, HLS, RTP over UDP. It runs a pipeline of its own, <c>appsrc ! DESCRIPTION</c>, fed from the SkyLine's
/// single encoder: its failures stay inside it.
/// </summary>
/// <remarks>
/// <para>
/// Each stream (each start of the SkyLine, and each restart) gets a pipeline of its own, built before the
/// stream's first frame, with presentation times starting at zero. When the SkyLine stops, the pipeline gets
/// end of stream and the output waits for it to finish (files closed). A pipeline error is logged and counted;
/// the pipeline is rebuilt at a key frame after a delay that doubles from 1 s up to a minute. Attached as a
/// SkyLine's primary output (<see cref="SinkSkyLine"/>, <see cref="RecorderSkyLine"/>), its failures are the
/// SkyLine's own instead.
/// </para>
/// <para>Property values that look like secrets are masked in logs, messages and <see cref="ToString"/>. Thread safe.</para>
/// </remarks>
/// <example>
/// <code>
/// using var rtsp = server.AddStream("/cam1");
/// using var relay = new SinkOutput("relay", "h264parse ! flvmux streamable=true ! rtmp2sink location=rtmp://media.example.com/live/cam1");
/// rtsp.Attach(relay);                 // the same encoded frames go to RTSP viewers and to the RTMP server
/// </code>
/// </example>
public partial class SinkOutput : SkyLineOutput, INativeCallbackTarget
{
    private const string SourceName = "backpack_output_source";
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan FinishTimeout = TimeSpan.FromSeconds(10);

    private readonly string? _description;
    private Pipeline? _pipeline;
    private AppSrc? _source;
    private BusWatcher? _bus;
    private PadProbe? _keyFrameRequests;
    private Signal? _finished;
    private H264Configuration? _configuration;
    private StreamFormat _format;
    private string? _capsText;
    private ulong _timeBase;
    private bool _hasTimeBase;
    private volatile bool _failed;
    private long _retryAt = long.MinValue;
    private TimeSpan _retryDelay = FirstRetry;

    /// <summary>Prepares an output into a GStreamer description.</summary>
    /// <param name="name">A name for logs and statistics.</param>
    /// <param name="description">What takes the encoded stream, in gst-launch syntax, such as <c>h264parse ! matroskamux ! filesink location=out.mkv</c>.</param>
    /// <param name="loggerFactory">Where logs go; null for none.</param>
    /// <exception cref="ArgumentException">The name or description is empty, or the description does not parse (the message has GStreamer's reason).</exception>
    /// <exception cref="Runtime.GStreamerUnavailableException">GStreamer or an element is not installed; the message names the Debian package.</exception>
    public SinkOutput(string name, string description, ILoggerFactory? loggerFactory = null)
        : base(name, loggerFactory: loggerFactory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        Validate(description, nameof(description));
        _description = description;
    }

    /// <summary>For outputs of this assembly whose description comes per stream (<see cref="DescriptionFor"/>).</summary>
    private protected SinkOutput(string name, ILoggerFactory? loggerFactory)
        : base(name, loggerFactory: loggerFactory)
    {
    }

    /// <inheritdoc/>
    protected override string Kind => "sink";

    /// <inheritdoc/>
    ILogger INativeCallbackTarget.CallbackLogger => Logger;

    /// <inheritdoc/>
    string INativeCallbackTarget.CallbackContext => $"{Kind} output {Name}";

    /// <summary>The name and the description with secret-looking values masked.</summary>
    public override string ToString() => $"{Kind} output {Name}: {PipelineDescription.Redact(_description ?? "(per stream)")}";

    /// <summary>Checks that a description's elements are installed and that it parses after an appsrc.</summary>
    /// <exception cref="ArgumentException">The description does not parse.</exception>
    /// <exception cref="Runtime.GStreamerUnavailableException">An element is not installed.</exception>
    internal static void Validate(string description, string parameterName)
    {
        GStreamerRuntime.EnsureInitialized();
        GStreamerRuntime.RequireElements(["appsrc", .. PipelineDescription.ElementNames(description)], "The output description");
        try
        {
            using var trial = Pipeline.Parse($"appsrc ! {description}");
        }
        catch (GStreamerException exception)
        {
            throw new ArgumentException(
                $"The output description '{PipelineDescription.Redact(description)}' is not valid: {exception.Message}", parameterName, exception);
        }
    }

    /// <summary>The description for a stream of <paramref name="format"/>.</summary>
    private protected virtual string DescriptionFor(StreamFormat format) => _description!;

    /// <summary>On the output's thread, after the pipeline is parsed and before it plays: connect to its elements.</summary>
    private protected virtual void OnPipelineCreated(Pipeline pipeline)
    {
    }

    /// <summary>On the output's thread, before the pipeline is torn down.</summary>
    private protected virtual void OnPipelineStopping(Pipeline pipeline)
    {
    }

    /// <summary>An ELEMENT message of the pipeline, on its bus thread (such as splitmuxsink's fragment-closed).</summary>
    private protected virtual void OnElementMessage(BusMessage message)
    {
    }

    /// <inheritdoc/>
    /// <remarks>Builds the pipeline and sets it playing, so that a sink that cannot open fails now.</remarks>
    protected override void OnStreamPreparing(StreamFormat format)
    {
        TearDown();
        _configuration = null;
        _format = format;
        _capsText = Caps(null, format);
        _failed = false;
        _retryDelay = FirstRetry;
        if (!Build(throwOnFailure: RestartsWithSkyLine))
        {
            throw new GStreamerException(LastFailure ?? "the pipeline did not start");
        }
    }

    /// <inheritdoc/>
    protected override void OnStreamStarted(H264Configuration configuration, StreamFormat format)
    {
        _capsText = Caps(configuration, format);
        var prepared = _source is not null && _configuration is null && format == _format;
        _configuration = configuration;
        _format = format;
        if (prepared)
        {
            // The prepared pipeline learns the codec configuration before the first frame.
            _source!.SetCaps(_capsText);
            return;
        }
        TearDown();
        _failed = false;
        _retryDelay = FirstRetry;
        Build(throwOnFailure: false);
    }

    /// <inheritdoc/>
    protected override void OnFrame(EncodedFrame frame)
    {
        if (_failed && _source is not null)
        {
            // The bus thread saw the pipeline fail.
            TearDown();
        }
        if (_source is null)
        {
            if (!_failed || RestartsWithSkyLine || _configuration is null || !frame.IsKeyFrame || Environment.TickCount64 < Volatile.Read(ref _retryAt))
            {
                return;
            }
            // The rebuilt pipeline starts with this key frame.
            Build(throwOnFailure: false);
            if (_source is null)
            {
                return;
            }
        }
        if (!_hasTimeBase)
        {
            _timeBase = frame.PipelineTime;
            _hasTimeBase = true;
        }
        var buffer = BufferOf(frame, frame.PipelineTime >= _timeBase ? frame.PipelineTime - _timeBase : 0);
        var result = _source.Push(buffer);
        if (result is not (Gst.FlowReturn.Ok or Gst.FlowReturn.Flushing))
        {
            Fail($"the pipeline refused a frame ({result})");
        }
    }

    /// <summary>A new buffer with a copy of the frame's access unit, stamped at <paramref name="time"/> (PTS and DTS, nanoseconds), flagged as a delta unit unless a key frame.</summary>
    internal static nint BufferOf(EncodedFrame frame, ulong time)
    {
        var buffer = BufferView.Copy(frame.Data.Span);
        BufferView.SetTimestamps(buffer, time, (ulong)frame.Duration.Ticks * 100);
        NativeLayout.WriteUInt64(buffer, NativeLayout.BufferDts, time);
        if (!frame.IsKeyFrame)
        {
            NativeLayout.WriteFlags(buffer, NativeLayout.ReadFlags(buffer) | NativeLayout.BufferFlagDeltaUnit);
        }
        return buffer;
    }

    /// <inheritdoc/>
    protected override void OnStreamEnded(bool drained)
    {
        if (drained && _source is { } source && _finished is { } finished && _hasTimeBase)
        {
            source.EndOfStream();
            if (!finished.Wait(FinishTimeout))
            {
                LogFinishTimeout(Logger, Name, FinishTimeout.TotalSeconds);
            }
        }
        TearDown();
        _configuration = null;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            TearDown();
        }
    }

    /// <summary>The last failure this output reported.</summary>
    private string? LastFailure { get; set; }

    /// <summary>Builds the pipeline and sets it playing; false (the failure reported) when it did not start.</summary>
    private bool Build(bool throwOnFailure)
    {
        var description = DescriptionFor(_format);
        Pipeline? pipeline = null;
        try
        {
            var full = $"appsrc name={SourceName} is-live=true format=time do-timestamp=false max-bytes=0 block=false caps=\"{_capsText}\" ! {description}";
            if (Logger.IsEnabled(LogLevel.Debug))
            {
                var redacted = PipelineDescription.Redact(full);
                LogPipeline(Logger, Name, redacted);
            }
            pipeline = Pipeline.Parse(full);
            var source = pipeline.GetAppSrc(SourceName);
            var finished = new Signal(autoReset: false);
            unsafe
            {
                // Elements that cut segments (splitmuxsink, hlssink2) ask upstream for key frames: the encoder is the SkyLine's.
                _keyFrameRequests = PadProbe.Add(source, "src", Gst.PadProbeType.EventUpstream, &OnUpstreamEvent, this);
            }
            OnPipelineCreated(pipeline);
            if (pipeline.SetState(Gst.State.Playing) == Gst.StateChangeReturn.Failure)
            {
                var error = pipeline.TryPopError();
                OnPipelineStopping(pipeline);
                source.Dispose();
                Fail(PipelineDescription.Redact(error?.Text ?? "the pipeline refused to play"), report: !throwOnFailure);
                return false;
            }
            _bus = new BusWatcher(pipeline, Gst.MessageType.Error | Gst.MessageType.Eos | Gst.MessageType.Element, message => OnBusMessage(message, finished), $"output {Name} bus", Logger);
            _pipeline = pipeline;
            _source = source;
            _finished = finished;
            _hasTimeBase = false;
            pipeline = null;
            ReportRecovered();
            return true;
        }
        catch (GStreamerException exception)
        {
            Fail(PipelineDescription.Redact(exception.Message), report: !throwOnFailure);
            return false;
        }
        finally
        {
            pipeline?.Dispose();
        }
    }

    private void OnBusMessage(BusMessage message, Signal finished)
    {
        switch (message.Type)
        {
            case Gst.MessageType.Eos:
                finished.Set();
                break;
            case Gst.MessageType.Error:
                var (text, debug) = message.ParseProblem();
                // On the bus thread: the pipeline is torn down by the output's own thread at its next call.
                _failed = true;
                Volatile.Write(ref _retryAt, Environment.TickCount64 + (long)_retryDelay.TotalMilliseconds);
                LastFailure = PipelineDescription.Redact($"pipeline error from {message.SourceName}: {text}");
                ReportFailure(LastFailure, PipelineDescription.Redact(debug ?? "none"));
                break;
            case Gst.MessageType.Element:
                OnElementMessage(message);
                break;
        }
    }

    /// <summary>Tears the pipeline down after a failure and plans the retry; <paramref name="report"/> false when the caller throws instead.</summary>
    private void Fail(string reason, bool report = true)
    {
        TearDown();
        _failed = true;
        LastFailure = reason;
        Volatile.Write(ref _retryAt, Environment.TickCount64 + (long)_retryDelay.TotalMilliseconds);
        if (!RestartsWithSkyLine)
        {
            LogRetry(Logger, Name, _retryDelay.TotalSeconds);
        }
        _retryDelay = TimeSpan.FromTicks(Math.Min(LongestRetry.Ticks, _retryDelay.Ticks * 2));
        if (report)
        {
            ReportFailure(reason);
        }
    }

    private void TearDown()
    {
        if (_pipeline is { } pipeline)
        {
            OnPipelineStopping(pipeline);
        }
        _bus?.Dispose();
        _keyFrameRequests?.Dispose();
        _source?.Dispose();
        _pipeline?.Dispose();
        _bus = null;
        _keyFrameRequests = null;
        _source = null;
        _pipeline = null;
        _finished = null;
    }

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    private static unsafe Gst.PadProbeReturn OnUpstreamEvent(nint pad, nint info, nint state) =>
        NativeBoundary.Enter<SinkOutput, nint, Gst.PadProbeReturn>("output key-frame request", state, info, &ForwardKeyFrameRequest, Gst.PadProbeReturn.Ok);

    /// <summary>A force-key-unit request from the output's pipeline becomes one to the SkyLine's encoder, at the same time of the stream.</summary>
    private static Gst.PadProbeReturn ForwardKeyFrameRequest(SinkOutput output, nint info)
    {
        var gstEvent = Gst.PadProbeInfoGetEvent(info);
        if (gstEvent == 0 || !GstVideo.EventIsForceKeyUnit(gstEvent) || !GstVideo.EventParseUpstreamForceKeyUnit(gstEvent, out var runningTime, out _, out _))
        {
            return Gst.PadProbeReturn.Ok;
        }
        if (runningTime == Gst.ClockTimeNone || !output._hasTimeBase)
        {
            output.RequestKeyFrame();
        }
        else
        {
            // The output's times start at its first frame; the encoder's are the SkyLine pipeline's.
            output.RequestKeyFrameAt(runningTime + output._timeBase);
        }
        // Handled here: the appsrc has nothing to do with it.
        return Gst.PadProbeReturn.Drop;
    }

    /// <summary>The caps of the stream; before its first frame (<paramref name="configuration"/> null) without the codec data.</summary>
    private static string Caps(H264Configuration? configuration, StreamFormat format)
    {
        Gst.UtilDoubleToFraction(format.FrameRate, out var numerator, out var denominator);
        return Caps(configuration, format.Width, format.Height, numerator, denominator);
    }

    /// <summary>The caps of H.264 in AVCC form with its codec data, for a frame of <paramref name="frameDuration"/>.</summary>
    internal static string Caps(H264Configuration configuration, int width, int height, TimeSpan frameDuration)
    {
        Gst.UtilDoubleToFraction(TimeSpan.TicksPerSecond / (double)Math.Max(1, frameDuration.Ticks), out var numerator, out var denominator);
        return Caps(configuration, width, height, numerator, denominator);
    }

    private static string Caps(H264Configuration? configuration, int width, int height, int numerator, int denominator)
    {
        var codecData = configuration is null ? string.Empty : $"codec_data=(buffer){Convert.ToHexStringLower(configuration.DecoderConfigurationRecord.Span)},";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"video/x-h264,stream-format=avc,alignment=au,{codecData}width={width},height={height},framerate={numerator}/{denominator},pixel-aspect-ratio=1/1");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The output {Name} did not finish within {Seconds} s of the end of its stream; the last frames may be missing")]
    private static partial void LogFinishTimeout(ILogger logger, string name, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The output {Name} pipeline: {Description}")]
    private static partial void LogPipeline(ILogger logger, string name, string description);

    [LoggerMessage(Level = LogLevel.Information, Message = "The output {Name} rebuilds its pipeline at a key frame in {Seconds} s")]
    private static partial void LogRetry(ILogger logger, string name, double seconds);
}
