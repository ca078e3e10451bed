using Backpack.Streaming.GStreamer;
using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

public sealed class H264EncodersTests
{
    private static readonly H264Encoders.Settings Settings = new(800, 50, "superfast");

    [Fact]
    public void A_working_hardware_encoder_is_preferred_in_order_and_x264enc_is_the_fallback()
    {
        H264Encoders.Choose(_ => false).Should().Be("x264enc");
        H264Encoders.Choose(element => element is "vaapih264enc" or "v4l2h264enc").Should().Be("vaapih264enc");
        H264Encoders.Choose(_ => true).Should().Be("nvv4l2h264enc");
    }

    [Fact]
    public void The_encoder_chosen_on_this_machine_opens_and_is_the_first_usable_of_the_list()
    {
        var chosen = H264Encoders.Choose();

        H264Encoders.IsUsable(chosen).Should().BeTrue();
        H264Encoders.Hardware.TakeWhile(element => element != chosen).Where(H264Encoders.IsUsable).Should().BeEmpty("a better encoder that works would have been chosen");
        H264Encoders.IsUsable("x264enc").Should().BeTrue();
        H264Encoders.IsUsable("nosuchencoder").Should().BeFalse();
    }

    [Theory]
    [InlineData("x264enc", "tune=zerolatency", "bitrate=800", "key-int-max=50", "speed-preset=superfast", "bframes=0")]
    [InlineData("vaapih264enc", "bitrate=800", "keyframe-period=50", "max-bframes=0")]
    [InlineData("nvv4l2h264enc", "bitrate=800000", "iframeinterval=50", "insert-sps-pps=true")]
    [InlineData("v4l2h264enc", "video_bitrate=800000", "h264_i_frame_period=50")]
    public void Each_encoder_gets_the_same_settings_in_its_own_property_names(string element, params string[] expected)
    {
        var description = H264Encoders.Describe(element, Settings);

        description.Should().Contain(element);
        foreach (var part in expected)
        {
            description.Should().Contain(part);
        }
    }

    [Fact]
    public void The_x264enc_description_parses_with_every_property_known_to_the_element()
    {
        using var pipeline = Pipeline.Parse(H264Encoders.Describe("x264enc", Settings));

        pipeline.Should().NotBeNull();
    }
}
