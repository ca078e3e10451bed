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
    public void Several_clients_at_once_are_served_by_one_media_and_one_encoder()
    {
        using var live = new LiveStream();
        var skyLine = live.Add("/camera", 320, 240);
        live.Started();
        var url = live.Url("/camera");

        using var tcp = RtspClients.StartFfprobe(url, "tcp", 4);
        using var udp = RtspClients.StartFfprobe(url, "udp", 4);
        var gst = RtspClients.GstRtspsrc(url, "tcp", 320, 240, buffers: 60);
        var mediaWhileWatched = skyLine.Mount.MediaCount;
        var clientsWhileWatched = skyLine.ClientCount;
        var first = RtspClients.ParseFfprobe(tcp.WaitForExit(TimeSpan.FromSeconds(40)));
        var second = RtspClients.ParseFfprobe(udp.WaitForExit(TimeSpan.FromSeconds(40)));

        gst.Frames.Should().Be(60, gst.Process.ToString());
        first.Frames.Should().BeGreaterThanOrEqualTo(60, first.Process.ToString());
        second.Frames.Should().BeGreaterThanOrEqualTo(60, second.Process.ToString());
        mediaWhileWatched.Should().Be(1, "the media is shared between clients");
        clientsWhileWatched.Should().BeGreaterThanOrEqualTo(2);
        var statistics = skyLine.Statistics;
        statistics.FramesEncoded.Should().BeLessThanOrEqualTo(statistics.FramesPut + statistics.FramesRepeated, "each frame is encoded once, not once per client");
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
