using Backpack.Aws.Kinesis.Producer;
using static Backpack.Aws.Tests.Kinesis.Producer.MatroskaElements;

namespace Backpack.Aws.Tests.Kinesis.Producer;

public sealed class MatroskaWriterTests
{
    // An AVCDecoderConfigurationRecord shape (version 1, High@4.0, 4-byte lengths, one SPS, one PPS); the bytes only have to come back.
    private static readonly byte[] Record = [0x01, 0x64, 0x00, 0x28, 0xFF, 0xE1, 0x00, 0x04, 0x67, 0x64, 0x00, 0x28, 0x01, 0x00, 0x02, 0x68, 0xEE];
    private static readonly byte[] Uid = [.. Enumerable.Range(0xA0, 16).Select(b => (byte)b)];
    private static readonly byte[] UnknownSize = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

    private static byte[] Header(byte[]? record = null, int width = 1920, int height = 1080)
    {
        record ??= Record;
        var header = new byte[MatroskaWriter.HeaderLength(record.Length)];
        MatroskaWriter.WriteHeader(header, record, width, height, Uid).Should().Be(header.Length);
        return header;
    }

    private static void Append(List<byte> stream, int length, Func<byte[], int> write)
    {
        var buffer = new byte[length];
        write(buffer).Should().Be(length);
        stream.AddRange(buffer);
    }

    private static byte[] Frame(int length, byte fill) => [.. Enumerable.Repeat(fill, length)];

    [Fact]
    public void The_header_is_an_EBML_matroska_header_then_a_segment_of_unknown_size_with_info_and_one_H264_track()
    {
        var header = Header();
        var elements = MatroskaElements.Read(header);

        elements.Select(e => e.Id).Should().Equal(
            Ebml, EbmlVersion, EbmlReadVersion, EbmlMaxIdLength, EbmlMaxSizeLength, DocType, DocTypeVersion, DocTypeReadVersion,
            Segment, Info, SegmentUid, TimecodeScale, Title, MuxingApp, WritingApp,
            Tracks, TrackEntry, TrackNumber, TrackUid, TrackType, CodecId, Video, PixelWidth, PixelHeight, CodecPrivate);
        UInt(elements, EbmlVersion).Should().Be(1);
        UInt(elements, EbmlReadVersion).Should().Be(1);
        UInt(elements, EbmlMaxIdLength).Should().Be(4);
        UInt(elements, EbmlMaxSizeLength).Should().Be(8);
        Single(elements, DocType).Text.Should().Be("matroska");
        UInt(elements, DocTypeVersion).Should().Be(2);
        UInt(elements, DocTypeReadVersion).Should().Be(2);

        var segment = Single(elements, Segment);
        header.AsSpan((int)segment.Position, 12).ToArray().Should().Equal([0x18, 0x53, 0x80, 0x67, .. UnknownSize]);
        Single(elements, SegmentUid).Data.Should().Equal(Uid);
        UInt(elements, TimecodeScale).Should().Be(1_000_000, "a timecode unit is one millisecond");
        Single(elements, Title).Text.Should().Be("Backpack for .NET");
        Single(elements, MuxingApp).Text.Should().Be("Backpack for .NET");
        Single(elements, WritingApp).Text.Should().Be("Backpack for .NET");

        UInt(elements, TrackNumber).Should().Be(1);
        UInt(elements, TrackUid).Should().Be(1);
        UInt(elements, TrackType).Should().Be(1, "1 is video");
        Single(elements, CodecId).Text.Should().Be("V_MPEG4/ISO/AVC");
        Single(elements, CodecPrivate).Data.Should().Equal(Record);
        UInt(elements, PixelWidth).Should().Be(1920);
        UInt(elements, PixelHeight).Should().Be(1080);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(300)]
    [InlineData(70_000)]
    public void HeaderLength_is_what_WriteHeader_writes_for_a_record_of_that_length(int recordLength)
    {
        var record = Frame(recordLength, 0x5A);
        var header = new byte[MatroskaWriter.HeaderLength(recordLength) + 10];

        var written = MatroskaWriter.WriteHeader(header, record, 640, 480, Uid);

        written.Should().Be(MatroskaWriter.HeaderLength(recordLength));
        Single(MatroskaElements.Read(header[..written]), CodecPrivate).Data.Should().Equal(record);
    }

