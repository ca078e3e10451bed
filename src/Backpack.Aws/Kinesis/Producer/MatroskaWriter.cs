using System.Buffers.Binary;

namespace Backpack.Aws.Kinesis.Producer;

/// <summary>
/// Writes the Matroska stream a Kinesis Video Streams PutMedia body carries, laid out as the KVS producer SDK lays it
/// out: an EBML header, one Segment of unknown size, Info, Tracks with one H.264 track, then for every fragment a
/// Cluster of unknown size with its SimpleBlocks, and the end-of-fragment Tags before a session closes.
/// </summary>
/// <remarks>
/// Every size field has a fixed width, so lengths are known before writing and the stream can go out as it is made:
/// a live upload never comes back to patch a size. All integers are big-endian, as EBML wants.
/// </remarks>
internal static class MatroskaWriter
{
    /// <summary>Length of the start of a Cluster: id, unknown size, Timecode (8-byte unsigned integer) and Position 0.</summary>
    public const int ClusterStartLength = 4 + 8 + (2 + 8) + (2 + 1);

    /// <summary>Length of a SimpleBlock's header: id A3, 8-byte size, track number, relative timecode and flags.</summary>
    public const int SimpleBlockHeaderLength = 13;

    /// <summary>The longest decoder configuration record the header's 4-byte size fields can carry.</summary>
    public const int MaxDecoderConfigurationRecordLength = MaxFourByteSize - TracksFixedContentLength;

    /// <summary>Length of a SegmentUID.</summary>
    public const int SegmentUidLength = 16;

    /// <summary>Name written as Title, MuxingApp and WritingApp.</summary>
    public const string ApplicationName = "Backpack for .NET";

    /// <summary>CodecID of the track: H.264 with AVCC (length-prefixed) frames and an AVCDecoderConfigurationRecord.</summary>
    public const string CodecId = "V_MPEG4/ISO/AVC";

    /// <summary>TimecodeScale: a timecode unit is one millisecond, as kvssink's default and the ACKs' FragmentTimecode.</summary>
    public const long TimecodeScaleNanoseconds = 1_000_000;

    /// <summary>TagName of the end-of-fragment tag.</summary>
    public const string EndOfFragmentTagName = "AWS_KINESISVIDEO_END_OF_FRAGMENT";

    // The EBML header: versions and limits as the SDK writes them (MkvStatics.c), DocType "matroska" version 2.
    private static ReadOnlySpan<byte> EbmlHeader =>
    [
        0x1A, 0x45, 0xDF, 0xA3, 0xA3,
        0x42, 0x86, 0x81, 0x01, // EBMLVersion 1
        0x42, 0xF7, 0x81, 0x01, // EBMLReadVersion 1
        0x42, 0xF2, 0x81, 0x04, // EBMLMaxIDLength 4
        0x42, 0xF3, 0x81, 0x08, // EBMLMaxSizeLength 8
        0x42, 0x82, 0x88, (byte)'m', (byte)'a', (byte)'t', (byte)'r', (byte)'o', (byte)'s', (byte)'k', (byte)'a',
        0x42, 0x87, 0x81, 0x02, // DocTypeVersion 2
        0x42, 0x85, 0x81, 0x02, // DocTypeReadVersion 2
    ];

    // Ids of the elements written.
    private const uint SegmentId = 0x18538067;
    private const uint InfoId = 0x1549A966;
    private const uint SegmentUidId = 0x73A4;
    private const uint TimecodeScaleId = 0x2AD7B1;
    private const uint TitleId = 0x7BA9;
    private const uint MuxingAppId = 0x4D80;
    private const uint WritingAppId = 0x5741;
    private const uint TracksId = 0x1654AE6B;
    private const uint TrackEntryId = 0xAE;
    private const uint TrackNumberId = 0xD7;
    private const uint TrackUidId = 0x73C5;
    private const uint TrackTypeId = 0x83;
    private const uint CodecIdId = 0x86;
    private const uint CodecPrivateId = 0x63A2;
    private const uint VideoId = 0xE0;
    private const uint PixelWidthId = 0xB0;
    private const uint PixelHeightId = 0xBA;
    private const uint ClusterId = 0x1F43B675;
    private const uint TimecodeId = 0xE7;
    private const uint PositionId = 0xA7;
    private const byte SimpleBlockId = 0xA3;

