using System.Collections.Concurrent;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.Outputs;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Cameras;

/// <summary>
/// Passthrough: the camera's own H.264 access units, as they are, beside the decoded frames (decoded only once something
/// reads them), and whether they can go to SkyLine outputs without re-encoding (<see cref="PassthroughEligibility"/>).
/// <see cref="SkyLines.SkyLine.StartPassthrough"/> is the consumer.
/// </summary>
public sealed partial class CameraSource
{
    private readonly ConcurrentQueue<EncodedFrame> _unitPool = new();
    private H264Configuration? _checkedConfiguration;
    private string _unitCaps = string.Empty;
    private TimeSpan? _longestKeyFrameInterval;
    private long _unitSequence;
    private volatile string? _passthroughRefusal;
    private volatile bool _decoding;

    /// <summary>
    /// Called on GStreamer's streaming thread with each access unit of the camera (AVC, one access unit, the
    /// configuration of the caps' codec_data), when the source was made with passthrough. The unit is valid during
    /// the call only (pooled afterwards) unless the handler takes a reference. Must be quick; an exception is caught
    /// at the native boundary, logged once and counted.
    /// </summary>
    internal Action<EncodedFrame>? EncodedUnitReceived { get; set; }

    /// <summary>
    /// Gives back a reference to a unit taken by whoever kept it past <see cref="EncodedUnitReceived"/> (an output's queue,
    /// which takes a reference and calls this once done): the last one returns it to the pool.
    /// </summary>
    internal void ReleaseUnit(EncodedFrame unit)
    {
        if (unit.Release())
        {
            _unitPool.Enqueue(unit);
        }
    }

    /// <summary>
    /// Whether frames are decoded: always, except for a passthrough camera nothing has read from yet (its units reach the
    /// decoder from the first read on; until then decoding costs nothing).
    /// </summary>
    internal bool Decoding => _decoding;

    /// <summary>Whether the camera's own H.264 leaves the pipeline (<see cref="CameraSourceOptions.Passthrough"/>).</summary>
    internal bool IsPassthrough => _plan.Passthrough;

    /// <summary>The first read of a passthrough camera: its units reach the decoder from now on, on this and every later connection.</summary>
    private void StartDecoding()
    {
        lock (_lifecycle)
        {
            if (_decoding)
            {
                return;
            }
            _decoding = true;
            _connection?.OpenDecoder();
        }
    }

    /// <summary>Why the camera's stream cannot go through as it is (logged once as a warning), or null while nothing says so.</summary>
    internal string? PassthroughRefusal => _passthroughRefusal;

    /// <summary>The longest distance between key frames seen (or, before the next key frame, since the last one).</summary>
    internal TimeSpan? LongestKeyFrameInterval => _longestKeyFrameInterval;

    /// <summary>On the units' streaming thread: checks the stream, then lends the unit to the handler.</summary>
    internal void DeliverUnit(
        CameraConnection connection, ReadOnlySpan<byte> data, bool isKeyFrame, ulong pipelineTime, TimeSpan duration,
        H264Configuration configuration, Sample sample, TimeSpan? sinceKeyFrame)
    {
        if (!ReferenceEquals(Volatile.Read(ref _connection), connection) || _disposed)
        {
            return;
        }
        // A unit is a sign of life as a frame is (nothing may be decoded): the stall watchdog and the state follow units too.
        Volatile.Write(ref _lastFrameAt, _clock.GetTimestamp());
        if (connection.CountUnit() == 1)
        {
            BackgroundWork.Queue("camera first unit", Logger, (Owner: this, Connection: connection), static state => state.Owner.OnFirstFrame(state.Connection));
        }
        var recheck = false;
        if (sinceKeyFrame > (_longestKeyFrameInterval ?? TimeSpan.Zero))
        {
            _longestKeyFrameInterval = sinceKeyFrame;
            recheck = true;
        }
        if (!ReferenceEquals(configuration, _checkedConfiguration))
        {
            _checkedConfiguration = configuration;
            _unitCaps = sample.Caps;
            recheck = true;
        }
        if (recheck && _passthroughRefusal is null && PassthroughEligibility.Refusal(_unitCaps, _longestKeyFrameInterval) is { } refusal)
        {
            _passthroughRefusal = refusal;
            LogPassthroughRefused(Logger, Name, refusal);
        }
        if (EncodedUnitReceived is not { } handler)
        {
            return;
        }
        var unit = _unitPool.TryDequeue(out var pooled) ? pooled : new EncodedFrame();
        var now = connection.UnitTimestamp(pipelineTime, _clock.GetTimestamp(), _clock.TimestampFrequency);
        unit.Fill(data, isKeyFrame, now, duration, _wallAnchor + _clock.GetElapsedTime(_monoAnchor, now), _unitSequence++, configuration, pipelineTime);
        unit.Hold(1);
        try
        {
            handler(unit);
        }
        finally
        {
            ReleaseUnit(unit);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera {Name}: its H.264 cannot go to the outputs as it is ({Reason}); it is to be decoded and re-encoded")]
    private static partial void LogPassthroughRefused(ILogger logger, string name, string reason);
}
