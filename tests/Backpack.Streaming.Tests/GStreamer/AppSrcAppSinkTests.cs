using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.Tests.GStreamer;

public sealed unsafe class AppSrcAppSinkTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public void Buffers_pushed_into_an_appsrc_come_out_of_an_appsink_with_their_bytes_pts_and_duration()
    {
        using var pipeline = Pipeline.Parse(
            "appsrc name=src format=time caps=application/x-test ! queue ! appsink name=sink sync=false");
        using var source = pipeline.GetAppSrc("src");
        using var sink = pipeline.GetAppSink("sink");
        // Without data a pipeline with an appsrc cannot preroll: start it and let the buffers complete the change.
        pipeline.SetState(Gst.State.Playing).Should().NotBe(Gst.StateChangeReturn.Failure);

        for (var i = 0; i < 3; i++)
        {
            var buffer = BufferView.Copy([(byte)i, 1, 2, 3]);
            BufferView.SetTimestamps(buffer, pts: (ulong)i * 40_000_000, duration: 40_000_000);
            source.Push(buffer).Should().Be(Gst.FlowReturn.Ok);
        }
        source.EndOfStream();

        for (var i = 0; i < 3; i++)
        {
            using var sample = sink.TryPullSample(Wait);
            sample.Should().NotBeNull();
            sample!.Buffer.ToArray().Should().Equal((byte)i, 1, 2, 3);
            sample.Buffer.Pts.Should().Be((ulong)i * 40_000_000);
            sample.Buffer.Duration.Should().Be(40_000_000);
            sample.Buffer.Dts.Should().BeNull();
            sample.MediaType.Should().Be("application/x-test");
        }
        sink.TryPullSample(Wait).Should().BeNull();
        sink.IsEndOfStream.Should().BeTrue();
    }

    [Fact]
    public void Caps_set_on_the_appsrc_reach_the_appsink_and_can_change_mid_stream()
    {
        using var pipeline = Pipeline.Parse("appsrc name=src format=time ! appsink name=sink sync=false");
        using var source = pipeline.GetAppSrc("src");
        using var sink = pipeline.GetAppSink("sink");
        pipeline.SetState(Gst.State.Playing);

        source.SetCaps("video/x-raw,format=GRAY8,width=4,height=2,framerate=30/1");
        source.Push(BufferView.Copy(new byte[8]));
        source.SetCaps("video/x-raw,format=GRAY8,width=2,height=2,framerate=30/1");
        source.Push(BufferView.Copy(new byte[4]));

        using var first = sink.TryPullSample(Wait)!;
        using var second = sink.TryPullSample(Wait)!;
        first.GetCapsInt("width").Should().Be(4);
        second.GetCapsInt("width").Should().Be(2);
        second.Caps.Should().StartWith("video/x-raw");
        var badCaps = () => source.SetCaps("not caps at all ((");
        badCaps.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void A_new_sample_callback_runs_on_the_streaming_thread_for_each_sample()
    {
        using var pipeline = Pipeline.Parse("videotestsrc num-buffers=5 ! video/x-raw,width=32,height=24 ! appsink name=sink sync=false");
        using var sink = pipeline.GetAppSink("sink");
        var timestamps = new List<ulong?>();
        using var done = new CountdownEvent(5);
        var testThread = Environment.CurrentManagedThreadId;
        var callbackThread = 0;
        sink.OnNewSample(appsink =>
        {
            using var sample = appsink.TryPullSample(TimeSpan.Zero);
            lock (timestamps)
            {
                timestamps.Add(sample?.Buffer.Pts);
            }
            callbackThread = Environment.CurrentManagedThreadId;
            done.Signal();
        });

        pipeline.ChangeState(Gst.State.Playing, Wait);

        done.Wait(Wait).Should().BeTrue();
        callbackThread.Should().NotBe(testThread);
        // videotestsrc stamps buffers at its default 30 fps: 0, 33.3 ms, 66.7 ms, ...
        timestamps.Should().Equal(0UL, 33_333_333UL, 66_666_666UL, 100_000_000UL, 133_333_333UL);
    }

    [Fact]
    public void Native_memory_wrapped_in_a_buffer_is_handed_back_once_GStreamer_is_done_with_it()
    {
        using var pipeline = Pipeline.Parse("appsrc name=src format=time caps=application/x-test ! fakesink sync=false enable-last-sample=false");
        using var source = pipeline.GetAppSrc("src");
        pipeline.SetState(Gst.State.Playing);
        var released = new ReleaseCounter();
        var memory = System.Runtime.InteropServices.NativeMemory.Alloc(16);
        try
        {
            var state = System.Runtime.InteropServices.GCHandle.Alloc(released);
            var buffer = BufferView.Wrap((nint)memory, 16, System.Runtime.InteropServices.GCHandle.ToIntPtr(state), &ReleaseCounter.Release);
            source.Push(buffer).Should().Be(Gst.FlowReturn.Ok);
            released.Released.Wait(Wait).Should().BeTrue();
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Free(memory);
        }
    }

    private sealed class ReleaseCounter
    {
        internal ManualResetEventSlim Released { get; } = new();

        [System.Runtime.InteropServices.UnmanagedCallersOnly]
        internal static void Release(nint state)
        {
            var handle = System.Runtime.InteropServices.GCHandle.FromIntPtr(state);
            ((ReleaseCounter)handle.Target!).Released.Set();
            handle.Free();
        }
    }
}