    // The 8-byte "unknown size": a live stream does not know how long a Segment or a Cluster will be.
    private const ulong UnknownSize = 0x01FFFFFFFFFFFFFF;

    // Largest value a 4-byte size vint holds (all ones would mean "unknown").
    private const int MaxFourByteSize = 0x0FFFFFFE;

    private const int NameLength = 17; // "Backpack for .NET"
    private const int InfoContentLength = (3 + SegmentUidLength) + (4 + 8) + (3 * (2 + 1 + NameLength));
    private const int InfoLength = 4 + 2 + InfoContentLength;
    private const int VideoContentLength = (1 + 1 + 2) * 2;

    // TrackEntry content besides CodecPrivate's payload.
    private const int TrackEntryFixedContentLength =
        (1 + 1 + 1) + (2 + 1 + 8) + (1 + 1 + 1) + (1 + 1 + 15) + (1 + 1 + VideoContentLength) + (2 + 4);

    // Tracks content (the TrackEntry header included) besides CodecPrivate's payload.
    private const int TracksFixedContentLength = 1 + 4 + TrackEntryFixedContentLength;
    private const int SegmentStartLength = 4 + 8;

    /// <summary>Length of the header <see cref="WriteHeader"/> writes for a decoder configuration record of this length.</summary>
    /// <param name="decoderConfigurationRecordLength">Length of the AVCDecoderConfigurationRecord, 1 to <see cref="MaxDecoderConfigurationRecordLength"/>.</param>
    /// <returns>The header length in bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The length is not positive or too long for the header.</exception>
    public static int HeaderLength(int decoderConfigurationRecordLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(decoderConfigurationRecordLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decoderConfigurationRecordLength, MaxDecoderConfigurationRecordLength);
        return EbmlHeader.Length + SegmentStartLength + InfoLength + 4 + 4 + TracksFixedContentLength + decoderConfigurationRecordLength;
    }

