using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Cameras;

/// <summary>
/// One pipeline of a camera source, from being built to being torn down: it copies each decoded frame once out of
/// GStreamer into pooled memory and hands it to its owner on the streaming thread, and reports an error or the end
/// of the stream from its bus thread. It never takes its owner's locks on those threads.
/// </summary>
internal sealed class CameraConnection : IDisposable, INativeCallbackTarget
{
    private readonly CameraSource _owner;
    private readonly CameraPlan _plan;
    private Pipeline? _pipeline;
    private AppSink? _sink;
    private AppSink? _units;
    private readonly Outputs.CapsConfiguration _codec = new();
    private ulong? _lastKeyFrame;
    private ulong? _lastPts;
    private TimeSpan _lastDuration = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 30);
    private BusWatcher? _bus;
    private int _ended;

    internal CameraConnection(CameraSource owner, CameraPlan plan, long id, long startedAt, bool followsGap)
    {
        _owner = owner;
        _plan = plan;
        Id = id;
        StartedAt = startedAt;
        FollowsGap = followsGap;
    }

    /// <summary>The connection's number: 1 for the first, counting every rebuild and every loop of a file.</summary>
    internal long Id { get; }

    /// <summary>When it was built (a timestamp of the source's clock), for the stall watchdog.</summary>
    internal long StartedAt { get; }

    /// <summary>Whether its first frame follows an outage.</summary>
    internal bool FollowsGap { get; }

    private long _frames;

    /// <summary>Counts a frame it delivered; returns how many it delivered so far (1 for its first).</summary>
    internal long CountFrame() => Interlocked.Increment(ref _frames);

    /// <inheritdoc/>
    public ILogger CallbackLogger => _owner.Logger;

    /// <inheritdoc/>
    public string CallbackContext => $"camera {_owner.Name}";

    /// <summary>Marks the connection ended; true only for the first caller (an error, the end of the stream, the stall watchdog).</summary>
    internal bool TryEnd() => Interlocked.Exchange(ref _ended, 1) == 0;

    /// <summary>Builds the pipeline, sets where it reads (and the credentials) and plays it.</summary>
    /// <exception cref="GStreamerException">It could not be built or refused to play; the message is GStreamer's.</exception>
    internal void Start()
    {
        _pipeline = Pipeline.Parse(_plan.Description);
        using (var source = _pipeline.GetElement(CameraPlan.SourceName))
        {
            foreach (var (name, value) in _plan.SourceProperties())
            {
                source.SetProperty(name, value);
            }
        }
        _sink = _pipeline.GetAppSink(CameraPlan.SinkName);
        _sink.OnNewSample(OnSample);
        if (_plan.Passthrough)
        {
            _units = _pipeline.GetAppSink(CameraPlan.UnitsName);
            _units.OnNewSample(OnUnit);
            if (_owner.Decoding)
            {
                OpenDecoder();
            }
        }
        _bus = new BusWatcher(_pipeline, Gst.MessageType.Error | Gst.MessageType.Eos, OnMessage, $"camera {_owner.Name} bus", _owner.Logger);
        if (_pipeline.SetState(Gst.State.Playing) == Gst.StateChangeReturn.Failure)
        {
            var error = _pipeline.TryPopError();
            throw new GStreamerException(error?.Text ?? "the pipeline refused to play");
        }
    }

    /// <summary>Lets the camera's units reach the decoder (passthrough: frames are read). Under the owner's lifecycle lock.</summary>
    internal void OpenDecoder()
    {
        if (_pipeline is { } pipeline && _plan.Passthrough)
        {
            using var valve = pipeline.GetElement(CameraPlan.DecodeValveName);
            valve.SetProperty("drop", false);
        }
    }

    private long _unitsDelivered;
    private long _unitClockBase;
    private ulong? _unitPtsBase;

    /// <summary>
    /// On the units' thread: the clock timestamp of a unit from its presentation time, anchored at the first unit's
    /// arrival (again if time goes back), so that units keep the camera's cadence rather than the network's bursts.
    /// </summary>
    internal long UnitTimestamp(ulong pts, long now, long frequency)
    {
        if (_unitPtsBase is not { } ptsBase || pts < ptsBase)
        {
            _unitPtsBase = ptsBase = pts;
            _unitClockBase = now;
        }
        return _unitClockBase + (long)((Int128)(pts - ptsBase) * frequency / 1_000_000_000);
    }

    /// <summary>Counts a unit it delivered; returns how many it delivered so far (1 for its first).</summary>
    internal long CountUnit() => Interlocked.Increment(ref _unitsDelivered);

    /// <summary>Stops the pipeline (which waits for its streaming threads) and frees it. Not on a streaming or bus thread of its own. Idempotent.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _ended, 1);
        _bus?.Dispose();
        _sink?.Dispose();
        _units?.Dispose();
        _pipeline?.Dispose();
        _bus = null;
        _sink = null;
        _units = null;
        _pipeline = null;
    }

    /// <summary>On the streaming thread: one copy of the frame into pooled memory, handed to the owner.</summary>
    private unsafe void OnSample(AppSink sink)
    {
        using var sample = sink.TryPullSample(TimeSpan.Zero);
        if (sample is null || Volatile.Read(ref _ended) != 0)
        {
            return;
        }
        if (sample.GetCapsInt("width") is not { } width || sample.GetCapsInt("height") is not { } height)
        {
            return;
        }
        var buffer = sample.Buffer;
        var rowLength = width * Imaging.BgrFrame.BytesPerPixel;
        // GStreamer's default stride for BGR rounds each row up to 4 bytes.
        var stride = (rowLength + 3) & ~3;
        if (!Gst.BufferMap(buffer.Pointer, out var map, Gst.MapFlags.Read))
        {
            return;
        }
        byte[] pixels;
        try
        {
            var size = (long)map.Size;
            if (size == (long)rowLength * height)
            {
                stride = rowLength;
            }
            else if (size < ((long)stride * (height - 1)) + rowLength)
            {
                return;
            }
            pixels = _owner.Pool.Rent(rowLength * height);
            var source = new ReadOnlySpan<byte>((void*)map.Data, (int)size);
            if (stride == rowLength)
            {
                source[..pixels.Length].CopyTo(pixels);
            }
            else
            {
                for (var row = 0; row < height; row++)
                {
                    source.Slice(row * stride, rowLength).CopyTo(pixels.AsSpan(row * rowLength, rowLength));
                }
            }
        }
        finally
        {
            Gst.BufferUnmap(buffer.Pointer, ref map);
        }
        var pts = buffer.Pts is { } nanoseconds ? TimeSpan.FromTicks((long)(nanoseconds / 100)) : (TimeSpan?)null;
        _owner.Deliver(this, pixels, width, height, pts);
    }

    /// <summary>
    /// On the units' streaming thread (passthrough): the camera's access unit, copied once into a pooled
    /// <see cref="Outputs.EncodedFrame"/> with the configuration of its caps, and the longest key-frame distance so far.
    /// </summary>
    private unsafe void OnUnit(AppSink sink)
    {
        using var sample = sink.TryPullSample(TimeSpan.Zero);
        if (sample is null || Volatile.Read(ref _ended) != 0)
        {
            return;
        }
        Outputs.H264Configuration? configuration;
        using (sample.Handle.Lease(out var pointer))
        {
            configuration = _codec.Of(Gst.SampleGetCaps(pointer));
        }
        if (configuration is null)
        {
            return;
        }
        var buffer = sample.Buffer;
        // The distance from the last key frame: between two key frames when this is one, so far when it is not.
        TimeSpan? sinceKeyFrame = null;
        // RTP gives no durations: a unit lasts until the next one began (the last distance seen), else a 30 fps period.
        var duration = buffer.Duration is { } given ? TimeSpan.FromTicks((long)(given / 100)) : _lastDuration;
        if (buffer.Pts is { } pts)
        {
            if (_lastPts is { } before && pts > before && buffer.Duration is null)
            {
                duration = _lastDuration = TimeSpan.FromTicks((long)((pts - before) / 100));
            }
            _lastPts = pts;
            if (_lastKeyFrame is { } previous && pts > previous)
            {
                sinceKeyFrame = TimeSpan.FromTicks((long)((pts - previous) / 100));
            }
            if (buffer.IsKeyFrame)
            {
                _lastKeyFrame = pts;
            }
        }
        if (!Gst.BufferMap(buffer.Pointer, out var map, Gst.MapFlags.Read))
        {
            return;
        }
        try
        {
            _owner.DeliverUnit(
                this, new ReadOnlySpan<byte>((void*)map.Data, checked((int)map.Size)), buffer.IsKeyFrame, buffer.Pts ?? 0,
                duration, configuration, sample, sinceKeyFrame);
        }
        finally
        {
            Gst.BufferUnmap(buffer.Pointer, ref map);
        }
    }

    /// <summary>On the bus thread: the first error or end of stream ends the connection.</summary>
    private void OnMessage(BusMessage message)
    {
        string reason;
        var endOfStream = message.Type == Gst.MessageType.Eos;
        if (endOfStream)
        {
            reason = "the source ended its stream";
        }
        else
        {
            var (text, debug) = message.ParseProblem();
            reason = $"{message.SourceName}: {text}{(debug is null ? string.Empty : $" ({debug})")}";
            if (text.Contains("missing a plug-in", StringComparison.OrdinalIgnoreCase))
            {
                reason += $". A decoder is missing: H.264 needs {DebianPackages.ForElement("avdec_h264")} (avdec_h264) or the openh264 decoder of gstreamer1.0-plugins-bad";
            }
        }
        if (TryEnd())
        {
            _owner.OnConnectionEnded(this, PipelineDescription.Redact(reason), endOfStream);
        }
    }
}
