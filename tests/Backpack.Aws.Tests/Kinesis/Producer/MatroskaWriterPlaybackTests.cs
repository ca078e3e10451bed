using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Backpack.Aws.Kinesis.Producer;
using Xunit.Abstractions;
using static Backpack.Aws.Tests.Kinesis.Producer.MatroskaElements;

namespace Backpack.Aws.Tests.Kinesis.Producer;

/// <summary>
/// A stream made with MatroskaWriter from real H.264 (x264 through GStreamer) is one that mkvinfo and ffmpeg read:
/// the check that the layout is Matroska, not only what this code believes Matroska is.
/// </summary>
public sealed partial class MatroskaWriterPlaybackTests(ITestOutputHelper output) : IDisposable
{
    private const int FrameCount = 90;
    private const long FirstTimecode = 1_700_000_000_000;
    private const int FrameInterval = 33;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("backpack-mkv-");

    public void Dispose() => _directory.Delete(recursive: true);

    private sealed record Source(byte[] DecoderConfigurationRecord, int Width, int Height, IReadOnlyList<(bool Key, byte[] Frame)> Frames);

    // x264 at 320x240, a key frame every 30 frames, no B-frames (KVS wants timecodes that never go back), AVCC out of
    // h264parse with its codec_data, as kvssink takes it; matroskamux keeps both, and NEbml reads them out of its file.
    private Source Encode()
    {
        var path = Path.Combine(_directory.FullName, "source.mkv");
        var gst = Tool.Run("gst-launch-1.0", "-q",
            "videotestsrc", $"num-buffers={FrameCount}", "!", "video/x-raw,format=I420,width=320,height=240,framerate=30/1", "!",
            "x264enc", "key-int-max=30", "bframes=0", "!", "h264parse", "!", "video/x-h264,stream-format=avc,alignment=au", "!",
            "matroskamux", "!", "filesink", $"location={path}");
        gst.ExitCode.Should().Be(0, gst.Error);
        var elements = MatroskaElements.Read(File.ReadAllBytes(path));
        var frames = elements.Where(e => e.Id == SimpleBlock).Select(Block).Select(b => ((b.Flags & 0x80) != 0, b.Frame)).ToList();
        return new Source(
            elements.Single(e => e.Id == CodecPrivate).Data,
            (int)elements.Single(e => e.Id == PixelWidth).UInt,
            (int)elements.Single(e => e.Id == PixelHeight).UInt,
            frames);
    }

    // Header, a cluster at every key frame with absolute (epoch ms) timecodes, the blocks, the EOFR tag: a PutMedia body.
    private string WriteStream(Source source)
    {
        var stream = new MemoryStream();
        var header = new byte[MatroskaWriter.HeaderLength(source.DecoderConfigurationRecord.Length)];
        MatroskaWriter.WriteHeader(header, source.DecoderConfigurationRecord, source.Width, source.Height, Guid.NewGuid().ToByteArray());
        stream.Write(header);
        Span<byte> buffer = stackalloc byte[MatroskaWriter.ClusterStartLength];
        long clusterTimecode = 0;
        for (var i = 0; i < source.Frames.Count; i++)
        {
            var (key, frame) = source.Frames[i];
            var timecode = FirstTimecode + (i * FrameInterval);
            if (key)
            {
                clusterTimecode = timecode;
                stream.Write(buffer[..MatroskaWriter.WriteClusterStart(buffer, timecode)]);
            }
            stream.Write(buffer[..MatroskaWriter.WriteSimpleBlockHeader(buffer, frame.Length, checked((short)(timecode - clusterTimecode)), key)]);
            stream.Write(frame);
        }
        stream.Write(MatroskaWriter.EndOfFragmentTags);
        var path = Path.Combine(_directory.FullName, "putmedia.mkv");
        File.WriteAllBytes(path, stream.ToArray());
        return path;
    }

    [Fact]
    public void The_source_is_90_frames_of_320x240_H264_with_a_key_frame_every_30()
    {
        var source = Encode();

        source.Frames.Should().HaveCount(FrameCount);
        source.Frames.Select((f, i) => (f.Key, i)).Where(f => f.Key).Select(f => f.i).Should().Equal(0, 30, 60);
        (source.Width, source.Height).Should().Be((320, 240));
        source.DecoderConfigurationRecord[0].Should().Be(1, "an AVCDecoderConfigurationRecord starts with configurationVersion 1");
    }

    [Fact]
    public void Mkvinfo_reads_the_stream_without_errors_and_shows_the_H264_track_its_pixel_size_and_one_cluster_per_key_frame()
    {
        var path = WriteStream(Encode());

        var mkvinfo = Tool.Run("mkvinfo", "-v", path); // -v: past the first cluster

        output.WriteLine(mkvinfo.Output);
        mkvinfo.ExitCode.Should().Be(0, mkvinfo.Output + mkvinfo.Error);
        mkvinfo.Output.Should().NotContainAny("Error", "error");
        mkvinfo.Error.Should().BeEmpty();
        mkvinfo.Output.Should().Contain("Codec ID: V_MPEG4/ISO/AVC")
            .And.Contain("Track type: video")
            .And.Contain("Pixel width: 320")
            .And.Contain("Pixel height: 240")
            .And.Contain("Timestamp scale: 1000000")
            .And.Contain("Name: AWS_KINESISVIDEO_END_OF_FRAGMENT");
        ClusterLine().Matches(mkvinfo.Output).Should().HaveCount(3);
    }

    [Fact]
    public void Ffprobe_decodes_all_90_frames_and_the_packet_times_are_the_timecodes_written()
    {
        var path = WriteStream(Encode());

        var ffprobe = Tool.Run("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=codec_name,width,height,nb_read_frames:packet=pts,flags", "-of", "json", path);

        output.WriteLine(ffprobe.Output);
        ffprobe.ExitCode.Should().Be(0, ffprobe.Error);
        ffprobe.Error.Should().BeEmpty("ffmpeg reports no demuxing or decoding error");
        using var json = JsonDocument.Parse(ffprobe.Output);
        var stream = json.RootElement.GetProperty("streams")[0];
        stream.GetProperty("codec_name").GetString().Should().Be("h264");
        stream.GetProperty("width").GetInt32().Should().Be(320);
        stream.GetProperty("height").GetInt32().Should().Be(240);
        int.Parse(stream.GetProperty("nb_read_frames").GetString()!, CultureInfo.InvariantCulture).Should().Be(FrameCount);
        var packets = json.RootElement.GetProperty("packets").EnumerateArray().ToList();
        // Matroska's time base is the timecode scale: the packets' pts are the timecodes in ms.
        packets.Select(p => p.GetProperty("pts").GetInt64()).Should().Equal(Enumerable.Range(0, FrameCount).Select(i => FirstTimecode + (i * FrameInterval)))
            .And.BeInAscendingOrder();
        packets.Select((p, i) => (p.GetProperty("flags").GetString()!.Contains('K', StringComparison.Ordinal), i)).Where(p => p.Item1).Select(p => p.i)
            .Should().Equal(0, 30, 60);
    }

    [GeneratedRegex(@"^\|\+ Cluster", RegexOptions.Multiline)]
    private static partial Regex ClusterLine();
}
