using Backpack.Streaming.GStreamer;

namespace Backpack.Streaming.Tests.GStreamer;

public sealed class PipelineDescriptionTests
{
    [Theory]
    [InlineData("x264enc bitrate=500 key-int-max=45", "x264enc")]
    [InlineData("h264parse ! matroskamux ! filesink location=\"/tmp/a b.mkv\"", "h264parse matroskamux filesink")]
    [InlineData("nvvidconv ! video/x-raw(memory:NVMM),format=NV12 ! nvv4l2h264enc bitrate=1000", "nvvidconv nvv4l2h264enc")]
    [InlineData("tee name=t t. ! queue ! fakesink t. ! queue ! kvssink stream-name=cam", "tee queue fakesink queue kvssink")]
    [InlineData("matroskamux name=mux ! filesink location=x.mkv  videotestsrc ! mux.", "matroskamux filesink videotestsrc")]
    [InlineData("v4l2h264enc extra-controls=\"controls,video_bitrate=1000\" ! video/x-h264,level=(string)4", "v4l2h264enc")]
    public void Element_names_are_read_from_descriptions_without_properties_caps_or_references(string description, string expected)
    {
        PipelineDescription.ElementNames(description).Should().Equal(expected.Split(' '));
    }

    [Theory]
    [InlineData("kvssink stream-name=cam access-key=AKIAEXAMPLE secret-key=wJalrXUtnFEMI", "kvssink stream-name=cam access-key=*** secret-key=***")]
    [InlineData("kvssink session-token=\"IQoJb3 JpZ2l\" aws-region=eu-west-1", "kvssink session-token=*** aws-region=eu-west-1")]
    [InlineData("rtspclientsink location=rtsp://admin:hunter2@media:8554/cam user-pw=hunter2", "rtspclientsink location=rtsp://***@media:8554/cam user-pw=***")]
    [InlineData("mpegtsmux ! srtsink uri=srt://host:9000 passphrase=longsecretphrase", "mpegtsmux ! srtsink uri=srt://host:9000 passphrase=***")]
    [InlineData("x264enc key-int-max=45 bitrate=500", "x264enc key-int-max=45 bitrate=500")]
    public void Secrets_are_masked_and_everything_else_is_kept(string description, string expected)
    {
        PipelineDescription.Redact(description).Should().Be(expected);
    }
}
