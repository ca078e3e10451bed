using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace Backpack.Aws.Tests.Kinesis.Producer;

/// <summary>
/// One accepted PutMedia request of <see cref="LocalKinesisVideoEndpoint"/>, after its 200: reads the body as it
/// arrives, parses it with <see cref="EbmlStreamParser"/>, checks it as KVS does and writes the ACKs on the response
/// meanwhile (full duplex). Problems the service reports by ACK get an ERROR ACK and close the request; the others
/// are recorded as violations.
/// </summary>
internal sealed class PutMediaSession : IDisposable
{
    private const string EndOfFragmentTag = "AWS_KINESISVIDEO_END_OF_FRAGMENT";
    private const long MaxFragmentMilliseconds = 10_000;

    private readonly LocalKinesisVideoEndpoint _endpoint;
    private readonly HttpContext _context;
    private readonly KvsStreamRecord _stream;
    private readonly KvsSessionRecord _record;
    private readonly int _retentionHours;
    private readonly EbmlStreamParser _parser = new();
    private readonly Channel<(string Json, long Due)> _acks = Channel.CreateUnbounded<(string, long)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop;
    private readonly Lock _gate = new();
    private readonly List<Task> _persisting = [];
    private readonly List<EbmlEvent> _events = [];
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private long _lastDataAt = Stopwatch.GetTimestamp();
    private long _lastIdleAt = Stopwatch.GetTimestamp();
    private bool _closing;
    private bool _abortWhenDone;

    // What the stream declared so far.
    private int _ebmlHeaders;
    private int _segments;
    private bool _infoSeen;
    private ulong? _timecodeScale;
    private bool _tracksSeen;
    private int _trackEntries;
    private readonly HashSet<ulong> _trackNumbers = [];
    private Track? _track;
    private string? _tagName;

    // The fragment being received.
    private Fragment? _fragment;

    public PutMediaSession(LocalKinesisVideoEndpoint endpoint, HttpContext context, KvsStreamRecord stream, KvsSessionRecord record, int retentionHours)
    {
        _endpoint = endpoint;
        _context = context;
        _stream = stream;
        _record = record;
        _retentionHours = retentionHours;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
    }

    public void Dispose() => _stop.Dispose();

    public async Task RunAsync()
    {
        var writer = Task.Run(WriteAcksAsync);
        var monitor = Task.Run(MonitorAsync);
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await _context.Request.Body.ReadAsync(buffer, _stop.Token);
                lock (_gate)
                {
                    if (_closing)
                    {
                        break;
                    }
                    if (read == 0)
                    {
                        _parser.Finish(_events);
                        Handle();
                        _record.SetOutcome(_record.EndOfFragmentTagSeen ? "completed" : "completed without EOFR tag");
                        break;
                    }
                    _lastDataAt = Stopwatch.GetTimestamp();
                    var before = _parser.Position;
                    _record.Append(buffer.AsSpan(0, read));
                    if (_endpoint.TakeDropFault(before + read) is { } dropAt)
                    {
                        _record.SetOutcome($"dropped after {dropAt} bytes (fault)");
                        _closing = true;
                        _context.Abort();
                        break;
                    }
                    _parser.Push(buffer.AsSpan(0, read), _events);
                    Handle();
                    if (_closing)
                    {
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Closed by the monitor (idle, max duration) or the client went away.
        }
        catch (Exception e) when (e is IOException or BadHttpRequestException)
        {
            _record.SetOutcome($"client gone ({e.GetType().Name}: {e.Message})");
        }
        lock (_gate)
        {
            _closing = true;
        }
        if (_context.RequestAborted.IsCancellationRequested)
        {
            _record.SetOutcome("client gone");
        }
        Task[] persisting;
        lock (_gate)
        {
            persisting = [.. _persisting];
        }
        await Task.WhenAll(persisting);
        _acks.Writer.TryComplete();
        await writer;
        await _stop.CancelAsync();
        await monitor;
        try
        {
            if (!_context.RequestAborted.IsCancellationRequested)
            {
                await _context.Response.CompleteAsync();
            }
            if (_abortWhenDone)
            {
                // As the service does after an ERROR ACK or the idle timeout: the connection closes. Leave the client a
                // moment to read the end of the response before the socket goes (a reset could discard what it has not read).
                await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(2)), Task.Delay(Timeout.Infinite, _context.RequestAborted));
                _context.Abort();
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException)
        {
            _record.SetOutcome("client gone");
        }
        _record.End();
    }

