using System.Buffers.Binary;
using NEbml.Core;

namespace Backpack.Aws.Tests.Kinesis.Producer;

/// <summary>One EBML element as NEbml read it: its id, where it starts, and the payload of a non-master element.</summary>
internal sealed record MatroskaElement(uint Id, long Position, bool IsMaster, byte[] Data)
{
    public ulong UInt => Data.Aggregate(0UL, (value, b) => (value << 8) | b);

    public string Text => System.Text.Encoding.UTF8.GetString(Data);
}

/// <summary>Reads a Matroska stream with NEbml into its elements in document order, masters entered.</summary>
/// <remarks>
/// NEbml knows no schema, so it cannot tell where an unknown-size Cluster ends: it sees the next Cluster as a child
/// of this one. Document order is what the tests check, so the nesting is ignored. NEbml also refuses an
/// unknown-size element at its root, which every live stream's Segment is; the bytes are read inside a known-size
/// Void element put in front of them, and positions are given back relative to the stream.
/// </remarks>
internal static class MatroskaElements
{
    public const uint Ebml = 0x1A45DFA3, Segment = 0x18538067, Info = 0x1549A966, Tracks = 0x1654AE6B, TrackEntry = 0xAE,
        Video = 0xE0, Cluster = 0x1F43B675, SimpleBlock = 0xA3, Tags = 0x1254C367, Tag = 0x7373, SimpleTag = 0x67C8,
        DocType = 0x4282, DocTypeVersion = 0x4287, DocTypeReadVersion = 0x4285, EbmlVersion = 0x4286, EbmlReadVersion = 0x42F7,
        EbmlMaxIdLength = 0x42F2, EbmlMaxSizeLength = 0x42F3, SegmentUid = 0x73A4, TimecodeScale = 0x2AD7B1, Title = 0x7BA9,
        MuxingApp = 0x4D80, WritingApp = 0x5741, TrackNumber = 0xD7, TrackUid = 0x73C5, TrackType = 0x83, CodecId = 0x86,
        CodecPrivate = 0x63A2, PixelWidth = 0xB0, PixelHeight = 0xBA, Timecode = 0xE7, Position = 0xA7, TagName = 0x45A3,
        TagString = 0x4487;

    // Masters of the files here: ours, and matroskamux's (SeekHead, Seek, Cues, Colour, BlockGroup, Targets).
    private static readonly HashSet<uint> Masters =
    [
        Ebml, Segment, Info, Tracks, TrackEntry, Video, Cluster, Tags, Tag, SimpleTag,
        0x114D9B74, 0x4DBB, 0x1C53BB6B, 0xBB, 0xB7, 0x55B0, 0xA0, 0x63C0,
    ];

    private const int WrapperLength = 9;

    public static IReadOnlyList<MatroskaElement> Read(byte[] stream)
    {
        var wrapped = new byte[WrapperLength + stream.Length];
        wrapped[0] = 0xEC; // Void
        BinaryPrimitives.WriteUInt64BigEndian(wrapped.AsSpan(1), (ulong)(uint)stream.Length | (1UL << 56));
        stream.CopyTo(wrapped, WrapperLength);
        var elements = new List<MatroskaElement>();
        using var reader = new EbmlReader(new MemoryStream(wrapped));
        reader.ReadNext().Should().BeTrue();
        reader.EnterContainer();
        Walk(reader, elements);
        reader.LeaveContainer();
        return elements;
    }

    /// <summary>A SimpleBlock's fields: track number (1-byte vint), relative timecode, flags, frame.</summary>
    public static (int Track, short Timecode, byte Flags, byte[] Frame) Block(MatroskaElement block)
    {
        block.Data[0].Should().BeGreaterThanOrEqualTo(0x80, "the track number is a 1-byte vint");
        return (block.Data[0] & 0x7F, BinaryPrimitives.ReadInt16BigEndian(block.Data.AsSpan(1)), block.Data[3], block.Data[4..]);
    }

    private static void Walk(EbmlReader reader, List<MatroskaElement> elements)
    {
        while (reader.ReadNext())
        {
            var id = (uint)reader.ElementId.EncodedValue; // with its length marker, as Matroska spells ids
            var position = reader.ElementPosition - WrapperLength;
            if (Masters.Contains(id))
            {
                elements.Add(new MatroskaElement(id, position, true, []));
                reader.EnterContainer();
                Walk(reader, elements);
                reader.LeaveContainer();
            }
            else
            {
                var data = new byte[reader.ElementSize];
                var read = 0;
                while (read < data.Length)
                {
                    var count = reader.ReadBinary(data, read, data.Length - read);
                    count.Should().BePositive();
                    read += count;
                }
                elements.Add(new MatroskaElement(id, position, false, data));
            }
        }
    }
}
