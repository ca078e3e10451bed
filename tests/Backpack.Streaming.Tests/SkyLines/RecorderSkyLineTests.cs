using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

public sealed class RecorderSkyLineTests
{
    private static readonly long Period = TimeSpan.TicksPerSecond / 30;

    private static RecorderSkyLine Create(string path, ManualClock clock, TimeSpan? segments = null, CapturingLogger? logger = null) =>
        new(path, segmentDuration: segments, options: new SkyLineOptions { TimeProvider = clock, MaxQueuedFrames = 256 }, loggerFactory: logger);

    private static void PutAt(SkyLine skyLine, ManualClock clock, long ticks, int index, int width = 320, int height = 240)
    {
        clock.AdvanceTo(TimeSpan.FromTicks(ticks));
        using var frame = TestFrames.Numbered(width, height, index);
        skyLine.Put(frame).Should().BeTrue();
    }

    [Theory]
    [InlineData("steady.mkv")]
    [InlineData("steady.mp4")]
    public void Frames_put_at_the_frame_rate_are_all_recorded_into_a_playable_file(string name)
    {
        using var directory = TestFrames.TemporaryDirectory();
        var clock = new ManualClock();
        var path = directory.File(name);
        using var recorder = Create(path, clock);

        recorder.StartStreaming(fps: 30, width: 320, height: 240);
        for (var i = 0; i < 45; i++)
        {
            PutAt(recorder, clock, i * TimeSpan.TicksPerSecond / 30, i);
        }
        recorder.StopStreaming();

        var probe = MediaProbe.Of(path);
        probe.Codec.Should().Be("h264");
        (probe.Width, probe.Height).Should().Be((320, 240));
        probe.FrameRate.Should().Be("30/1");
        probe.Packets.Should().Be(45);
        probe.PacketTimes.Select((time, index) => Math.Abs(time - probe.PacketTimes[0] - (index / 30.0))).Max().Should().BeLessThan(0.002);
        probe.KeyFrames[0].Should().BeTrue();
        recorder.CompletedFiles.Should().Equal(path);
        recorder.Container.Should().Be(name.EndsWith(".mp4", StringComparison.Ordinal) ? RecordingContainer.Mp4 : RecordingContainer.Matroska);
        recorder.Statistics.FramesEncoded.Should().Be(45);
        recorder.Statistics.FramesDropped.Should().Be(0);
        MediaProbe.MeanLuma(path).Select(TestFrames.IndexOf).Should().Equal(Enumerable.Range(0, 45).Select(i => i % 28));
    }

    [Fact]
    public void A_segmented_recording_splits_into_files_of_the_duration_each_starting_with_a_key_frame()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var clock = new ManualClock();
        using var recorder = Create(directory.File("clip.mkv"), clock, segments: TimeSpan.FromSeconds(1));

        recorder.StartStreaming(30, 320, 240);
        for (var i = 0; i < 105; i++)
        {
            PutAt(recorder, clock, i * TimeSpan.TicksPerSecond / 30, i);
        }
        recorder.StopStreaming();