    private void Handle()
    {
        foreach (var e in _events)
        {
            if (_closing)
            {
                break;
            }
            HandleEvent(e);
        }
        _events.Clear();
    }

    private void HandleEvent(EbmlEvent e)
    {
        switch (e.Kind, e.Id)
        {
            case (EbmlEventKind.Error, _):
                Violation($"invalid MKV: {e.Error}");
                Fail(4006, "INVALID_MKV_DATA", _fragment?.Timecode ?? 0);
                break;
            case (EbmlEventKind.Start, EbmlStreamParser.EbmlHeaderId):
                if (++_ebmlHeaders > 1)
                {
                    Violation($"a second EBML header at offset {e.Offset}: one PutMedia carries exactly one");
                    Fail(4006, "INVALID_MKV_DATA", _fragment?.Timecode ?? 0);
                }
                else if (e.Offset != 0)
                {
                    Violation("the body does not start with the EBML header");
                }
                break;
            case (EbmlEventKind.Start, EbmlStreamParser.SegmentId):
                if (++_segments > 1)
                {
                    Violation($"a second Segment at offset {e.Offset}: one PutMedia carries exactly one");
                    Fail(4006, "INVALID_MKV_DATA", _fragment?.Timecode ?? 0);
                }
                else if (e.Size >= 0)
                {
                    Violation($"the Segment has a known size ({e.Size}); a live stream's is unknown");
                }
                if (_ebmlHeaders == 0)
                {
                    Violation("a Segment before the EBML header");
                }
                break;
            case (EbmlEventKind.Start, EbmlStreamParser.InfoId):
                _infoSeen = true;
                break;
            case (EbmlEventKind.Leaf, EbmlStreamParser.TimecodeScaleId):
                _timecodeScale = EbmlStreamParser.ReadUInt(e.Data);
                break;
            case (EbmlEventKind.End, EbmlStreamParser.InfoId):
                if (_timecodeScale != 1_000_000)
                {
                    Violation($"Info's TimecodeScale is {(_timecodeScale?.ToString() ?? "missing")}, expected 1000000 (1 ms)");
                }
                break;
            case (EbmlEventKind.Start, EbmlStreamParser.TracksId):
                _tracksSeen = true;
                break;
            case (EbmlEventKind.Start, EbmlStreamParser.TrackEntryId):
                _trackEntries++;
                _track = new Track();
                break;
            case (EbmlEventKind.Leaf, EbmlStreamParser.TrackNumberId) when _track is not null:
                _track.Number = EbmlStreamParser.ReadUInt(e.Data);
                break;
            case (EbmlEventKind.Leaf, EbmlStreamParser.TrackTypeId) when _track is not null:
                _track.Type = EbmlStreamParser.ReadUInt(e.Data);
                break;
            case (EbmlEventKind.Leaf, EbmlStreamParser.CodecIdId) when _track is not null:
                _track.CodecId = Encoding.ASCII.GetString(e.Data!).TrimEnd('\0');
                break;
            case (EbmlEventKind.Leaf, EbmlStreamParser.CodecPrivateId) when _track is not null:
                _track.CodecPrivate = e.Data;
                break;
            case (EbmlEventKind.Leaf, EbmlStreamParser.PixelWidthId) when _track is not null:
                _track.Width = EbmlStreamParser.ReadUInt(e.Data);
                break;
            case (EbmlEventKind.Leaf, EbmlStreamParser.PixelHeightId) when _track is not null:
                _track.Height = EbmlStreamParser.ReadUInt(e.Data);
                break;
            case (EbmlEventKind.End, EbmlStreamParser.TrackEntryId) when _track is not null:
                CheckTrack(_track);
                _track = null;
                break;
            case (EbmlEventKind.End, EbmlStreamParser.TracksId):
                if (_trackEntries != 1)
                {
                    Violation($"Tracks has {_trackEntries} TrackEntry elements, expected exactly one (video)");
                }
                break;
            case (EbmlEventKind.Start, EbmlStreamParser.ClusterId):
                if (!_infoSeen || !_tracksSeen)
                {
                    Violation($"a Cluster at offset {e.Offset} before {(!_infoSeen ? "Info" : "Tracks")}");
                }
                if (e.Size >= 0)
                {
                    Violation($"the Cluster at offset {e.Offset} has a known size ({e.Size}); KVS fragments are of unknown size");
                }
                _fragment = new Fragment { Offset = e.Offset };
                break;
            case (EbmlEventKind.Leaf, EbmlStreamParser.TimecodeId) when _fragment is not null && e.Depth == 2:
                StartFragment(_fragment, (long)EbmlStreamParser.ReadUInt(e.Data));
                break;
            case (EbmlEventKind.Leaf, EbmlStreamParser.SimpleBlockId) when _fragment is not null:
                Block(_fragment, e);
                break;
            case (EbmlEventKind.Start, EbmlStreamParser.BlockGroupId):
                Violation($"a BlockGroup at offset {e.Offset}: the SDK sends SimpleBlocks only");
                break;
            case (EbmlEventKind.End, EbmlStreamParser.ClusterId) when _fragment is not null:
                CompleteFragment(_fragment, e.Offset);
                _fragment = null;
                break;
            case (EbmlEventKind.Start, EbmlStreamParser.SimpleTagId):
                _tagName = null;
                break;
            case (EbmlEventKind.Leaf, EbmlStreamParser.TagNameId):
                _tagName = Encoding.UTF8.GetString(e.Data!).TrimEnd('\0');
                break;
            case (EbmlEventKind.End, EbmlStreamParser.SimpleTagId):
                if (_tagName == EndOfFragmentTag)
                {
                    _record.EndOfFragmentTagSeen = true;
                }
                break;
            case (EbmlEventKind.End, EbmlStreamParser.SegmentId):
                break;
            default:
                break;
        }
    }