    /// <summary>
    /// Writes the EBML header (DocType "matroska"), the start of a Segment of unknown size, Info (TimecodeScale 1 ms,
    /// SegmentUID, Title, MuxingApp and WritingApp "Backpack for .NET") and Tracks with one video TrackEntry: TrackNumber 1,
    /// TrackUID 1, CodecID V_MPEG4/ISO/AVC, CodecPrivate the decoder configuration record, and the pixel size.
    /// </summary>
    /// <param name="destination">Where to write; at least <see cref="HeaderLength"/> bytes.</param>
    /// <param name="decoderConfigurationRecord">The AVCDecoderConfigurationRecord (GStreamer's codec_data of <c>stream-format=avc</c>).</param>
    /// <param name="width">Width in pixels, 1 to 65535.</param>
    /// <param name="height">Height in pixels, 1 to 65535.</param>
    /// <param name="segmentUid">The 16-byte SegmentUID; a new one per stream lets players tell sessions apart.</param>
    /// <returns>The number of bytes written, <see cref="HeaderLength"/> of the record's length.</returns>
    /// <exception cref="ArgumentException">An argument is invalid or <paramref name="destination"/> is too small.</exception>
    public static int WriteHeader(Span<byte> destination, ReadOnlySpan<byte> decoderConfigurationRecord, int width, int height, ReadOnlySpan<byte> segmentUid)
    {
        if (decoderConfigurationRecord.IsEmpty)
        {
            throw new ArgumentException("The decoder configuration record is empty; an AVCDecoderConfigurationRecord is expected.", nameof(decoderConfigurationRecord));
        }
        if (decoderConfigurationRecord.Length > MaxDecoderConfigurationRecordLength)
        {
            throw new ArgumentException(
                $"The decoder configuration record is {decoderConfigurationRecord.Length} bytes long; at most {MaxDecoderConfigurationRecordLength} fit the header.",
                nameof(decoderConfigurationRecord));
        }
        // PixelWidth/PixelHeight are 2-byte fields so that the header length depends on the record alone.
        if (width is <= 0 or > ushort.MaxValue)
        {
            throw new ArgumentException($"The width is {width}; 1 to {ushort.MaxValue} pixels are expected.", nameof(width));
        }
        if (height is <= 0 or > ushort.MaxValue)
        {
            throw new ArgumentException($"The height is {height}; 1 to {ushort.MaxValue} pixels are expected.", nameof(height));
        }
        if (segmentUid.Length != SegmentUidLength)
        {
            throw new ArgumentException($"The SegmentUID is {segmentUid.Length} bytes long; {SegmentUidLength} are expected.", nameof(segmentUid));
        }
        var length = HeaderLength(decoderConfigurationRecord.Length);
        RequireLength(destination, length);

        var at = 0;
        EbmlHeader.CopyTo(destination);
        at += EbmlHeader.Length;
        at += WriteId(destination[at..], SegmentId);
        at += WriteSize(destination[at..], UnknownSize, 8);

        at += WriteId(destination[at..], InfoId);
        at += WriteSize(destination[at..], InfoContentLength, 2);
        at += WriteId(destination[at..], SegmentUidId);
        at += WriteSize(destination[at..], SegmentUidLength, 1);
        segmentUid.CopyTo(destination[at..]);
        at += SegmentUidLength;
        at += WriteUnsigned(destination[at..], TimecodeScaleId, TimecodeScaleNanoseconds, 8);
        at += WriteName(destination[at..], TitleId);
        at += WriteName(destination[at..], MuxingAppId);
        at += WriteName(destination[at..], WritingAppId);

        var trackEntryContentLength = TrackEntryFixedContentLength + decoderConfigurationRecord.Length;
        at += WriteId(destination[at..], TracksId);
        at += WriteSize(destination[at..], (ulong)(1 + 4 + trackEntryContentLength), 4);
        at += WriteId(destination[at..], TrackEntryId);
        at += WriteSize(destination[at..], (ulong)trackEntryContentLength, 4);
        at += WriteUnsigned(destination[at..], TrackNumberId, 1, 1);
        // TrackUID 1 as kvssink's video track; 8 bytes as the SDK writes it.
        at += WriteUnsigned(destination[at..], TrackUidId, 1, 8);
        at += WriteUnsigned(destination[at..], TrackTypeId, 1, 1);
        at += WriteId(destination[at..], CodecIdId);
        at += WriteSize(destination[at..], (ulong)CodecId.Length, 1);
        at += WriteAscii(destination[at..], CodecId);
        at += WriteId(destination[at..], VideoId);
        at += WriteSize(destination[at..], VideoContentLength, 1);
        at += WriteUnsigned(destination[at..], PixelWidthId, (ulong)width, 2);
        at += WriteUnsigned(destination[at..], PixelHeightId, (ulong)height, 2);
        at += WriteId(destination[at..], CodecPrivateId);
        at += WriteSize(destination[at..], (ulong)decoderConfigurationRecord.Length, 4);
        decoderConfigurationRecord.CopyTo(destination[at..]);
        at += decoderConfigurationRecord.Length;
        return at;
    }

