using System.Globalization;
using Backpack.Streaming.Cameras;
using Backpack.Streaming.Outputs;
using Backpack.Streaming.SkyLines;
using Backpack.Streaming.Tests.Cameras;
using Backpack.Streaming.Tests.Rtsp;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Tests.SkyLines;

/// <summary>
/// Passthrough: a camera's own H.264 reaches a SkyLine's outputs through the same fan-out as encoded frames, with no
/// encoder; a stream that cannot go through is re-encoded.
/// </summary>
public sealed class SkyLinePassthroughTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_recording_fed_by_passthrough_holds_the_cameras_own_stream_with_its_key_frames_and_nothing_is_encoded()
    {
        using var server = CameraServer.Start(CameraClips.Camera);
        using var directory = TestFrames.TemporaryDirectory();
        var path = directory.File("passthrough.mkv");
        var logger = new CapturingLogger();
        await using var camera = new CameraSource(new CameraSourceOptions { Source = server.Url, Passthrough = true }, logger);
        var skyLine = new RecorderSkyLine(path, options: new SkyLineOptions { Name = "recording" }, loggerFactory: logger);
        var units = new UnitLog();
        skyLine.Attach(units);

        skyLine.StartPassthrough(camera);
        skyLine.State.Should().Be(SkyLineState.Streaming);
        skyLine.Put(TestFrames.Numbered(640, 360, 0)).Should().BeFalse("nothing can be drawn on a passthrough stream");
        camera.Start();
        units.WaitFor(frames: 100, Patience).Should().BeTrue("a 30 fps camera sends 100 units within a few seconds");
        skyLine.IsEncoding.Should().BeFalse("no encoding pipeline runs while the camera's units pass through");
        camera.Decoding.Should().BeFalse("nothing read frames, so nothing was decoded");
        await skyLine.StopStreamingAsync();
        var statistics = skyLine.Statistics;
        skyLine.Dispose();

        var probe = MediaProbe.Of(path);
        (probe.Codec, probe.Width, probe.Height).Should().Be(("h264", 640, 360));
        var keys = probe.KeyFrames.Select((key, index) => (key, index)).Where(pair => pair.key).Select(pair => pair.index).ToList();
        keys.Should().HaveCountGreaterThanOrEqualTo(3, $"{probe.Packets} packets, times {string.Join(' ', probe.PacketTimes.Take(40))}, {units.Written} written: {string.Join(' ', units.Seen.Take(50))}");
        keys[0].Should().Be(0, "the recording starts at the camera's first key frame");
        keys.Zip(keys.Skip(1), (a, b) => b - a).Should().AllBeEquivalentTo(30, "the camera's key frames, every 30 frames: nothing was encoded again");
        StreamProfile(path).Should().Be(StreamProfile(CameraClips.Camera), "the camera's own SPS: profile and level as the clip has them");
        statistics.FramesEncoded.Should().BeGreaterThanOrEqualTo(probe.Packets, "units handed on count as frames out");
        statistics.FramesPut.Should().BeGreaterThanOrEqualTo(statistics.FramesEncoded, "units in count as frames in");
        units.Configurations.Should().ContainSingle().Which.Should().Match<H264Configuration>(configuration => configuration.Width == 640 && configuration.Height == 360);
        logger.Entries.Should().NotContain(entry => entry.Message.Contains("through x264enc", StringComparison.Ordinal),
            "no encoding session was started");
    }

    [Fact]
    public async Task An_RTSP_viewer_of_a_passthrough_stream_gets_the_cameras_own_H264_at_its_size_from_its_next_key_frame()
    {
        using var cameraServer = CameraServer.Start(CameraClips.Camera);
        using var live = new LiveStream().Started();
        await using var camera = new CameraSource(new CameraSourceOptions { Source = cameraServer.Url, Passthrough = true });
        using var skyLine = live.Server.AddStream("/door", new SkyLineOptions { Name = "door" });
        skyLine.StartPassthrough(camera);
        camera.Start();

        var (keyFrames, process) = RtspClients.FfprobeKeyFrames(live.Url("/door"), "tcp", seconds: 3.5);
        var size = RtspClients.Ffprobe(live.Url("/door"), "tcp", seconds: 1.5);

        process.ExitCode.Should().Be(0, process.ToString());
        keyFrames.Should().NotBeEmpty(process.ToString());
        keyFrames[0].Should().BeTrue("the viewer's picture starts at the camera's next key frame");
        var keys = keyFrames.Select((key, index) => (key, index)).Where(pair => pair.key).Select(pair => pair.index).ToList();
        // The mount prepares its media with one key frame, then plays from the next one: the picture starts key, key.
        keys.Should().HaveCountGreaterThanOrEqualTo(3, process.ToString());
        keys.Skip(1).Zip(keys.Skip(2), (a, b) => b - a).Should().AllBeEquivalentTo(30, "the camera's key frames, a second apart: no key frame can be forced");
        (size.Width, size.Height).Should().Be((640, 360), size.Process.ToString());
        StreamProfile(live.Url("/door").ToString()).Should().Be(StreamProfile(CameraClips.Camera), "the camera's own SPS reaches the viewer");
        skyLine.IsEncoding.Should().BeFalse();
        skyLine.ClientCount.Should().BeGreaterThanOrEqualTo(0);
    }

    [Fact]
    public async Task A_camera_in_4_4_4_is_re_encoded_without_a_stop_and_the_outputs_begin_a_new_4_2_0_stream()
    {
        using var server = CameraServer.Start(CameraClips.Chroma444);
        var logger = new CapturingLogger();
        await using var camera = new CameraSource(new CameraSourceOptions { Source = server.Url, Passthrough = true }, logger);
        using var skyLine = new SkyLine(new SkyLineOptions { Name = "dock" }, logger);
        var units = new UnitLog();
        skyLine.Attach(units);
        skyLine.StartPassthrough(camera);
        camera.Start();

        units.WaitFor(frames: 30, Patience).Should().BeTrue("the re-encoded frames reach the output");
        skyLine.State.Should().Be(SkyLineState.Streaming);
        skyLine.IsEncoding.Should().BeTrue("the camera's frames are decoded and encoded again");
        camera.Decoding.Should().BeTrue();
        units.Configurations.Should().NotBeEmpty().And.AllSatisfy(configuration =>
            configuration.Profile.Should().NotBe(244, "x264enc encodes 4:2:0 frames, not the camera's High 4:4:4"));
        (skyLine.Format!.Value.Width, skyLine.Format!.Value.Height).Should().Be((320, 180), "the camera's own size when the options leave it to the SkyLine");
        logger.Entries.Where(entry => entry.Level == LogLevel.Warning && entry.Message.Contains("as it is", StringComparison.Ordinal)).Should().ContainSingle(
            string.Join('\n', logger.Entries.Select(entry => $"{entry.Level} {entry.Message}")))
            .Which.Message.Should().Contain("its chroma is 4:4:4, not 4:2:0");
        logger.Entries.Should().Contain(entry => entry.Message.Contains("re-encoding it", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_output_attached_late_starts_at_the_cameras_next_key_frame_and_a_reconnected_camera_begins_a_new_stream()
    {
        using var server = CameraServer.Start(CameraClips.Camera);
        await using var camera = new CameraSource(new CameraSourceOptions { Source = server.Url, Passthrough = true, ReconnectDelay = TimeSpan.FromMilliseconds(200) });
        using var skyLine = new SkyLine(new SkyLineOptions { Name = "yard" });
        var early = new UnitLog();
        skyLine.Attach(early);
        skyLine.StartPassthrough(camera);
        camera.Start();
        early.WaitFor(frames: 45, Patience).Should().BeTrue();

        var late = new UnitLog();
        skyLine.Attach(late);
        late.WaitFor(frames: 40, Patience).Should().BeTrue();
        server.Restart();
        await WaitUntil(() => late.Configurations.Count >= 2, "the reconnected camera's stream to begin");
        late.WaitFor(frames: late.Written + 30, Patience).Should().BeTrue();

        late.Keys[0].Should().BeTrue("an output that joins starts with the camera's next key frame");
        late.KeyFrameDistances().Should().OnlyContain(distance => distance == 30, "the camera's own key frames, whoever joined: none can be forced");
        early.Configurations.Should().HaveCount(2, "a new connection reaches the outputs as a new configuration, which begins a new stream");
        late.Statistics.FramesDropped.Should().Be(0, "nothing before the key frame was offered to it");
        skyLine.IsEncoding.Should().BeFalse();
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"waiting for {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>ffprobe's profile and level of the first video stream of a file or URL, such as <c>Constrained Baseline 30</c>.</summary>
    private static string StreamProfile(string source)
    {
        var arguments = new List<string> { "-v", "error" };
        if (source.StartsWith("rtsp:", StringComparison.Ordinal))
        {
            arguments.AddRange(["-rtsp_transport", "tcp"]);
        }
        arguments.AddRange(["-select_streams", "v:0", "-show_entries", "stream=profile,level", "-of", "csv=p=0", source]);
        var result = ChildProcess.Run("ffprobe", [.. arguments], TimeSpan.FromSeconds(30));
        result.ExitCode.Should().Be(0, result.ToString());
        return result.Output.Trim();
    }

    /// <summary>An output that notes what reaches it.</summary>
    private sealed class UnitLog() : SkyLineOutput("log", maxQueuedFrames: 1000)
    {
        private readonly List<H264Configuration> _configurations = [];
        private int _frames;
        private readonly ManualResetEventSlim _enough = new();
        private int _wanted = int.MaxValue;

        internal IReadOnlyList<H264Configuration> Configurations
        {
            get
            {
                lock (_configurations)
                {
                    return [.. _configurations];
                }
            }
        }

        internal int Written => Volatile.Read(ref _frames);

        internal bool WaitFor(int frames, TimeSpan timeout)
        {
            Volatile.Write(ref _wanted, frames);
            if (Volatile.Read(ref _frames) >= frames)
            {
                return true;
            }
            return _enough.Wait(timeout);
        }

        protected override void OnStreamStarted(H264Configuration configuration, StreamFormat format)
        {
            lock (_configurations)
            {
                _configurations.Add(configuration);
            }
            lock (_keys)
            {
                _streamStarts.Add(_keys.Count);
            }
        }

        internal readonly System.Collections.Concurrent.ConcurrentQueue<string> Seen = new();

        private readonly List<bool> _keys = [];

        internal IReadOnlyList<bool> Keys
        {
            get
            {
                lock (_keys)
                {
                    return [.. _keys];
                }
            }
        }

        /// <summary>Frames between key frames, within each stream (a new stream restarts the count).</summary>
        internal List<int> KeyFrameDistances()
        {
            List<int> starts;
            lock (_keys)
            {
                starts = [.. _streamStarts];
            }
            var indexes = Keys.Select((key, index) => (key, index)).Where(pair => pair.key).Select(pair => pair.index).ToList();
            // Not across the start of a stream: a reconnect cuts a GOP short.
            return [.. indexes.Zip(indexes.Skip(1)).Where(pair => !starts.Exists(start => start > pair.First && start <= pair.Second)).Select(pair => pair.Second - pair.First)];
        }

        private readonly HashSet<int> _streamStarts = [];

        protected override void OnFrame(EncodedFrame frame)
        {
            lock (_keys)
            {
                _keys.Add(frame.IsKeyFrame);
            }
            Seen.Enqueue($"{frame.PipelineTime / 1e6:0}{(frame.IsKeyFrame ? "K" : "")}/{frame.Duration.TotalMilliseconds:0}");
            if (Interlocked.Increment(ref _frames) >= Volatile.Read(ref _wanted))
            {
                _enough.Set();
            }
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                _enough.Dispose();
            }
        }
    }
}
