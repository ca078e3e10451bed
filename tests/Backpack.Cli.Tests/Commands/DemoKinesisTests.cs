using Backpack.Aws.Tests.Fakes;
using Backpack.Aws.Tests.Kinesis.Producer;
using Backpack.Cli.Commands;

namespace Backpack.Cli.Tests.Commands;

/// <summary><c>backpack demo --kvs-stream</c>: the demo also streams to Kinesis, here the local endpoint, with one encode.</summary>
public sealed class DemoKinesisTests
{
    [Fact]
    public async Task The_demo_streams_to_kinesis_and_its_status_line_shows_the_fragments_persisted()
    {
        await using var endpoint = await LocalKinesisVideoEndpoint.StartAsync();
        endpoint.AddStream("demo");
        var result = BackpackProcess.Run(
            ["demo", "--rtsp-port", "0", "--web-port", "0", "--bind", "127.0.0.1", "--duration", "7", "--width", "320", "--height", "240",
             "--kvs-stream", "demo", "--region", endpoint.Region, "--kvs-endpoint-url", endpoint.ControlPlaneUrl.ToString()],
            new Dictionary<string, string?>
            {
                ["AWS_ACCESS_KEY_ID"] = TestCredentials.Session.GetCredentials().AccessKey,
                ["AWS_SECRET_ACCESS_KEY"] = TestCredentials.Session.GetCredentials().SecretKey,
                ["AWS_SESSION_TOKEN"] = TestCredentials.Token,
            });

        result.ExitCode.Should().Be(0, result.Output + result.Error);
        result.Output.Should().Contain("Streaming to Kinesis Video Streams: demo in " + endpoint.Region);
        result.Output.Should().MatchRegex(@"kvs persisted [1-9]\d* buffered \d+ KiB");
        result.Output.Should().MatchRegex(@"Kinesis: [1-9]\d* fragments persisted");
        endpoint.Violations.Should().BeEmpty();
        endpoint.Stream("demo").UniqueFragments.Should().HaveCountGreaterThanOrEqualTo(3).And.OnlyContain(fragment => fragment.Persisted);
        (result.Output + result.Error).Should().NotContain(TestCredentials.Secret);
    }

    [Theory]
    [InlineData(new[] { "--region", "eu-west-1" }, "go with --kvs-stream")]
    [InlineData(new[] { "--kvs-stream", "no spaces please" }, "--kvs-stream")]
    [InlineData(new[] { "--kvs-stream", "cam", "--region", "Europe West" }, "is not an AWS region")]
    [InlineData(new[] { "--kvs-stream", "cam", "--kvs-endpoint-url", "ftp://x" }, "is not an http(s) URL")]
    public void Wrong_kinesis_options_are_exit_2_with_what_was_expected(string[] arguments, string expected)
    {
        var result = BackpackProcess.Run(["demo", "--rtsp-port", "0", "--web-port", "0", "--duration", "1", .. arguments]);

        result.ExitCode.Should().Be(2, result.Output + result.Error);
        result.Error.Should().Contain(expected);
    }

    [Fact]
    public void Doctor_says_the_managed_producer_needs_nothing_and_kvssink_is_optional()
    {
        var result = BackpackProcess.Run(["doctor"]);

        result.Output.Should().Contain(DoctorCommand.KinesisNote);
    }
}
