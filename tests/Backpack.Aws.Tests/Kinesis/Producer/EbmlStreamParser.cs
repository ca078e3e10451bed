namespace Backpack.Aws.Tests.Kinesis.Producer;

/// <summary>
/// An incremental EBML (Matroska) parser for a live stream: bytes are pushed as they arrive and element events come
/// out as soon as they are complete — master elements as Start/End, every other element whole. Elements of unknown
/// size (Segment, Cluster) end where the stream puts an element that cannot be their child, as Matroska readers do.
/// </summary>
internal sealed class EbmlStreamParser
{
    public const uint EbmlHeaderId = 0x1A45DFA3;
    public const uint SegmentId = 0x18538067;
    public const uint InfoId = 0x1549A966;
    public const uint TimecodeScaleId = 0x2AD7B1;
    public const uint TracksId = 0x1654AE6B;
    public const uint TrackEntryId = 0xAE;
    public const uint TrackNumberId = 0xD7;
    public const uint TrackTypeId = 0x83;
    public const uint CodecIdId = 0x86;
    public const uint CodecPrivateId = 0x63A2;
    public const uint VideoId = 0xE0;
    public const uint PixelWidthId = 0xB0;
    public const uint PixelHeightId = 0xBA;
    public const uint ClusterId = 0x1F43B675;
    public const uint TimecodeId = 0xE7;
    public const uint SimpleBlockId = 0xA3;
    public const uint BlockGroupId = 0xA0;
    public const uint TagsId = 0x1254C367;
    public const uint TagId = 0x7373;
    public const uint SimpleTagId = 0x67C8;
    public const uint TagNameId = 0x45A3;
    public const uint TagStringId = 0x4487;

    private static readonly HashSet<uint> Masters =
    [
        EbmlHeaderId, SegmentId, InfoId, TracksId, TrackEntryId, VideoId, 0xE1 /* Audio */, ClusterId, BlockGroupId,
        TagsId, TagId, SimpleTagId, 0x63C0 /* Targets */, 0x114D9B74 /* SeekHead */, 0x4DBB /* Seek */, 0x1C53BB6B /* Cues */,
        0x1043A770 /* Chapters */, 0x1941A469 /* Attachments */,
    ];

    /// <summary>The children an unknown-size Cluster may have; anything else ends it.</summary>
    private static readonly HashSet<uint> ClusterChildren = [TimecodeId, 0xA7 /* Position */, 0xAB /* PrevSize */, SimpleBlockId, BlockGroupId, 0x5854 /* SilentTracks */, 0xEC /* Void */, 0xBF /* CRC-32 */];

    /// <summary>The children an unknown-size Segment may have; anything else (another EBML header) ends it.</summary>
    private static readonly HashSet<uint> SegmentChildren = [InfoId, TracksId, ClusterId, TagsId, 0x114D9B74, 0x1C53BB6B, 0x1043A770, 0x1941A469, 0xEC, 0xBF];

    private readonly List<(uint Id, long End)> _open = []; // End = -1: unknown size
    private byte[] _pending = new byte[64 * 1024];
    private int _pendingLength;
    private long _pendingOffset; // stream offset of _pending[0]
    private bool _failed;

    /// <summary>How many bytes were pushed.</summary>
    public long Position => _pendingOffset + _pendingLength;

    /// <summary>Largest leaf element the parser buffers (a bigger one is an error).</summary>
    public long MaxLeafSize { get; init; } = 64L * 1024 * 1024;

    public bool Failed => _failed;