    /// <summary>
    /// Writes the start of a Cluster (one KVS fragment) of unknown size: Timecode and Position 0 ("0 for live").
    /// The SimpleBlocks follow; the next Cluster, Tags or the end of the stream ends it.
    /// </summary>
    /// <param name="destination">Where to write; at least <see cref="ClusterStartLength"/> bytes.</param>
    /// <param name="timecode">The Cluster's timecode in milliseconds: epoch ms for ABSOLUTE fragment times, ms since the session start for RELATIVE.</param>
    /// <returns><see cref="ClusterStartLength"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small or <paramref name="timecode"/> is negative.</exception>
    public static int WriteClusterStart(Span<byte> destination, long timecode)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timecode);
        RequireLength(destination, ClusterStartLength);
        var at = WriteId(destination, ClusterId);
        at += WriteSize(destination[at..], UnknownSize, 8);
        // 8 bytes whatever the value: the length stays a constant.
        at += WriteUnsigned(destination[at..], TimecodeId, (ulong)timecode, 8);
        at += WriteUnsigned(destination[at..], PositionId, 0, 1);
        return at;
    }

    /// <summary>
    /// Writes a SimpleBlock's header for a frame of track 1; the caller copies the frame (AVCC: 4-byte length-prefixed NAL units) right after it.
    /// </summary>
    /// <param name="destination">Where to write; at least <see cref="SimpleBlockHeaderLength"/> bytes.</param>
    /// <param name="frameLength">Length of the frame that follows.</param>
    /// <param name="relativeTimecode">The frame's timecode less the Cluster's, in milliseconds.</param>
    /// <param name="isKeyFrame">Whether the frame is a key frame (an IDR access unit).</param>
    /// <returns><see cref="SimpleBlockHeaderLength"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small or <paramref name="frameLength"/> is negative.</exception>
    public static int WriteSimpleBlockHeader(Span<byte> destination, int frameLength, short relativeTimecode, bool isKeyFrame)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frameLength);
        RequireLength(destination, SimpleBlockHeaderLength);
        destination[0] = SimpleBlockId;
        // The block's size counts track number (1), timecode (2) and flags (1) besides the frame.
        WriteSize(destination[1..], (ulong)frameLength + 4, 8);
        destination[9] = 0x81; // track number 1 as a 1-byte vint
        BinaryPrimitives.WriteInt16BigEndian(destination[10..], relativeTimecode);
        destination[12] = isKeyFrame ? (byte)0x80 : (byte)0x00;
        return SimpleBlockHeaderLength;
    }

    /// <summary>
    /// The Tags element with one Tag/SimpleTag, TagName <c>AWS_KINESISVIDEO_END_OF_FRAGMENT</c> and an empty TagString,
    /// sent before closing a session so that the service closes and persists the last fragment.
    /// </summary>
    /// <remarks>8-byte sizes and no Targets, as the SDK's <c>mkvgenGenerateTagsChain</c> writes them.</remarks>
    public static ReadOnlySpan<byte> EndOfFragmentTags =>
    [
        0x12, 0x54, 0xC3, 0x67, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 72, // Tags
        0x73, 0x73, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 62, // Tag
        0x67, 0xC8, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 52, // SimpleTag
        0x45, 0xA3, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 32, // TagName
        (byte)'A', (byte)'W', (byte)'S', (byte)'_', (byte)'K', (byte)'I', (byte)'N', (byte)'E', (byte)'S', (byte)'I', (byte)'S',
        (byte)'V', (byte)'I', (byte)'D', (byte)'E', (byte)'O', (byte)'_', (byte)'E', (byte)'N', (byte)'D', (byte)'_',
        (byte)'O', (byte)'F', (byte)'_', (byte)'F', (byte)'R', (byte)'A', (byte)'G', (byte)'M', (byte)'E', (byte)'N', (byte)'T',
        0x44, 0x87, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // TagString, empty
    ];

    private static void RequireLength(Span<byte> destination, int length)
    {
        if (destination.Length < length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; {length} are needed.", nameof(destination));
        }
    }

    // Element ids keep their length marker bits, so the id's own value says how many bytes it takes.
    private static int WriteId(Span<byte> destination, uint id)
    {
        var length = id switch
        {
            <= 0xFF => 1,
            <= 0xFFFF => 2,
            <= 0xFFFFFF => 3,
            _ => 4,
        };
        for (var i = length - 1; i >= 0; i--)
        {
            destination[i] = (byte)id;
            id >>= 8;
        }
        return length;
    }

    // A size vint of a fixed width: the marker bit then the value, big-endian.
    private static int WriteSize(Span<byte> destination, ulong size, int width)
    {
        var value = size | (1UL << (7 * width));
        for (var i = width - 1; i >= 0; i--)
        {
            destination[i] = (byte)value;
            value >>= 8;
        }
        return width;
    }

    private static int WriteUnsigned(Span<byte> destination, uint id, ulong value, int width)
    {
        var at = WriteId(destination, id);
        at += WriteSize(destination[at..], (ulong)width, 1);
        for (var i = width - 1; i >= 0; i--)
        {
            destination[at + i] = (byte)value;
            value >>= 8;
        }
        return at + width;
    }

    private static int WriteName(Span<byte> destination, uint id)
    {
        var at = WriteId(destination, id);
        at += WriteSize(destination[at..], NameLength, 1);
        return at + WriteAscii(destination[at..], ApplicationName);
    }

    private static int WriteAscii(Span<byte> destination, string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            destination[i] = (byte)text[i];
        }
        return text.Length;
    }
}