    [Fact]
    public void Clusters_of_unknown_size_carry_their_timecode_and_position_zero_and_blocks_their_relative_timecodes_flags_and_frames()
    {
        var stream = new List<byte>(Header());
        var clusters = new[] { 1_700_000_000_000L, 1_700_000_001_000L };
        var blocks = new (short Timecode, bool Key, byte[] Frame)[][]
        {
            [(0, true, Frame(300, 0x11)), (33, false, Frame(40, 0x22)), (short.MaxValue, false, Frame(1, 0x33))],
            [(0, true, Frame(5000, 0x44)), (-5, false, Frame(0, 0)), (967, false, Frame(12, 0x55))],
        };
        for (var c = 0; c < clusters.Length; c++)
        {
            Append(stream, MatroskaWriter.ClusterStartLength, buffer => MatroskaWriter.WriteClusterStart(buffer, clusters[c]));
            foreach (var (timecode, key, frame) in blocks[c])
            {
                Append(stream, MatroskaWriter.SimpleBlockHeaderLength, buffer => MatroskaWriter.WriteSimpleBlockHeader(buffer, frame.Length, timecode, key));
                stream.AddRange(frame);
            }
        }
        stream.AddRange(MatroskaWriter.EndOfFragmentTags.ToArray());
        var bytes = stream.ToArray();

        var elements = MatroskaElements.Read(bytes);

        var body = elements.SkipWhile(e => e.Id != Cluster).Select(e => e.Id);
        body.Should().Equal(
            Cluster, Timecode, Position, SimpleBlock, SimpleBlock, SimpleBlock,
            Cluster, Timecode, Position, SimpleBlock, SimpleBlock, SimpleBlock,
            Tags, Tag, SimpleTag, TagName, TagString);
        foreach (var cluster in elements.Where(e => e.Id == Cluster))
        {
            bytes.AsSpan((int)cluster.Position, 12).ToArray().Should().Equal([0x1F, 0x43, 0xB6, 0x75, .. UnknownSize]);
        }
        elements.Where(e => e.Id == Timecode).Select(e => (long)e.UInt).Should().Equal(clusters);
        elements.Where(e => e.Id == Timecode).Should().OnlyContain(e => e.Data.Length == 8);
        elements.Where(e => e.Id == Position).Should().OnlyContain(e => e.UInt == 0);
        var read = elements.Where(e => e.Id == SimpleBlock).Select(Block).ToList();
        var written = blocks.SelectMany(b => b).ToList();
        read.Select(b => b.Track).Should().OnlyContain(track => track == 1);
        read.Select(b => b.Timecode).Should().Equal(written.Select(b => b.Timecode));
        read.Select(b => b.Flags).Should().Equal(written.Select(b => b.Key ? (byte)0x80 : (byte)0x00));
        for (var i = 0; i < read.Count; i++)
        {
            read[i].Frame.Should().Equal(written[i].Frame);
        }
    }

    [Fact]
    public void A_simple_block_header_is_A3_an_8_byte_size_of_frame_plus_4_track_1_a_big_endian_timecode_and_the_key_flag()
    {
        var header = new byte[MatroskaWriter.SimpleBlockHeaderLength];

        MatroskaWriter.WriteSimpleBlockHeader(header, 0x123456, -2, isKeyFrame: true);

        header.Should().Equal(0xA3, 0x01, 0x00, 0x00, 0x00, 0x00, 0x12, 0x34, 0x5A, 0x81, 0xFF, 0xFE, 0x80);
    }