    private void CheckTrack(Track track)
    {
        if (track.Number is not { } number)
        {
            Violation("a TrackEntry without TrackNumber");
        }
        else
        {
            _trackNumbers.Add(number);
            if (number != 1)
            {
                Violation($"the video TrackEntry has TrackNumber {number}, expected 1");
            }
        }
        if (track.Type != 1)
        {
            Violation($"the TrackEntry has TrackType {track.Type}, expected 1 (video)");
        }
        if (track.CodecId != "V_MPEG4/ISO/AVC")
        {
            Violation($"the TrackEntry has CodecID {track.CodecId ?? "(none)"}, expected V_MPEG4/ISO/AVC");
        }
        if (AvcConfigurationProblem(track.CodecPrivate) is { } problem)
        {
            Violation($"CodecPrivate is not an AVCDecoderConfigurationRecord: {problem}");
        }
        if (track.Width is not > 0 || track.Height is not > 0)
        {
            Violation($"the Video element's PixelWidth/PixelHeight are {track.Width?.ToString() ?? "missing"}/{track.Height?.ToString() ?? "missing"}, expected > 0");
        }
    }

    /// <summary>ISO/IEC 14496-15 §5.3.3.1: version 1, profile/level, 0xFC|lengthSizeMinusOne, SPS count and SPSs, PPS count and PPSs.</summary>
    internal static string? AvcConfigurationProblem(byte[]? record)
    {
        if (record is null)
        {
            return "missing";
        }
        if (record.Length < 7)
        {
            return $"{record.Length} bytes are too short";
        }
        if (record[0] != 1)
        {
            return $"configurationVersion {record[0]}, expected 1";
        }
        var at = 5;
        if (ParameterSetsProblem(record, ref at, record[at++] & 0x1F, 7, "SPS") is { } spsProblem)
        {
            return spsProblem;
        }
        if (at >= record.Length)
        {
            return "no PPS count";
        }
        return ParameterSetsProblem(record, ref at, record[at++], 8, "PPS");
    }

    /// <summary>Walks <paramref name="count"/> length-prefixed NAL units of one type (7 SPS, 8 PPS).</summary>
    private static string? ParameterSetsProblem(byte[] record, ref int at, int count, int nalType, string what)
    {
        if (count < 1)
        {
            return $"no {what}";
        }
        for (var i = 0; i < count; i++)
        {
            if (at + 2 > record.Length)
            {
                return $"truncated {what}";
            }
            var length = (record[at] << 8) | record[at + 1];
            at += 2;
            if (length == 0 || at + length > record.Length || (record[at] & 0x1F) != nalType)
            {
                return $"{what} {i} is not a {what} NAL unit of {length} bytes";
            }
            at += length;
        }
        return null;
    }

