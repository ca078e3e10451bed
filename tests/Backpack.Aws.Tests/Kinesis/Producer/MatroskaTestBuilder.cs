using System.Buffers.Binary;
using System.Text;

namespace Backpack.Aws.Tests.Kinesis.Producer;

/// <summary>
/// Writes, byte by byte, the MKV stream the KVS producer SDK sends (reference §4): EBML header, a Segment of unknown
/// size, Info, Tracks, unknown-size Clusters of SimpleBlocks, the EOFR tag. Every size is an 8-byte vint, as the SDK's.
/// Parameters let a test write what the SDK would not (another track number, another timecode scale).
/// </summary>
internal static class MatroskaTestBuilder
{
    private static readonly byte[] UnknownSize = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

    public static byte[] Header(H264TestClip clip, ulong timecodeScale = 1_000_000, int trackNumber = 1) =>
        [.. EbmlHeader(), .. Segment(), .. Info(timecodeScale), .. Tracks(clip.CodecPrivate, clip.Width, clip.Height, trackNumber)];

    public static byte[] EbmlHeader() => Element(EbmlStreamParser.EbmlHeaderId,
        [.. UInt(0x4286, 1), .. UInt(0x42F7, 1), .. UInt(0x42F2, 4), .. UInt(0x42F3, 8), .. Text(0x4282, "matroska"), .. UInt(0x4287, 2), .. UInt(0x4285, 2)]);

    public static byte[] Segment() => [.. Id(EbmlStreamParser.SegmentId), .. UnknownSize];

    public static byte[] Info(ulong timecodeScale) => Element(EbmlStreamParser.InfoId,
        [.. Element(0x73A4, Guid.NewGuid().ToByteArray()), .. UInt(EbmlStreamParser.TimecodeScaleId, timecodeScale), .. Text(0x7BA9, "Kinesis Video SDK"), .. Text(0x4D80, "Kinesis Video SDK 1.1.0"), .. Text(0x5741, "Kinesis Video SDK 1.1.0")]);

    public static byte[] Tracks(byte[] codecPrivate, int width, int height, int trackNumber = 1) => Element(EbmlStreamParser.TracksId,
        Element(EbmlStreamParser.TrackEntryId,
        [
            .. UInt(EbmlStreamParser.TrackNumberId, (ulong)trackNumber), .. UInt(0x73C5, 1), .. UInt(EbmlStreamParser.TrackTypeId, 1),
            .. Text(0x536E, "kinesis_video"), .. Text(EbmlStreamParser.CodecIdId, "V_MPEG4/ISO/AVC"),
            .. Element(EbmlStreamParser.VideoId, [.. UInt(EbmlStreamParser.PixelWidthId, (ulong)width), .. UInt(EbmlStreamParser.PixelHeightId, (ulong)height)]),
            .. Element(EbmlStreamParser.CodecPrivateId, codecPrivate),
        ]));

    /// <summary>One fragment: an unknown-size Cluster at <paramref name="timecode"/> (ms) with the frames, timed from the first.</summary>
    public static byte[] Fragment(long timecode, IReadOnlyList<H264TestFrame> frames, int trackNumber = 1) =>
        Cluster(timecode, frames.Select(f => ((short)(f.TimestampMs - frames[0].TimestampMs), f.Key, f.Data)), trackNumber);

    public static byte[] Cluster(long timecode, IEnumerable<(short Relative, bool Key, byte[] Frame)> blocks, int trackNumber = 1)
    {
        var cluster = new List<byte>();
        cluster.AddRange(Id(EbmlStreamParser.ClusterId));
        cluster.AddRange(UnknownSize);
        cluster.AddRange(Element(EbmlStreamParser.TimecodeId, BigEndian((ulong)timecode)));
        cluster.AddRange(UInt(0xA7, 0));
        foreach (var (relative, key, frame) in blocks)
        {
            var block = new byte[4 + frame.Length];
            block[0] = (byte)(0x80 | trackNumber);
            BinaryPrimitives.WriteInt16BigEndian(block.AsSpan(1), relative);
            block[3] = key ? (byte)0x80 : (byte)0x00;
            frame.CopyTo(block, 4);
            cluster.AddRange(Element(EbmlStreamParser.SimpleBlockId, block));
        }
        return [.. cluster];
    }

    /// <summary>The EOFR tag the SDK sends before it closes a session: Tags › Tag › SimpleTag › TagName AWS_KINESISVIDEO_END_OF_FRAGMENT, TagString "".</summary>
    public static byte[] EndOfFragmentTag() => Element(EbmlStreamParser.TagsId, Element(EbmlStreamParser.TagId, Element(EbmlStreamParser.SimpleTagId,
        [.. Text(EbmlStreamParser.TagNameId, "AWS_KINESISVIDEO_END_OF_FRAGMENT"), .. Text(EbmlStreamParser.TagStringId, "")])));

    public static byte[] Element(uint id, byte[] data)
    {
        var size = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(size, (ulong)(uint)data.Length | (1UL << 56));
        return [.. Id(id), .. size, .. data];
    }

    private static byte[] UInt(uint id, ulong value) => Element(id, BigEndian(value));

    private static byte[] Text(uint id, string value) => Element(id, Encoding.UTF8.GetBytes(value));

    private static byte[] BigEndian(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Id(uint id) => id switch
    {
        > 0xFFFFFF => [(byte)(id >> 24), (byte)(id >> 16), (byte)(id >> 8), (byte)id],
        > 0xFFFF => [(byte)(id >> 16), (byte)(id >> 8), (byte)id],
        > 0xFF => [(byte)(id >> 8), (byte)id],
        _ => [(byte)id],
    };
}
