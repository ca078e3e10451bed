using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.Tests.GStreamer;

public sealed class NativeLayoutTests
{
    [Fact]
    public void The_message_type_and_source_offsets_match_what_GStreamer_wrote()
    {
        GStreamerRuntime.EnsureInitialized();
        using var source = Element.TryCreate("fakesink", "poster")!;
        var message = Gst.MessageNewEos(source.Handle.DangerousGetHandle());
        try
        {
            var view = new BusMessage(message);
            view.Type.Should().Be(Gst.MessageType.Eos);
            view.SourceName.Should().Be("poster");
        }
        finally
        {
            Gst.MiniObjectUnref(message);
        }
    }

    [Fact]
    public void Buffer_timestamps_written_here_are_the_ones_GStreamer_reads()
    {
        using var pipeline = Pipeline.Parse("appsrc name=src format=time caps=application/x-test ! appsink name=sink sync=false");
        using var src = pipeline.GetAppSrc("src");
        using var sink = pipeline.GetAppSink("sink");
        pipeline.SetState(Gst.State.Playing);
        var buffer = BufferView.Copy([1]);
        BufferView.SetTimestamps(buffer, 123_456_789, 987_654);
        BufferView.SetDiscontinuity(buffer, true);

        src.Push(buffer);

        using var sample = sink.TryPullSample(TimeSpan.FromSeconds(5))!;
        sample.Buffer.Pts.Should().Be(123_456_789);
        sample.Buffer.Duration.Should().Be(987_654);
        (sample.Buffer.Flags & NativeLayout.BufferFlagDiscont).Should().NotBe(0);
        // The byte count comes from gst_buffer_get_size, a function, which confirms the pointer is the buffer.
        sample.Buffer.Size.Should().Be(1);
    }
}