    [Fact]
    public void The_end_of_fragment_tags_hold_one_simple_tag_named_AWS_KINESISVIDEO_END_OF_FRAGMENT_with_an_empty_string()
    {
        var elements = MatroskaElements.Read(MatroskaWriter.EndOfFragmentTags.ToArray());

        elements.Select(e => e.Id).Should().Equal(Tags, Tag, SimpleTag, TagName, TagString);
        Single(elements, TagName).Text.Should().Be("AWS_KINESISVIDEO_END_OF_FRAGMENT");
        Single(elements, TagString).Data.Should().BeEmpty();
        MatroskaWriter.EndOfFragmentTags.Length.Should().Be(84);
    }

    [Fact]
    public void Cluster_starts_and_block_headers_allocate_nothing()
    {
        Span<byte> buffer = stackalloc byte[64];
        MatroskaWriter.WriteClusterStart(buffer, 1);
        MatroskaWriter.WriteSimpleBlockHeader(buffer, 1, 1, true);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            MatroskaWriter.WriteClusterStart(buffer, 1_700_000_000_000 + i);
            MatroskaWriter.WriteSimpleBlockHeader(buffer[MatroskaWriter.ClusterStartLength..], i, (short)i, (i & 1) == 0);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }

    [Theory]
    [InlineData(0, 480, "width")]
    [InlineData(-1, 480, "width")]
    [InlineData(65_536, 480, "width")]
    [InlineData(640, 0, "height")]
    [InlineData(640, -480, "height")]
    public void WriteHeader_refuses_a_picture_size_that_is_not_positive_or_does_not_fit_naming_the_argument(int width, int height, string argument)
    {
        var act = () => MatroskaWriter.WriteHeader(new byte[1024], Record, width, height, Uid);

        act.Should().Throw<ArgumentException>().WithMessage($"*{(argument == "width" ? width : height)}*").And.ParamName.Should().Be(argument);
    }

    [Fact]
    public void WriteHeader_refuses_an_empty_decoder_configuration_record()
    {
        var act = () => MatroskaWriter.WriteHeader(new byte[1024], [], 640, 480, Uid);

        act.Should().Throw<ArgumentException>().WithMessage("*empty*").And.ParamName.Should().Be("decoderConfigurationRecord");
    }

    [Fact]
    public void WriteHeader_refuses_a_destination_shorter_than_the_header_saying_how_much_is_needed()
    {
        var needed = MatroskaWriter.HeaderLength(Record.Length);

        var act = () => MatroskaWriter.WriteHeader(new byte[needed - 1], Record, 640, 480, Uid);

        act.Should().Throw<ArgumentException>().WithMessage($"*{needed - 1}*{needed}*").And.ParamName.Should().Be("destination");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(17)]
    public void WriteHeader_refuses_a_segment_uid_that_is_not_16_bytes(int length)
    {
        var act = () => MatroskaWriter.WriteHeader(new byte[1024], Record, 640, 480, new byte[length]);

        act.Should().Throw<ArgumentException>().WithMessage($"*{length} bytes*16*").And.ParamName.Should().Be("segmentUid");
    }

    [Fact]
    public void Cluster_starts_and_block_headers_refuse_a_short_destination()
    {
        var cluster = () => MatroskaWriter.WriteClusterStart(new byte[MatroskaWriter.ClusterStartLength - 1], 0);
        var block = () => MatroskaWriter.WriteSimpleBlockHeader(new byte[MatroskaWriter.SimpleBlockHeaderLength - 1], 10, 0, false);

        cluster.Should().Throw<ArgumentException>().And.ParamName.Should().Be("destination");
        block.Should().Throw<ArgumentException>().And.ParamName.Should().Be("destination");
    }

    [Fact]
    public void A_negative_cluster_timecode_or_frame_length_is_refused()
    {
        var cluster = () => MatroskaWriter.WriteClusterStart(new byte[64], -1);
        var block = () => MatroskaWriter.WriteSimpleBlockHeader(new byte[64], -1, 0, false);

        cluster.Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("timecode");
        block.Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("frameLength");
    }

    private static MatroskaElement Single(IReadOnlyList<MatroskaElement> elements, uint id) => elements.Should().ContainSingle(e => e.Id == id).Subject;

    private static ulong UInt(IReadOnlyList<MatroskaElement> elements, uint id) => Single(elements, id).UInt;
}