        recorder.CompletedFiles.Select(Path.GetFileName).Should().Equal("clip-00000.mkv", "clip-00001.mkv", "clip-00002.mkv", "clip-00003.mkv");
        var probes = recorder.CompletedFiles.Select(MediaProbe.Of).ToList();
        probes.Sum(probe => probe.Packets).Should().Be(105);
        probes.Take(3).Should().OnlyContain(probe => probe.Packets >= 29 && probe.Packets <= 31);
        probes.Should().OnlyContain(probe => probe.KeyFrames[0]);
    }

    [Fact]
    public void File_names_follow_the_pattern_with_the_file_number_and_opening_time()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var clock = new ManualClock();
        using var recorder = Create(directory.File("cam-{0:D3}-{1:HHmmss}.mp4"), clock, segments: TimeSpan.FromSeconds(1));

        recorder.StartStreaming(30, 320, 240);
        for (var i = 0; i < 40; i++)
        {
            PutAt(recorder, clock, i * TimeSpan.TicksPerSecond / 30, i);
        }
        recorder.StopStreaming();

        // Each file is named when it opens, by the options' clock (here 12:00:00 plus the second or so recorded).
        var names = recorder.CompletedFiles.Select(Path.GetFileName).ToList();
        names.Should().HaveCount(2);
        names[0].Should().MatchRegex(@"^cam-000-12000[0-2]\.mp4$");
        names[1].Should().MatchRegex(@"^cam-001-12000[0-2]\.mp4$");
        recorder.Container.Should().Be(RecordingContainer.Mp4);
    }

    [Fact]
    public void Each_session_writes_a_file_of_its_own_and_none_is_overwritten()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var clock = new ManualClock();
        using var recorder = Create(directory.File("run.mkv"), clock);

        for (var session = 0; session < 2; session++)
        {
            recorder.StartStreaming(30, 320, 240);
            for (var i = 0; i < 10; i++)
            {
                PutAt(recorder, clock, (session * TimeSpan.TicksPerSecond * 10) + (i * Period), i);
            }
            recorder.StopStreaming();
        }

        recorder.CompletedFiles.Select(Path.GetFileName).Should().Equal("run.mkv", "run-1.mkv");
        recorder.CompletedFiles.Should().OnlyContain(file => MediaProbe.Of(file).Packets == 10);
    }

    [Fact]
    public void Frames_of_another_size_are_scaled_to_the_stream_with_one_warning_per_new_size()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var clock = new ManualClock();
        var logger = new CapturingLogger();
        var path = directory.File("scaled.mkv");
        using var recorder = Create(path, clock, logger: logger);
        var sizes = new[] { (640, 480), (160, 120), (320, 240), (641, 479), (640, 480) };

        recorder.StartStreaming(30, 320, 240);
        var index = 0;
        var refused = 0;
        foreach (var (width, height) in sizes)
        {
            for (var i = 0; i < 6; i++, index++)
            {
                clock.AdvanceTo(TimeSpan.FromTicks(index * Period));
                using var frame = TestFrames.Numbered(width, height, index);
                // A frame larger than the buffers is refused (Put never allocates) while they grow on another thread.
                while (!recorder.Put(frame))
                {
                    refused++;
                    refused.Should().BeLessThan(1000, "the buffers grow within seconds");
                    Thread.Sleep(5);
                }
            }
        }
        recorder.StopStreaming();

        var probe = MediaProbe.Of(path);
        (probe.Width, probe.Height).Should().Be((320, 240));
        probe.Packets.Should().Be(30);
        MediaProbe.MeanLuma(path).Select(TestFrames.IndexOf).Should().Equal(Enumerable.Range(0, 30).Select(i => i % 28));
        refused.Should().BeGreaterThan(0, "the first 640x480 frame did not fit the buffers made for 320x240");
        logger.Entries.Where(entry => entry.Message.Contains("are scaled to the stream's 320x240")).Select(entry => entry.Message[(entry.Message.IndexOf("frames of ", StringComparison.Ordinal) + 10)..].Split(' ')[0])
            .Should().Equal("640x480", "160x120", "641x479");
    }

    [Theory]
    [InlineData("/no/such/directory/out.mkv", "directory*does not exist")]
    [InlineData("out.avi", "cannot be told from the extension '.avi'")]
    [InlineData("cam-{0:D3-{1}.mkv", "not a valid file-name pattern")]
    public void Bad_paths_are_refused_with_what_is_expected(string path, string message)
    {
        var create = () => new RecorderSkyLine(path.StartsWith('/') ? path : Path.Combine(Path.GetTempPath(), path));

        create.Should().Throw<ArgumentException>().WithMessage($"*{message}*").Which.ParamName.Should().Be("path");
    }

    [Fact]
    public void A_segment_duration_out_of_range_is_refused()
    {
        var create = () => new RecorderSkyLine(Path.Combine(Path.GetTempPath(), "x.mkv"), segmentDuration: TimeSpan.FromMilliseconds(10));

        create.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*1 second to 24 hours*").Which.ParamName.Should().Be("segmentDuration");
    }
}
