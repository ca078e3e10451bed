using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.Tests.GStreamer;

public sealed class PipelineTests
{
    [Fact]
    public void A_description_parses_to_a_pipeline_whose_elements_are_found_by_name()
    {
        using var pipeline = Pipeline.Parse("videotestsrc name=source num-buffers=3 ! videoconvert ! fakesink name=sink");

        using var source = pipeline.GetElement("source");
        source.Name.Should().Be("source");
        pipeline.TryGetElement("absent").Should().BeNull();
        var lookup = () => pipeline.GetElement("absent");
        lookup.Should().Throw<ArgumentException>().WithMessage("*no element named 'absent'*");
    }

    [Fact]
    public void An_unknown_element_or_property_is_an_error_with_GStreamers_reason()
    {
        var unknownElement = () => Pipeline.Parse("videotestsrc ! nosuchelement ! fakesink");
        var unknownProperty = () => Pipeline.Parse("videotestsrc nosuchproperty=1 ! fakesink");
        var badLink = () => Pipeline.Parse("fakesink ! fakesink");

        unknownElement.Should().Throw<GStreamerException>().WithMessage("*nosuchelement*");
        unknownProperty.Should().Throw<GStreamerException>().WithMessage("*nosuchproperty*");
        badLink.Should().Throw<GStreamerException>();
    }

    [Fact]
    public void A_single_element_gets_a_pipeline_of_its_own()
    {
        using var pipeline = Pipeline.Parse("fakesrc num-buffers=1 name=only");

        pipeline.ChangeState(Gst.State.Playing, TimeSpan.FromSeconds(5)).Should().NotBe(Gst.StateChangeReturn.Failure);
        using var only = pipeline.GetElement("only");
        only.Name.Should().Be("only");
    }

    [Fact]
    public void A_state_change_that_cannot_complete_returns_async_when_the_wait_is_over()
    {
        // A non-live appsrc never prerolls without data, so PAUSED stays pending.
        using var pipeline = Pipeline.Parse("appsrc name=src ! fakesink");

        var result = pipeline.ChangeState(Gst.State.Paused, TimeSpan.FromMilliseconds(100));

        result.Should().Be(Gst.StateChangeReturn.Async);
    }

    [Fact]
    public void A_live_pipeline_starts_without_preroll_completes_playing_with_its_first_buffer_and_reports_a_running_time()
    {
        using var pipeline = Pipeline.Parse("appsrc name=src is-live=true format=time caps=application/x-test ! fakesink");
        using var source = pipeline.GetAppSrc("src");
        pipeline.RunningTime.Should().BeNull();

        pipeline.SetState(Gst.State.Playing).Should().NotBe(Gst.StateChangeReturn.Failure);
        source.Push(BufferView.Copy([1]));

        pipeline.ChangeState(Gst.State.Playing, TimeSpan.FromSeconds(10)).Should().Be(Gst.StateChangeReturn.Success);
        pipeline.CurrentState.Should().Be(Gst.State.Playing);
        pipeline.RunningTime.Should().NotBeNull();
    }

    [Fact]
    public void Disposing_twice_is_harmless_and_use_after_dispose_is_refused()
    {
        var pipeline = Pipeline.Parse("videotestsrc ! fakesink");
        pipeline.ChangeState(Gst.State.Playing, TimeSpan.FromSeconds(5));

        pipeline.Dispose();
        pipeline.Dispose();

        var use = () => pipeline.SetState(Gst.State.Playing);
        use.Should().Throw<ObjectDisposedException>();
    }
}
