using System.Collections.Concurrent;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

/// <summary>
/// The seams an in-process output (the RTSP server) builds on: encoded samples taken from an
/// appsink at the end of the pipeline, the encoder idle while nobody watches, key frames on demand.
/// </summary>
public sealed class OutputSeamTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public void Encoded_samples_reach_the_output_and_a_key_frame_comes_on_demand()
    {
        var clock = new ManualClock();
        using var skyLine = new EncodedSamplesSkyLine(clock);
        skyLine.StartStreaming(30, 160, 120);

        skyLine.PutFrames(10);
        skyLine.WaitForSamples(10);
        skyLine.RequestKeyFrameNow().Should().BeTrue();
        skyLine.PutFrames(5);
        skyLine.WaitForSamples(15);
        skyLine.StopStreaming();

        var samples = skyLine.Samples.ToList();
        samples.Take(10).Select(sample => sample.KeyFrame).Should().Equal([true, .. Enumerable.Repeat(false, 9)]);
        samples.Skip(10).Should().Contain(sample => sample.KeyFrame, "a key frame was asked for");
        samples.Should().OnlyContain(sample => sample.Caps.StartsWith("video/x-h264", StringComparison.Ordinal));
        skyLine.RequestKeyFrameNow().Should().BeFalse("no pipeline runs");
    }

    [Fact]
    public void While_the_output_is_idle_frames_are_taken_but_not_encoded_and_encoding_resumes_with_a_key_frame()
    {
        var clock = new ManualClock();
        using var skyLine = new EncodedSamplesSkyLine(clock);
        skyLine.StartStreaming(30, 160, 120);
        skyLine.PutFrames(5);
        skyLine.WaitForSamples(5);

        skyLine.SetActive(false);
        skyLine.PutFrames(30).Should().Be(30, "Put still takes frames while nobody watches");
        var encodedWhileIdle = skyLine.Statistics.FramesEncoded;
        skyLine.SetActive(true);
        skyLine.PutFrames(5);
        skyLine.WaitForSamples(6);
        skyLine.StopStreaming();

        encodedWhileIdle.Should().Be(5);
        skyLine.Samples.Skip(5).First().KeyFrame.Should().BeTrue($"a viewer that joins needs a key frame at once: {string.Join(",", skyLine.Samples.Select(s => s.KeyFrame ? "K" : "."))}");
        skyLine.Statistics.FramesRepeated.Should().Be(0, "idle time is not filled with repeats");
    }

    private sealed class EncodedSamplesSkyLine(ManualClock clock) : SkyLine(
        new SkyLineOptions { TimeProvider = clock, MaxQueuedFrames = 64, KeyFrameInterval = TimeSpan.FromMinutes(10) }, null)
    {
        private readonly BlockingCollection<(bool KeyFrame, string Caps)> _arrivals = [];
        private AppSink? _sink;
        private int _index;

        internal ConcurrentQueue<(bool KeyFrame, string Caps)> Samples { get; } = new();

        internal int PutFrames(int count)
        {
            var taken = 0;
            for (var i = 0; i < count; i++, _index++)
            {
                clock.AdvanceTo(TimeSpan.FromTicks(_index * TimeSpan.TicksPerSecond / 30));
                using var frame = TestFrames.Numbered(160, 120, _index);
                taken += Put(frame) ? 1 : 0;
            }
            return taken;
        }

        internal void WaitForSamples(int count)
        {
            var deadline = DateTime.UtcNow + Wait;
            while (Samples.Count < count && DateTime.UtcNow < deadline)
            {
                _arrivals.TryTake(out _, TimeSpan.FromMilliseconds(100));
            }
            Samples.Count.Should().BeGreaterThanOrEqualTo(count);
        }

        internal bool RequestKeyFrameNow() => RequestKeyFrame();

        internal void SetActive(bool active) => OutputActive = active;

        protected override string GetOutputDescription(StreamFormat format) => "h264parse ! appsink name=encoded sync=false";

        private protected override void OnPipelineCreated(Pipeline pipeline)
        {
            _sink = pipeline.GetAppSink("encoded");
            _sink.OnNewSample(sink =>
            {
                using var sample = sink.TryPullSample(TimeSpan.Zero);
                if (sample is not null)
                {
                    var arrival = (sample.Buffer.IsKeyFrame, sample.Caps);
                    Samples.Enqueue(arrival);
                    _arrivals.Add(arrival);
                }
            });
        }

        private protected override void OnPipelineStopping(Pipeline pipeline)
        {
            _sink?.Dispose();
            _sink = null;
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            _arrivals.Dispose();
        }
    }
}
