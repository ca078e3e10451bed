using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.Tests.GStreamer;

public sealed unsafe class CallbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_signal_handler_receives_every_emission_with_its_state_until_disconnected()
    {
        using var pipeline = Pipeline.Parse("videotestsrc num-buffers=4 ! identity name=tap signal-handoffs=true ! fakesink");
        using var tap = pipeline.GetElement("tap");
        var counter = new Counter();
        var connection = SignalConnection.Connect(tap, "handoff", (nint)(delegate* unmanaged<nint, nint, nint, void>)&Handoff, counter);
        using var bus = new BusWatcher(pipeline, Gst.MessageType.Eos, _ => counter.Finished.Set(), "bus-test", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        pipeline.ChangeState(Gst.State.Playing, Wait);

        counter.Finished.Wait(Wait).Should().BeTrue();
        counter.Count.Should().Be(4);
        connection.Dispose();
        connection.Dispose();
    }

    [Fact]
    public void Connecting_to_an_unknown_signal_is_an_argument_error()
    {
        using var identity = Element.TryCreate("identity")!;

        var connect = () => SignalConnection.Connect(identity, "no-such-signal", (nint)(delegate* unmanaged<nint, nint, nint, void>)&Handoff, new Counter());

        connect.Should().Throw<ArgumentException>().WithMessage("*no signal 'no-such-signal'*");
    }

    [Fact]
    public void A_pad_probe_sees_every_buffer_that_crosses_the_pad()
    {
        using var pipeline = Pipeline.Parse("videotestsrc num-buffers=6 ! identity name=tap ! fakesink");
        using var tap = pipeline.GetElement("tap");
        var counter = new Counter();
        using var probe = PadProbe.Add(tap, "src", Gst.PadProbeType.Buffer, &Probe, counter);
        using var bus = new BusWatcher(pipeline, Gst.MessageType.Eos, _ => counter.Finished.Set(), "bus-test", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        pipeline.ChangeState(Gst.State.Playing, Wait);

        counter.Finished.Wait(Wait).Should().BeTrue();
        counter.Count.Should().Be(6);
        counter.LastPts.Should().Be(166_666_666UL);
    }

    [Fact]
    public void A_force_key_unit_request_sent_upstream_makes_the_encoder_emit_a_key_frame()
    {
        using var pipeline = Pipeline.Parse(
            "videotestsrc num-buffers=30 ! video/x-raw,width=64,height=48 ! x264enc key-int-max=1000 tune=zerolatency ! identity name=tap ! appsink name=sink sync=false max-buffers=1");
        using var tap = pipeline.GetElement("tap");
        using var sink = pipeline.GetAppSink("sink");
        var counter = new Counter();
        using var probe = PadProbe.Add(tap, "sink", Gst.PadProbeType.Buffer, &Probe, counter);
        pipeline.ChangeState(Gst.State.Playing, Wait);

        var keyFrames = new List<int>();
        for (var i = 0; i < 30; i++)
        {
            using var sample = sink.TryPullSample(Wait);
            sample.Should().NotBeNull();
            if (sample!.Buffer.IsKeyFrame)
            {
                keyFrames.Add(i);
            }
            if (i == 10)
            {
                probe.PushUpstreamEvent(GstVideo.EventNewUpstreamForceKeyUnit(Gst.ClockTimeNone, allHeaders: true, 0)).Should().BeTrue();
            }
        }

        keyFrames.Should().HaveCount(2).And.StartWith(0);
        keyFrames[1].Should().BeGreaterThan(10);
    }

    [UnmanagedCallersOnly]
    private static void Handoff(nint identity, nint buffer, nint state) =>
        NativeBoundary.Enter<Counter, nint>("test handoff", state, buffer, &CountHandoff);

    [UnmanagedCallersOnly]
    private static Gst.PadProbeReturn Probe(nint pad, nint info, nint state) =>
        NativeBoundary.Enter<Counter, nint, Gst.PadProbeReturn>("test probe", state, info, &CountProbe, Gst.PadProbeReturn.Ok);

    private static void CountHandoff(Counter counter, nint buffer) => Interlocked.Increment(ref counter.Count);

    private static Gst.PadProbeReturn CountProbe(Counter counter, nint info)
    {
        Interlocked.Increment(ref counter.Count);
        counter.LastPts = new BufferView(Gst.PadProbeInfoGetBuffer(info)).Pts;
        return Gst.PadProbeReturn.Ok;
    }

    private sealed class Counter
    {
        internal int Count;

        internal ulong? LastPts { get; set; }

        internal ManualResetEventSlim Finished { get; } = new();
    }
}
