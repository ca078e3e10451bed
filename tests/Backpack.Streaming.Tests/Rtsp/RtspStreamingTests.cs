using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.Tests.Rtsp;

/// <summary>Real RTSP clients decode what an RtspSkyLine streams, over TCP and UDP.</summary>
public sealed class RtspStreamingTests
{
    [Fact]
    public void Ffprobe_over_tcp_decodes_at_least_60_frames_of_the_stream_size()
    {
        using var live = new LiveStream();
        live.Add("/camera", 320, 240);
        live.Started();

        var decoded = RtspClients.Ffprobe(live.Url("/camera"), "tcp");

        decoded.Process.ExitCode.Should().Be(0, decoded.Process.ToString());
        (decoded.Width, decoded.Height).Should().Be((320, 240));
        decoded.Frames.Should().BeGreaterThanOrEqualTo(60, decoded.Process.ToString());
    }

    [Fact]
    public void Ffmpeg_over_udp_decodes_60_pictures_of_the_stream_size()
    {
        using var live = new LiveStream();
        live.Add("/camera", 320, 240);
        live.Started();

        var decoded = RtspClients.Ffmpeg(live.Url("/camera"), "udp", 60);

        decoded.Process.ExitCode.Should().Be(0, decoded.Process.ToString());
        decoded.Frames.Should().Be(60);
        decoded.Width.Should().Be(320 * 240 * 3 / 2, "each decoded picture is 320x240 in 4:2:0");
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public void Gstreamer_rtspsrc_decodes_60_frames_of_the_stream_size(string protocols)
    {
        using var live = new LiveStream();
        live.Add("/camera", 320, 240);
        live.Started();

        var decoded = RtspClients.GstRtspsrc(live.Url("/camera"), protocols, 320, 240);

        decoded.Frames.Should().Be(60, decoded.Process + "\nserver log:\n" + live.LogText);
        (decoded.Width, decoded.Height).Should().Be((320, 240));
    }

    [Fact]
    public void Several_clients_at_once_over_tcp_and_udp_share_one_media_without_an_encoder_and_each_frame_is_encoded_once()
    {
        using var live = new LiveStream();
        var skyLine = live.Add("/camera", 320, 240);
        live.Started();
        var url = live.Url("/camera");
        string[] transports = ["tcp", "udp", "tcp", "udp", "tcp", "udp"];
        var clients = transports.Select(transport => RtspClients.StartFfprobe(url, transport, 5)).ToList();
        try
        {
            SpinWait.SpinUntil(() => skyLine.ClientCount == transports.Length, TimeSpan.FromSeconds(20))
                .Should().BeTrue($"every client asks for the stream; {skyLine.ClientCount} did");

            // Over a window in which six clients watch, the encoder takes each frame once: what it encodes is what
            // entered it (put, less dropped and skipped, plus repeats), not six times that.
            var before = skyLine.Statistics;
            SpinWait.SpinUntil(() => skyLine.Statistics.FramesPut >= before.FramesPut + 60, TimeSpan.FromSeconds(10)).Should().BeTrue();
            var after = skyLine.Statistics;
            var entered = (after.FramesPut - before.FramesPut) - (after.FramesDropped - before.FramesDropped)
                - (after.FramesSkipped - before.FramesSkipped) + (after.FramesRepeated - before.FramesRepeated);
            (after.FramesEncoded - before.FramesEncoded).Should().BeInRange(entered - 10, entered + 10, $"{entered} frames entered the encoder in the window");

            skyLine.Mount.MediaCount.Should().Be(1, "the media is shared between clients");
            skyLine.Mount.MediaElements(Gst.ElementFactoryType.Payloader).Should().Equal(["rtph264pay"], "the media payloads what the SkyLine encoded");
            skyLine.Mount.MediaElements(Gst.ElementFactoryType.Encoder).Should().BeEmpty("the media does not encode again for its clients");

            var gst = RtspClients.GstRtspsrc(url, "udp", 320, 240, buffers: 60);
            gst.Frames.Should().Be(60, gst.Process.ToString());
            foreach (var client in clients)
            {
                var decoded = RtspClients.ParseFfprobe(client.WaitForExit(TimeSpan.FromSeconds(40)));
                decoded.Frames.Should().BeGreaterThanOrEqualTo(60, decoded.Process.ToString());
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public void A_client_joining_a_running_stream_gets_a_key_frame_at_once()
    {
        using var live = new LiveStream();
        // Key frames every 20 s: without one forced on joining, a late client would see nothing decodable for seconds.
        var skyLine = live.Add("/camera", 320, 240, keyFrameInterval: TimeSpan.FromSeconds(20));
        live.Started();
        var url = live.Url("/camera");
        using var first = RtspClients.StartFfprobe(url, "tcp", 8);
        SpinWait.SpinUntil(() => skyLine.Statistics.FramesEncoded >= 45, TimeSpan.FromSeconds(20)).Should().BeTrue("the first client starts the encoder");

        var keyFramesBefore = skyLine.Mount.KeyFramesPushed;

        var (late, process) = RtspClients.FfprobeKeyFrames(url, "udp", 3);

        skyLine.Mount.KeyFramesPushed.Should().BeGreaterThan(keyFramesBefore);

        late.Count.Should().BeGreaterThanOrEqualTo(60, process.ToString());
        late.Take(10).Should().Contain(true, "a key frame is forced when the client starts playing; the next regular one is 20 s away");
        RtspClients.ParseFfprobe(first.WaitForExit(TimeSpan.FromSeconds(40))).Frames.Should().BeGreaterThanOrEqualTo(150);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public void The_first_client_decodes_its_first_frames_whole(string transport)
    {
        using var live = new LiveStream();
        // Large frames: a backlog of frames sent at once would overflow what the server queues for a client.
        live.Add("/camera", 1280, 720);
        live.Started();

        var result = RtspClients.FfmpegDecodeProblems(live.Url("/camera"), transport, 45);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Error.Should().NotContainAny(["corrupt", "error while decoding", "concealing", "Missing reference", "non-existing PPS"]);
    }

    [Fact]
    public void Two_streams_on_one_server_are_served_each_at_its_path_and_size()
    {
        using var live = new LiveStream();
        live.Add("/front", 320, 240);
        live.Add("/back", 160, 128, fps: 15);
        live.Started();

        var front = RtspClients.Ffprobe(live.Url("/front"), "tcp");
        var back = RtspClients.Ffprobe(live.Url("/back"), "tcp", seconds: 5);

        (front.Width, front.Height).Should().Be((320, 240));
        front.Frames.Should().BeGreaterThanOrEqualTo(60, front.Process.ToString());
        (back.Width, back.Height).Should().Be((160, 128));
        back.Frames.Should().BeGreaterThanOrEqualTo(60, back.Process.ToString());
    }

    [Fact]
    public void Nothing_is_encoded_while_nobody_watches_and_encoding_stops_when_the_last_client_leaves()
    {
        using var live = new LiveStream();
        var skyLine = live.Add("/camera", 320, 240);
        live.Started();
        SpinWait.SpinUntil(() => skyLine.Statistics.FramesPut >= 30, TimeSpan.FromSeconds(10)).Should().BeTrue();

        skyLine.Statistics.FramesEncoded.Should().Be(0);
        skyLine.IsWatched.Should().BeFalse();

        RtspClients.Ffprobe(live.Url("/camera"), "tcp", 2).Frames.Should().BeGreaterThan(30);
        SpinWait.SpinUntil(() => !skyLine.IsWatched, TimeSpan.FromSeconds(10)).Should().BeTrue("the media is released when its last client leaves");
        var encodedAfter = skyLine.Statistics.FramesEncoded;
        var putAfter = skyLine.Statistics.FramesPut;
        SpinWait.SpinUntil(() => skyLine.Statistics.FramesPut >= putAfter + 30, TimeSpan.FromSeconds(10)).Should().BeTrue("frames are still taken");

        skyLine.Statistics.FramesEncoded.Should().BeLessThanOrEqualTo(encodedAfter + 2, "at most the frames already inside the encoder come out");
    }
}
