using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Backpack.Streaming.Tests.GStreamer;

[Collection(Serial.Name)]
public sealed class PipelineLeakTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public void Creating_playing_and_disposing_500_pipelines_leaves_memory_handles_and_threads_flat()
    {
        // The first few hundred pipelines fill caches (JIT tiers, GStreamer's task pool, malloc arenas): warm up first.
        for (var i = 0; i < 500; i++)
        {
            RunOnce(i);
        }
        var before = ProcessFigures.Measure();

        for (var i = 0; i < 500; i++)
        {
            RunOnce(i);
        }
        var after = ProcessFigures.Measure();
        output.WriteLine($"before: {before}; after 500 more pipelines: {after}");

        (after.OpenFiles - before.OpenFiles).Should().BeLessThanOrEqualTo(2, $"open files went from {before.OpenFiles} to {after.OpenFiles}");
        // A leaked pipeline keeps its streaming thread; the .NET thread pool may add a thread or two of its own.
        (after.Threads - before.Threads).Should().BeLessThanOrEqualTo(4, $"threads went from {before.Threads} to {after.Threads}");
        // One leaked pipeline with its elements and buffers weighs tens of kilobytes: 500 of them would add well over 4 MB.
        (after.ResidentBytes - before.ResidentBytes).Should().BeLessThan(4L << 20, $"resident memory went from {before.ResidentBytes} to {after.ResidentBytes}");
    }

    private static void RunOnce(int index)
    {
        using var pipeline = Pipeline.Parse(
            "appsrc name=src is-live=true format=time caps=video/x-raw,format=I420,width=64,height=48,framerate=30/1 " +
            "! videoconvert ! video/x-raw,format=RGB ! appsink name=sink sync=false");
        using var source = pipeline.GetAppSrc("src");
        using var sink = pipeline.GetAppSink("sink");
        using var bus = new BusWatcher(pipeline, Gst.MessageType.Error, _ => { }, $"leak-{index}", NullLogger.Instance);
        pipeline.SetState(Gst.State.Playing).Should().NotBe(Gst.StateChangeReturn.Failure);
        var frame = BufferView.Copy(new byte[64 * 48 * 3 / 2]);
        BufferView.SetTimestamps(frame, 0, 33_333_333);
        source.Push(frame).Should().Be(Gst.FlowReturn.Ok);
        using var sample = sink.TryPullSample(Wait);
        sample.Should().NotBeNull();
    }
}