    private void StartFragment(Fragment fragment, long timecode)
    {
        if (fragment.Timecode is not null)
        {
            Violation($"a second Timecode in the Cluster at offset {fragment.Offset}");
            return;
        }
        fragment.Timecode = timecode;
        if (_endpoint.TakeFragmentErrorFault() is { } fault)
        {
            Fail(fault.ErrorId, fault.ErrorCode, timecode);
            return;
        }
        lock (_stream.Gate)
        {
            if (_stream.HasTimecode(timecode))
            {
                fragment.Duplicate = true;
            }
            else if (_stream.LastFrameTimecode is { } last && timecode <= last)
            {
                Fail(4004, "FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS", timecode);
                return;
            }
        }
        fragment.Number = _endpoint.NextFragmentNumber();
        Ack("BUFFERING", timecode, fragment.Number);
    }

    private void Block(Fragment fragment, EbmlEvent e)
    {
        var data = e.Data!;
        if (fragment.Timecode is not { } clusterTimecode)
        {
            Violation($"a SimpleBlock at offset {e.Offset} before the Cluster's Timecode");
            Fail(4006, "INVALID_MKV_DATA", 0);
            return;
        }
        if (data.Length < 4 || (data[0] & 0x80) == 0)
        {
            Violation($"the SimpleBlock at offset {e.Offset} does not start with a 1-byte track number vint");
            Fail(4006, "INVALID_MKV_DATA", clusterTimecode);
            return;
        }
        var track = (ulong)(data[0] & 0x7F);
        if (track != 1 || !_trackNumbers.Contains(track))
        {
            Violation($"a SimpleBlock of track {track} at offset {e.Offset}; the header declares track(s) {string.Join(",", _trackNumbers)}");
            Fail(4010, "TRACK_NUMBER_MISMATCH", clusterTimecode);
            return;
        }
        var relative = (short)((data[1] << 8) | data[2]);
        var key = (data[3] & 0x80) != 0;
        if (fragment.Frames == 0)
        {
            fragment.StartsWithKey = key;
            if (!key || relative != 0)
            {
                _endpoint.Warn($"the first SimpleBlock of fragment {clusterTimecode} is {(key ? "" : "not ")}a key frame with relative timecode {relative} (expected a key frame at 0)");
            }
        }
        else if (relative < fragment.LastRelative)
        {
            Violation($"block timecode {relative} after {fragment.LastRelative} in fragment {clusterTimecode}: decreasing (B-frames?)");
        }
        if (relative < 0)
        {
            Violation($"negative block timecode {relative} in fragment {clusterTimecode}");
        }
        fragment.Frames++;
        fragment.LastRelative = Math.Max(fragment.LastRelative, relative);
        if (AvccProblem(data.AsSpan(4)) is { } problem)
        {
            Violation($"frame {fragment.Frames} of fragment {clusterTimecode} is not AVCC: {problem}");
        }
        if (relative > MaxFragmentMilliseconds)
        {
            Fail(4002, "MAX_FRAGMENT_DURATION_REACHED", clusterTimecode);
        }
    }

