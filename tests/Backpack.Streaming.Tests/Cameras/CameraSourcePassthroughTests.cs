using System.Buffers.Binary;
using Backpack.Streaming.Cameras;
using Backpack.Streaming.Outputs;
using Backpack.Streaming.SkyLines;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Tests.Cameras;

/// <summary>
/// Passthrough, first step: an RTSP camera's own H.264 access units leave the pipeline as they are, beside the decoded
/// frames, and a stream that could not go through as it is says why.
/// </summary>
public sealed class CameraSourcePassthroughTests
{
    [Fact]
    public async Task The_cameras_own_access_units_come_as_they_are_with_their_configuration_beside_the_decoded_frames()
    {
        using var server = CameraServer.Start(CameraClips.Camera);
        await using var camera = new CameraSource(new CameraSourceOptions { Source = server.Url }, loggerFactory: null, passthrough: true);
        var units = new List<(bool Key, int Length, int FirstNal, H264Configuration Configuration, ulong Time)>();
        using var enough = new ManualResetEventSlim();
        camera.EncodedUnitReceived = unit =>
        {
            lock (units)
            {
                units.Add((unit.IsKeyFrame, unit.Length, (int)BinaryPrimitives.ReadUInt32BigEndian(unit.Data.Span), unit.Configuration, unit.PipelineTime));
                if (units.Count(seen => seen.Key) >= 3)
                {
                    enough.Set();
                }
            }
        };
        camera.Start();

        using var decoded = await camera.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        enough.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue("three key frames of a camera with one each second come within a few seconds");

        decoded!.Frame.Width.Should().Be(640, "the frames are decoded as ever");
        List<(bool Key, int Length, int FirstNal, H264Configuration Configuration, ulong Time)> seen;
        lock (units)
        {
            seen = [.. units];
        }
        seen.Should().AllSatisfy(unit =>
        {
            (unit.Configuration.Width, unit.Configuration.Height).Should().Be((640, 360));
            unit.Configuration.NalLengthSize.Should().Be(4);
            unit.FirstNal.Should().BeInRange(1, unit.Length - 4, "AVC: each NAL unit after its 4-byte length");
        });
        var keys = seen.Select((unit, index) => (unit, index)).Where(pair => pair.unit.Key).Select(pair => pair.index).ToList();
        keys.Zip(keys.Skip(1), (a, b) => b - a).Should().AllBeEquivalentTo(30, "the clip's key frames are 30 units apart: nothing was re-encoded");
        seen.Select(unit => unit.Time).Should().BeInAscendingOrder();
        camera.PassthroughRefusal.Should().BeNull("8-bit 4:2:0 H.264 with a key frame each second can go through as it is");
        camera.LongestKeyFrameInterval.Should().BeCloseTo(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_camera_whose_key_frames_are_further_apart_than_Kinesis_fragments_is_refused_with_a_warning_that_says_why()
    {
        using var server = CameraServer.Start(CameraClips.SparseKeyFrames);
        var logger = new CapturingLogger();
        await using var camera = new CameraSource(new CameraSourceOptions { Source = server.Url, StallTimeout = TimeSpan.FromSeconds(30) }, logger, passthrough: true);
        camera.Start();

        await WaitForRefusal(camera, seconds: 40);

        camera.PassthroughRefusal.Should().Contain("10 s fragment limit of Kinesis Video Streams");
        logger.Entries.Should().ContainSingle(entry => entry.Level == LogLevel.Warning && entry.Message.Contains("cannot go to the outputs as it is"));
        camera.Decoding.Should().BeFalse("nothing read a frame: the units passed by the decoder");
        using var frame = await camera.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        frame.Should().NotBeNull("frames are decoded from the first read on");
        camera.Statistics.State.Should().Be(CameraState.Streaming);
    }

    [Fact]
    public async Task The_cameras_units_recorded_by_a_SkyLine_output_make_a_file_of_the_cameras_own_stream_without_re_encoding()
    {
        using var server = CameraServer.Start(CameraClips.Camera);
        using var directory = TestFrames.TemporaryDirectory();
        var path = directory.File("passthrough.mkv");
        using var recorder = new RecorderOutput(path);
        // The outputs' threads belong to a SkyLine: this one is never started, so it encodes nothing; the camera feeds its output.
        using var skyLine = new SinkSkyLine("fakesink");
        skyLine.Attach(recorder);
        await using var camera = new CameraSource(new CameraSourceOptions { Source = server.Url }, loggerFactory: null, passthrough: true);
        H264Configuration? begun = null;
        var recorded = 0;
        using var enough = new ManualResetEventSlim();
        var format = new StreamFormat(30, 640, 360);
        recorder.Prepare(format, TimeSpan.FromSeconds(10)).Should().BeNull();
        // What a SkyLine's fan-out does with each unit, fed from the camera instead of an encoder: begin at a key frame, then offer every unit.
        camera.EncodedUnitReceived = unit =>
        {
            if ((begun is null && !unit.IsKeyFrame) || enough.IsSet)
            {
                return;
            }
            if (begun is null)
            {
                begun = unit.Configuration;
                recorder.Begin(unit.Configuration, format);
            }
            recorder.Offer(unit, camera.ReleaseUnit);
            if (++recorded == 90)
            {
                enough.Set();
            }
        };
        camera.Start();

        enough.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue("90 units of a 30 fps camera come within a few seconds");
        var done = new Signal(autoReset: false);
        recorder.End(drained: true, done);
        done.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue();

        var probe = MediaProbe.Of(path);
        (probe.Codec, probe.Width, probe.Height).Should().Be(("h264", 640, 360));
        probe.Packets.Should().Be(90);
        probe.KeyFrames.Select((key, index) => (key, index)).Where(pair => pair.key).Select(pair => pair.index).Should().Equal([0, 30, 60],
            "the camera's own key frames, a second apart: nothing decoded nor encoded again");
    }

    [Fact]
    public async Task A_camera_in_4_4_4_chroma_is_refused_with_a_warning_that_says_why()
    {
        using var server = CameraServer.Start(CameraClips.Chroma444);
        var logger = new CapturingLogger();
        await using var camera = new CameraSource(new CameraSourceOptions { Source = server.Url }, logger, passthrough: true);
        camera.Start();

        using var frame = await camera.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        // The units have a branch (and a thread) of their own: the first may come after the first decoded frame.
        await WaitForRefusal(camera, seconds: 20);

        camera.PassthroughRefusal.Should().Be("its chroma is 4:4:4, not 4:2:0");
        logger.Entries.Should().Contain(entry => entry.Level == LogLevel.Warning && entry.Message.Contains("its chroma is 4:4:4"));
        frame.Should().NotBeNull("the frames are decoded all the same");
    }

    [Theory]
    [InlineData("video/x-h264, stream-format=(string)avc, alignment=(string)au, chroma-format=(string)4:2:0, bit-depth-luma=(uint)8, bit-depth-chroma=(uint)8", 2.0, null)]
    [InlineData("video/x-h264, stream-format=(string)avc, alignment=(string)au, chroma-format=(string)4:2:2, bit-depth-luma=(uint)8", 2.0, "its chroma is 4:2:2, not 4:2:0")]
    [InlineData("video/x-h264, stream-format=(string)avc, chroma-format=(string)4:2:0, bit-depth-luma=(uint)10, bit-depth-chroma=(uint)10", 2.0, "it is 10-bit, not 8-bit")]
    [InlineData("video/x-h265, stream-format=(string)hvc1, alignment=(string)au", 2.0, "the camera sends video/x-h265, not H.264")]
    [InlineData("video/x-h264, stream-format=(string)avc, chroma-format=(string)4:2:0, bit-depth-luma=(uint)8", 12.0, "its key frames are 12 s apart, beyond the 10 s fragment limit of Kinesis Video Streams")]
    public void A_stream_goes_through_as_it_is_only_as_8_bit_4_2_0_H264_with_key_frames_at_most_10_s_apart(string caps, double keyFrameSeconds, string? refusal) =>
        PassthroughEligibility.Refusal(caps, TimeSpan.FromSeconds(keyFrameSeconds)).Should().Be(refusal);

    [Fact]
    public void Passthrough_is_refused_for_sources_other_than_RTSP_cameras()
    {
        var open = () => new CameraSource(new CameraSourceOptions { Source = "test:ball" }, null, passthrough: true);

        open.Should().Throw<ArgumentException>().WithMessage("*RTSP cameras*");
    }

    private static async Task WaitForRefusal(CameraSource camera, double seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (camera.PassthroughRefusal is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }
}
