using Backpack.Streaming.GStreamer;

namespace Backpack.Streaming.Tests.GStreamer;

public sealed class ElementTests
{
    [Fact]
    public void Properties_of_every_kind_are_set_and_read_back()
    {
        using var source = Element.TryCreate("videotestsrc", "pattern-source")!;

        source.SetProperty("num-buffers", 42);
        source.SetProperty("is-live", true);
        source.SetProperty("pattern", "ball");

        source.GetInt64Property("num-buffers").Should().Be(42);
        source.GetBoolProperty("is-live").Should().BeTrue();
        source.GetPropertyText("pattern").Should().Be("ball");
        source.GetPropertyText("name").Should().Be("pattern-source");
    }

    [Fact]
    public void Caps_and_fractions_are_set_from_their_text()
    {
        using var filter = Element.TryCreate("capsfilter")!;

        filter.SetProperty("caps", "video/x-raw,width=320,height=240,framerate=30000/1001");

        filter.GetPropertyText("caps").Should().Contain("width=(int)320").And.Contain("framerate=(fraction)30000/1001");
    }

    [Fact]
    public void An_unknown_property_is_an_argument_error_naming_it()
    {
        using var sink = Element.TryCreate("fakesink")!;

        sink.HasProperty("sync").Should().BeTrue();
        sink.HasProperty("colour").Should().BeFalse();
        var set = () => sink.SetProperty("colour", "blue");
        var get = () => sink.GetPropertyText("colour");

        set.Should().Throw<ArgumentException>().WithMessage("*no property 'colour'*").Which.ParamName.Should().Be("name");
        get.Should().Throw<ArgumentException>().WithMessage("*no property 'colour'*");
    }

    [Fact]
    public void An_unknown_factory_creates_nothing()
    {
        Element.TryCreate("nosuchelement").Should().BeNull();
    }

    [Fact]
    public void A_missing_static_pad_is_an_argument_error()
    {
        using var sink = Element.TryCreate("fakesink")!;

        using (sink.GetStaticPad("sink"))
        {
        }
        var pad = () => sink.GetStaticPad("src");

        pad.Should().Throw<ArgumentException>().WithMessage("*no static pad 'src'*");
    }
}