    public void Push(ReadOnlySpan<byte> data, List<EbmlEvent> events)
    {
        if (_failed)
        {
            return;
        }
        if (_pendingLength + data.Length > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + data.Length));
        }
        data.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += data.Length;
        var consumed = Parse(events);
        Array.Copy(_pending, consumed, _pending, 0, _pendingLength - consumed);
        _pendingLength -= consumed;
        _pendingOffset += consumed;
    }

    /// <summary>The stream ended: closes what is open (an element cut short is an error).</summary>
    public void Finish(List<EbmlEvent> events)
    {
        if (_failed)
        {
            return;
        }
        var end = Position;
        if (_pendingLength > 0)
        {
            Fail(events, $"the stream ends inside an element ({_pendingLength} bytes of an unfinished element at offset {_pendingOffset})");
            return;
        }
        for (var i = _open.Count - 1; i >= 0; i--)
        {
            if (_open[i].End >= 0 && _open[i].End != end)
            {
                Fail(events, $"the stream ends before element 0x{_open[i].Id:X} (ends at {_open[i].End})");
                return;
            }
            events.Add(new EbmlEvent(EbmlEventKind.End, _open[i].Id, -1, end, i));
        }
        _open.Clear();
    }

    private int Parse(List<EbmlEvent> events)
    {
        var at = 0;
        while (!_failed)
        {
            var offset = _pendingOffset + at;
            CloseFinished(offset, events);
            var span = _pending.AsSpan(at, _pendingLength - at);
            if (span.IsEmpty)
            {
                break;
            }
            var idLength = VintLength(span[0]);
            if (idLength is 0 or > 4)
            {
                Fail(events, $"invalid element ID byte 0x{span[0]:X2} at offset {offset}");
                break;
            }
            if (span.Length < idLength + 1)
            {
                break;
            }
            uint id = 0;
            for (var i = 0; i < idLength; i++)
            {
                id = (id << 8) | span[i];
            }
            var sizeLength = VintLength(span[idLength]);
            if (sizeLength == 0)
            {
                Fail(events, $"invalid size byte 0x{span[idLength]:X2} of element 0x{id:X} at offset {offset}");
                break;
            }
            if (span.Length < idLength + sizeLength)
            {
                break;
            }
            var size = (long)(span[idLength] & (0xFF >> sizeLength));
            var allOnes = size == (0xFF >> sizeLength);
            for (var i = 1; i < sizeLength; i++)
            {
                size = (size << 8) | span[idLength + i];
                allOnes &= span[idLength + i] == 0xFF;
            }
            if (allOnes)
            {
                size = -1;
            }
            // An element that cannot be a child of the open unknown-size element ends it.
            while (_open.Count > 0 && _open[^1].End < 0 && !MayContain(_open[^1].Id, id))
            {
                events.Add(new EbmlEvent(EbmlEventKind.End, _open[^1].Id, -1, offset, _open.Count - 1));
                _open.RemoveAt(_open.Count - 1);
            }
            var headerLength = idLength + sizeLength;
            var dataStart = offset + headerLength;
            if (size >= 0 && _open.Count > 0 && _open[^1].End >= 0 && dataStart + size > _open[^1].End)
            {
                Fail(events, $"element 0x{id:X} at offset {offset} overruns its parent 0x{_open[^1].Id:X}");
                break;
            }
            if (Masters.Contains(id))
            {
                events.Add(new EbmlEvent(EbmlEventKind.Start, id, size, offset, _open.Count));
                _open.Add((id, size < 0 ? -1 : dataStart + size));
                at += headerLength;
                continue;
            }
            if (size < 0 || size > MaxLeafSize)
            {
                Fail(events, $"element 0x{id:X} at offset {offset} has size {(size < 0 ? "unknown" : size)}, not allowed for a non-master element");
                break;
            }
            if (span.Length < headerLength + size)
            {
                break;
            }
            events.Add(new EbmlEvent(EbmlEventKind.Leaf, id, size, offset, _open.Count, span.Slice(headerLength, (int)size).ToArray()));
            at += headerLength + (int)size;
        }
        return at;
    }

    private void CloseFinished(long offset, List<EbmlEvent> events)
    {
        while (_open.Count > 0 && _open[^1].End >= 0 && _open[^1].End <= offset)
        {
            events.Add(new EbmlEvent(EbmlEventKind.End, _open[^1].Id, -1, offset, _open.Count - 1));
            _open.RemoveAt(_open.Count - 1);
        }
    }

    private static bool MayContain(uint parent, uint child) => parent switch
    {
        ClusterId => ClusterChildren.Contains(child),
        SegmentId => SegmentChildren.Contains(child),
        _ => child != EbmlHeaderId && child != SegmentId && child != ClusterId,
    };

    private void Fail(List<EbmlEvent> events, string message)
    {
        _failed = true;
        events.Add(new EbmlEvent(EbmlEventKind.Error, 0, -1, Position, _open.Count, Error: message));
    }

    /// <summary>The length of a vint from its first byte (1–8), 0 when invalid.</summary>
    private static int VintLength(byte first) => first == 0 ? 0 : System.Numerics.BitOperations.LeadingZeroCount((uint)first) - 23;

    /// <summary>Reads a big-endian unsigned integer element's value.</summary>
    public static ulong ReadUInt(ReadOnlySpan<byte> data)
    {
        ulong value = 0;
        foreach (var b in data)
        {
            value = (value << 8) | b;
        }
        return value;
    }
}
