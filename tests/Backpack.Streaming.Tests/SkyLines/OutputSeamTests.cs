using System.Buffers.Binary;
using System.Collections.Concurrent;
using Backpack.Streaming.Outputs;
using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

/// <summary>
/// The output seam: one encoder, any number of outputs, each with its own queue and failures, attached and
/// detached while streaming, key frames for late joiners, nothing encoded while no output needs frames.
/// </summary>
public sealed class OutputSeamTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static SkyLine Create(ManualClock clock) =>
        new(new SkyLineOptions { TimeProvider = clock, MaxQueuedFrames = 64, KeyFrameInterval = TimeSpan.FromMinutes(10) });

    private static void PutFrames(SkyLine skyLine, ManualClock clock, int count, ref int index, bool paced = false)
    {
        for (var i = 0; i < count; i++, index++)
        {
            clock.AdvanceTo(TimeSpan.FromTicks(index * TimeSpan.TicksPerSecond / 30));
            using var frame = TestFrames.Numbered(160, 120, index);
            skyLine.Put(frame);
            if (paced)
            {
                Thread.Sleep(5);
            }
        }
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, what);
            Thread.Sleep(5);
        }
    }

    [Fact]
    public void Every_output_gets_every_encoded_frame_once_encoded_in_AVCC_with_its_configuration_and_times()
    {
        var clock = new ManualClock();
        using var skyLine = Create(clock);
        using var first = new CollectingOutput("first");
        using var second = new CollectingOutput("second");
        skyLine.Attach(first);
        skyLine.Attach(second);
        skyLine.StartStreaming(30, 160, 120);
        var index = 0;

        PutFrames(skyLine, clock, 30, ref index);
        WaitUntil(() => first.Frames.Count == 30 && second.Frames.Count == 30, "both outputs get the 30 frames");
        skyLine.StopStreaming();

        skyLine.Statistics.FramesEncoded.Should().Be(30, "one encoder serves both outputs");
        first.Frames.Select(frame => frame.Sequence).Should().Equal(second.Frames.Select(frame => frame.Sequence));
        first.Frames[0].IsKeyFrame.Should().BeTrue();
        first.Frames.Skip(1).Should().OnlyContain(frame => !frame.IsKeyFrame);
        first.Frames.Should().OnlyContain(frame => frame.NalLengthsAddUp && frame.Width == 160 && frame.Height == 120);
        first.Configurations.Should().ContainSingle().Which.Should().Match<H264Configuration>(configuration => configuration.Profile > 0 && configuration.SequenceParameterSets.Count == 1);
        first.Frames.Select(frame => frame.Timestamp).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        var period = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 30);
        (first.Frames[29].WallClockTime - first.Frames[0].WallClockTime).Should().BeCloseTo(29 * period, TimeSpan.FromMilliseconds(2), "wall-clock times follow the put times");
        first.Frames[0].WallClockTime.Should().BeCloseTo(clock.GetUtcNow() - (29 * period), TimeSpan.FromMilliseconds(2));
        first.Ends.Should().Equal(true);
        second.Statistics.FramesWritten.Should().Be(30);
        second.Statistics.Kind.Should().Be("collecting");
    }

    [Fact]
    public void Without_an_output_nothing_is_encoded_and_an_output_attached_while_streaming_starts_with_a_key_frame()
    {
        var clock = new ManualClock();
        using var skyLine = Create(clock);
        skyLine.StartStreaming(30, 160, 120);
        var index = 0;

        PutFrames(skyLine, clock, 20, ref index, paced: true);
        skyLine.Statistics.FramesPut.Should().Be(20);
        skyLine.Statistics.FramesEncoded.Should().Be(0);

        using var late = new CollectingOutput("late");
        skyLine.Attach(late);
        PutFrames(skyLine, clock, 20, ref index, paced: true);
        WaitUntil(() => late.Frames.Count > 5, "the late output gets frames");
        skyLine.StopStreaming();

        late.Frames[0].IsKeyFrame.Should().BeTrue();
        late.Statistics.FramesDropped.Should().Be(0);
    }

    [Fact]
    public void A_slow_output_drops_its_own_oldest_frames_and_resumes_at_a_key_frame_while_a_fast_one_gets_everything()
    {
        var clock = new ManualClock();
        using var skyLine = Create(clock);
        using var fast = new CollectingOutput("fast");
        using var slow = new CollectingOutput("slow", maxQueuedFrames: 4, delay: TimeSpan.FromMilliseconds(40));
        skyLine.Attach(fast);
        skyLine.Attach(slow);
        skyLine.StartStreaming(30, 160, 120);
        var index = 0;

        PutFrames(skyLine, clock, 90, ref index, paced: true);
        WaitUntil(() => fast.Frames.Count == 90, "the fast output is not held up by the slow one");
        skyLine.StopStreaming();

        skyLine.Statistics.FramesEncoded.Should().BeGreaterThanOrEqualTo(90);
        slow.Statistics.FramesDropped.Should().BeGreaterThan(0);
        slow.Statistics.FramesIn.Should().Be(fast.Statistics.FramesIn);
        // After each gap in what it received, the slow output's next frame is a key frame: it never gets a frame it cannot decode.
        var received = slow.Frames;
        for (var i = 1; i < received.Count; i++)
        {
            if (received[i].Sequence != received[i - 1].Sequence + 1)
            {
                received[i].IsKeyFrame.Should().BeTrue($"frame {received[i].Sequence} follows a gap after {received[i - 1].Sequence}");
            }
        }
        received.Count(frame => frame.IsKeyFrame).Should().BeGreaterThan(1, "key frames were forced for it");
    }

    [Fact]
    public void An_output_that_throws_is_counted_and_isolated_and_the_others_and_the_stream_go_on()
    {
        var clock = new ManualClock();
        using var skyLine = Create(clock);
        using var good = new CollectingOutput("good");
        using var bad = new CollectingOutput("bad", throwEvery: 3);
        skyLine.Attach(bad);
        skyLine.Attach(good);
        skyLine.StartStreaming(30, 160, 120);
        var index = 0;

        PutFrames(skyLine, clock, 30, ref index, paced: true);
        WaitUntil(() => good.Frames.Count == 30 && bad.Statistics.FramesQueued == 0, "every frame is handed over");

        skyLine.State.Should().Be(SkyLineState.Streaming);
        bad.Statistics.Failures.Should().BeGreaterThan(0);
        bad.Statistics.LastError.Should().Contain("thrown by the test output");
        good.Statistics.Failures.Should().Be(0);
        skyLine.StopStreaming();
    }

    [Fact]
    public void Forced_key_frames_are_spaced_by_about_a_second_however_many_outputs_ask()
    {
        var clock = new ManualClock();
        using var skyLine = Create(clock);
        using var output = new CollectingOutput("asker");
        skyLine.Attach(output);
        skyLine.StartStreaming(30, 160, 120);
        var index = 0;

        // Twenty requests during the first half second of the stream, then frames for two seconds.
        for (var i = 0; i < 60; i++)
        {
            if (i < 15)
            {
                output.AskForKeyFrame();
            }
            PutFrames(skyLine, clock, 1, ref index, paced: true);
        }
        WaitUntil(() => output.Frames.Count == 60, "the frames arrive");
        skyLine.StopStreaming();

        var keys = output.Frames.Where(frame => frame.IsKeyFrame).Select(frame => frame.Sequence).ToList();
        keys.Should().HaveCountLessThanOrEqualTo(3, "the first frame, at most one forced within the first second, one after it");
        keys.Zip(keys.Skip(1)).Should().OnlyContain(pair => pair.Second - pair.First >= 25, "forced key frames are about a second (30 frames) apart");
    }

    [Fact]
    public void A_detached_output_gets_nothing_more_and_with_no_output_left_encoding_stops()
    {
        var clock = new ManualClock();
        using var skyLine = Create(clock);
        using var output = new CollectingOutput("leaving");
        skyLine.Attach(output);
        skyLine.StartStreaming(30, 160, 120);
        var index = 0;
        PutFrames(skyLine, clock, 10, ref index, paced: true);
        WaitUntil(() => output.Frames.Count == 10, "the frames arrive");

        skyLine.Detach(output).Should().BeTrue();
        var encoded = skyLine.Statistics.FramesEncoded;
        PutFrames(skyLine, clock, 10, ref index, paced: true);
        Thread.Sleep(200);

        output.Frames.Should().HaveCount(10);
        output.Ends.Should().Equal(false);
        output.Statistics.State.Should().Be(OutputState.Detached);
        skyLine.Statistics.FramesEncoded.Should().Be(encoded, "nothing is encoded while no output needs frames");
        skyLine.Outputs.Should().BeEmpty();
        skyLine.Detach(output).Should().BeFalse();
        skyLine.StopStreaming();
    }

    [Fact]
    public void An_output_is_attached_to_one_SkyLine_at_a_time_and_a_disposed_one_cannot_be_attached()
    {
        using var first = new SkyLine();
        using var second = new SkyLine();
        var output = new CollectingOutput("single");
        first.Attach(output);

        var twice = () => second.Attach(output);
        twice.Should().Throw<InvalidOperationException>().WithMessage("*attached to SkyLine*");
        output.Dispose();
        first.Outputs.Should().BeEmpty("disposing an output detaches it");
        var disposed = () => second.Attach(output);
        disposed.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Frames_written_in_Annex_B_after_the_parameter_sets_decode_with_ffprobe_frame_for_frame()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var clock = new ManualClock();
        using var skyLine = Create(clock);
        using var output = new CollectingOutput("annexb", keepAnnexB: true);
        skyLine.Attach(output);
        skyLine.StartStreaming(30, 160, 120);
        var index = 0;
        PutFrames(skyLine, clock, 30, ref index);
        WaitUntil(() => output.Frames.Count == 30, "the frames arrive");
        skyLine.StopStreaming();

        var path = directory.File("stream.h264");
        using (var file = File.Create(path))
        {
            file.Write(output.Configurations[0].ToAnnexB());
            foreach (var bytes in output.AnnexB)
            {
                file.Write(bytes);
            }
        }
        output.AnnexB.Should().OnlyContain(bytes => bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0 && bytes[3] == 1);
        var probe = Rtsp.ChildProcess.Run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames,width,height", "-of", "csv=p=0", path], Wait);
        probe.Output.Trim().Should().Be("160,120,30", probe.ToString());
    }

    [Fact]
    public void A_recorder_attached_beside_another_output_records_the_same_single_encode()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var path = directory.File("beside.mkv");
        var clock = new ManualClock();
        using var skyLine = Create(clock);
        using var collector = new CollectingOutput("viewer");
        using var recorder = new RecorderOutput(path);
        skyLine.Attach(collector);
        skyLine.Attach(recorder);
        skyLine.StartStreaming(30, 160, 120);
        var index = 0;
        PutFrames(skyLine, clock, 45, ref index, paced: true);
        skyLine.StopStreaming();

        recorder.CompletedFiles.Should().Equal(path);
        MediaProbe.Of(path).Packets.Should().Be(45);
        collector.Frames.Should().HaveCount(45);
        skyLine.Statistics.FramesEncoded.Should().Be(45);
    }

    [Fact]
    public void A_configuration_record_is_read_and_a_malformed_one_refused_saying_where()
    {
        byte[] record = [1, 0x64, 0, 0x1f, 0xff, 0xe1, 0, 3, 0x67, 0x64, 0x1f, 1, 0, 2, 0x68, 0xee];

        var configuration = H264Configuration.Parse(record, 1280, 720);

        configuration.CodecString.Should().Be("avc1.64001f");
        configuration.NalLengthSize.Should().Be(4);
        configuration.ToAnnexB().Should().Equal(0, 0, 0, 1, 0x67, 0x64, 0x1f, 0, 0, 0, 1, 0x68, 0xee);
        configuration.Should().Be(H264Configuration.Parse(record, 1280, 720));
        var truncated = () => H264Configuration.Parse(record.AsSpan(0, 11), 1280, 720);
        truncated.Should().Throw<ArgumentException>().WithMessage("*ends after its sequence parameter sets*");
        var version = () => H264Configuration.Parse([2, 0, 0, 0, 0, 0, 0], 1280, 720);
        version.Should().Throw<ArgumentException>().WithMessage("*version 1*version 2*");
    }

    /// <summary>What an output received: copies, since frames are valid only during the call.</summary>
    private sealed record Received(long Sequence, bool IsKeyFrame, long Timestamp, DateTimeOffset WallClockTime, int Width, int Height, bool NalLengthsAddUp);

    private sealed class CollectingOutput(string name, int maxQueuedFrames = 90, TimeSpan? delay = null, int throwEvery = 0, bool keepAnnexB = false)
        : SkyLineOutput(name, maxQueuedFrames)
    {
        private readonly ConcurrentQueue<Received> _frames = new();
        private readonly ConcurrentQueue<byte[]> _annexB = new();
        private readonly ConcurrentQueue<H264Configuration> _configurations = new();
        private readonly ConcurrentQueue<bool> _ends = new();
        private int _calls;

        internal List<Received> Frames => [.. _frames];

        internal List<byte[]> AnnexB => [.. _annexB];

        internal List<H264Configuration> Configurations => [.. _configurations];

        internal List<bool> Ends => [.. _ends];

        protected override string Kind => "collecting";

        internal void AskForKeyFrame() => RequestKeyFrame();

        protected override void OnStreamStarted(H264Configuration configuration, StreamFormat format) => _configurations.Enqueue(configuration);

        protected override void OnFrame(EncodedFrame frame)
        {
            if (throwEvery > 0 && Interlocked.Increment(ref _calls) % throwEvery == 0)
            {
                throw new InvalidOperationException("thrown by the test output");
            }
            _frames.Enqueue(new Received(frame.Sequence, frame.IsKeyFrame, frame.Timestamp, frame.WallClockTime, frame.Configuration.Width, frame.Configuration.Height, NalLengthsAddUp(frame.Data.Span)));
            if (keepAnnexB)
            {
                var bytes = new byte[frame.AnnexBLength];
                frame.CopyToAnnexB(bytes).Should().Be(bytes.Length);
                _annexB.Enqueue(bytes);
            }
            if (delay is { } pause)
            {
                Thread.Sleep(pause);
            }
        }

        protected override void OnStreamEnded(bool drained) => _ends.Enqueue(drained);

        private static bool NalLengthsAddUp(ReadOnlySpan<byte> avcc)
        {
            while (avcc.Length >= 4)
            {
                var length = (int)BinaryPrimitives.ReadUInt32BigEndian(avcc);
                if (length <= 0 || length > avcc.Length - 4)
                {
                    return false;
                }
                avcc = avcc[(4 + length)..];
            }
            return avcc.Length == 0;
        }
    }
}