    /// <summary>AVCC: 4-byte big-endian NAL lengths that add up exactly to the payload.</summary>
    private static string? AvccProblem(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return "empty frame";
        }
        var at = 0;
        while (at < payload.Length)
        {
            if (at + 4 > payload.Length)
            {
                return $"{payload.Length - at} trailing bytes where a 4-byte NAL length belongs";
            }
            var length = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(payload[at..]);
            if (length == 0 || at + 4 + length > payload.Length)
            {
                return $"a NAL length of {length} at {at} in a {payload.Length}-byte frame";
            }
            at += 4 + (int)length;
        }
        return null;
    }

    private void CompleteFragment(Fragment fragment, long end)
    {
        if (fragment.Timecode is not { } timecode || fragment.Number is null)
        {
            Violation($"the Cluster at offset {fragment.Offset} has no Timecode");
            return;
        }
        if (fragment.Frames == 0)
        {
            Violation($"fragment {timecode} has no frame (FRAMES_MISSING_FOR_TRACK)");
        }
        var record = new KvsFragmentRecord
        {
            Timecode = timecode,
            FragmentNumber = fragment.Number,
            FrameCount = fragment.Frames,
            ByteSize = end - fragment.Offset,
            StartsWithKeyFrame = fragment.StartsWithKey,
            SessionIndex = _record.Index,
            SessionOffset = fragment.Offset,
            Duplicate = fragment.Duplicate,
            LastFrameTimecode = timecode + fragment.LastRelative,
        };
        lock (_stream.Gate)
        {
            _stream.Add(record);
        }
        _endpoint.MarkStreaming(_stream.Name);
        Ack("RECEIVED", timecode, fragment.Number);
        if (_retentionHours > 0)
        {
            var delay = _endpoint.PersistDelay;
            _persisting.Add(Task.Run(async () =>
            {
                await Task.Delay(delay);
                record.Persisted = true;
                Ack("PERSISTED", timecode, record.FragmentNumber);
            }));
        }
    }

    private void Violation(string message) => _endpoint.Violation($"session {_record.Index} ({_stream.Name}): {message}");

    /// <summary>An ERROR ACK, then the request closes (as the service does).</summary>
    private void Fail(int errorId, string errorCode, long timecode)
    {
        Ack("ERROR", timecode, _fragment?.Number ?? _endpoint.NextFragmentNumber(), errorId, errorCode);
        _record.SetOutcome($"error {errorId} {errorCode}");
        _closing = true;
        _abortWhenDone = true;
    }

    private void Ack(string type, long? timecode, string? number, int? errorId = null, string? errorCode = null)
    {
        var json = new StringBuilder("{\"EventType\":\"").Append(type).Append('"');
        if (timecode is not null)
        {
            json.Append(",\"FragmentTimecode\":").Append(timecode.Value);
        }
        if (number is not null)
        {
            json.Append(",\"FragmentNumber\":\"").Append(number).Append('"');
        }
        if (errorId is not null)
        {
            json.Append(",\"ErrorId\":").Append(errorId.Value).Append(",\"ErrorCode\":\"").Append(errorCode).Append('"');
        }
        json.Append('}');
        _acks.Writer.TryWrite((json.ToString(), Stopwatch.GetTimestamp() + (long)(_endpoint.AckDelay.TotalSeconds * Stopwatch.Frequency)));
    }

    private async Task WriteAcksAsync()
    {
        try
        {
            await foreach (var (json, due) in _acks.Reader.ReadAllAsync())
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _context.RequestAborted);
                }
                await _context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(json + "\n"), _context.RequestAborted);
                await _context.Response.Body.FlushAsync(_context.RequestAborted);
                _record.AddAck(json);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            _record.SetOutcome("client gone");
        }
    }

    private async Task MonitorAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                lock (_gate)
                {
                    if (_closing)
                    {
                        return;
                    }
                    var now = Stopwatch.GetTimestamp();
                    if (_endpoint.MaxConnectionDuration is { } max && Stopwatch.GetElapsedTime(_startedAt, now) >= max)
                    {
                        Fail(4003, "MAX_CONNECTION_DURATION_REACHED", _fragment?.Timecode ?? 0);
                        _stop.Cancel();
                        return;
                    }
                    if (_endpoint.CredentialsExpiry(_record.AccessKey) is { } expiry && expiry <= DateTimeOffset.UtcNow)
                    {
                        // The ingestion host ends a connection whose token expired (reference: PIC's 40-minute enforced token life).
                        _record.SetOutcome("credentials expired");
                        _closing = true;
                        _stop.Cancel();
                        _context.Abort();
                        return;
                    }
                    var quiet = Stopwatch.GetElapsedTime(_lastDataAt, now);
                    if (quiet >= _endpoint.IdleTimeout)
                    {
                        _record.SetOutcome("idle timeout");
                        _closing = true;
                        _abortWhenDone = true;
                        _stop.Cancel();
                        return;
                    }
                    if (quiet >= _endpoint.IdleAckInterval && Stopwatch.GetElapsedTime(_lastIdleAt, now) >= _endpoint.IdleAckInterval)
                    {
                        _lastIdleAt = now;
                        Ack("IDLE", null, null);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The session ended.
        }
    }

    private sealed class Track
    {
        public ulong? Number { get; set; }

        public ulong? Type { get; set; }

        public string? CodecId { get; set; }

        public byte[]? CodecPrivate { get; set; }

        public ulong? Width { get; set; }

        public ulong? Height { get; set; }
    }

    private sealed class Fragment
    {
        public required long Offset { get; init; }

        public long? Timecode { get; set; }

        public string? Number { get; set; }

        public int Frames { get; set; }

        public bool StartsWithKey { get; set; }

        public short LastRelative { get; set; }

        public bool Duplicate { get; set; }
    }
}
