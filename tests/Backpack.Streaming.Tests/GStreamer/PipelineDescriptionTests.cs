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

    // kvssink descriptions as Backpack.Aws's KvsSinkDescriptionBuilder writes them: every secret property it can
    // write is masked (keys, secrets and tokens are never quoted with escapes: AWS credentials have no quotes), the
    // credential file's path and the iot-certificate structure (paths and names only) are kept.
    [Theory]
    [InlineData(
        "h264parse ! video/x-h264,stream-format=avc,alignment=au ! kvssink stream-name=cam-1 aws-region=eu-west-1 storage-size=64 access-key=ASIAIOSFODNN7EXAMPLE secret-key=wJalrXUtnFEMI/K7MDENG+bPxRfiCY session-token=\"IQoJb3JpZ2lu+/EJr//==\"",
        "h264parse ! video/x-h264,stream-format=avc,alignment=au ! kvssink stream-name=cam-1 aws-region=eu-west-1 storage-size=64 access-key=*** secret-key=*** session-token=***")]
    [InlineData(
        "kvssink stream-name=cam-1 aws-region=eu-west-1 access-key=AKIAIOSFODNN7EXAMPLE secret-key=wJalrXUtnFEMI/K7MDENG/bPxRfiCY session-token=\"\"",
        "kvssink stream-name=cam-1 aws-region=eu-west-1 access-key=*** secret-key=*** session-token=***")]
    [InlineData(
        "kvssink stream-name=cam-1 aws-region=eu-west-1 fragment-duration=2000 key-frame-fragmentation=false credential-path=\"/tmp/my key dir \\\"q\\\"/backpack-kvssink-0a/credential\"",
        "kvssink stream-name=cam-1 aws-region=eu-west-1 fragment-duration=2000 key-frame-fragmentation=false credential-path=\"/tmp/my key dir \\\"q\\\"/backpack-kvssink-0a/credential\"")]
    [InlineData(
        "kvssink stream-name=cam-1 aws-region=eu-west-1 iot-certificate=\"iot-certificate,endpoint=(string)x.credentials.iot.eu-west-1.amazonaws.com,cert-path=(string)\\\"/my certs/c.pem\\\",key-path=(string)\\\"/my certs/private key.pem\\\",ca-path=(string)ca.pem,role-aliases=(string)\\\"Role=a,b@c\\\",connection-timeout=(string)10\"",
        "kvssink stream-name=cam-1 aws-region=eu-west-1 iot-certificate=\"iot-certificate,endpoint=(string)x.credentials.iot.eu-west-1.amazonaws.com,cert-path=(string)\\\"/my certs/c.pem\\\",key-path=(string)\\\"/my certs/private key.pem\\\",ca-path=(string)ca.pem,role-aliases=(string)\\\"Role=a,b@c\\\",connection-timeout=(string)10\"")]
    public void Kvssink_descriptions_keep_paths_and_mask_every_credential(string description, string expected)
    {
        PipelineDescription.Redact(description).Should().Be(expected);
    }
}
