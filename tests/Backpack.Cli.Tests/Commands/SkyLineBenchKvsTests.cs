using System.Globalization;
using System.Text.RegularExpressions;
using Backpack.Aws.Tests.Fakes;
using Backpack.Aws.Tests.Kinesis.Producer;

namespace Backpack.Cli.Tests.Commands;

/// <summary><c>backpack bench skyline --output kvs</c>: the same frames into a KvsSkyLine, here to the local endpoint.</summary>
public sealed class SkyLineBenchKvsTests
{
    private static readonly Regex Figures = new(@"^cpu_ms_per_frame=(?<cpu>[0-9.]+) .* frames_out=(?<out>\d+) dropped=\d+ encoder_delay_frames=\d+$");

    private static readonly Regex KinesisFigures = new(
        @"^kvs send_p99_ms=(?<send>[0-9.]+) persist_p99_ms=(?<persist>[0-9.]+) fragments_started=(?<started>\d+) .* fragments_persisted=(?<persisted>\d+) fragments_lost=(?<lost>\d+) .* peak_buffered_bytes=(?<buffered>\d+) max_rss_mib=(?<rss>[0-9.]+) last_error=none$",
        RegexOptions.Multiline);

    private static Dictionary<string, string?> Credentials => new()
    {
        ["AWS_ACCESS_KEY_ID"] = TestCredentials.Session.GetCredentials().AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = TestCredentials.Session.GetCredentials().SecretKey,
        ["AWS_SESSION_TOKEN"] = TestCredentials.Token,
    };

    [Fact]
    public async Task With_output_kvs_the_frames_are_persisted_and_the_kinesis_figures_are_printed()
    {
        await using var endpoint = await LocalKinesisVideoEndpoint.StartAsync();
        endpoint.AddStream("bench");

        var result = BackpackProcess.Run(
            ["bench", "skyline", "--output", "kvs", "--frames", "90", "--warmup-frames", "30", "--width", "160", "--height", "120", "--fps", "30",
             "--kvs-stream", "bench", "--region", endpoint.Region, "--kvs-endpoint-url", endpoint.ControlPlaneUrl.ToString()],
            Credentials);

        result.ExitCode.Should().Be(0, result.Output + result.Error);
        var last = Figures.Match(result.Output.TrimEnd().Split('\n')[^1]);
        last.Success.Should().BeTrue(result.Output);
        int.Parse(last.Groups["out"].Value, CultureInfo.InvariantCulture).Should().BeInRange(85, 90, "the warm-up frames are not counted");
        double.Parse(last.Groups["cpu"].Value, CultureInfo.InvariantCulture).Should().BeGreaterThan(0);
        var kinesis = KinesisFigures.Match(result.Output);
        kinesis.Success.Should().BeTrue(result.Output);
        double Value(string name) => double.Parse(kinesis.Groups[name].Value, CultureInfo.InvariantCulture);
        Value("send").Should().BeInRange(0, 10_000);
        Value("persist").Should().BeInRange(endpoint.PersistDelay.TotalMilliseconds, 10_000, "PERSISTED comes after the endpoint's persist delay");
        Value("persisted").Should().BeGreaterThanOrEqualTo(2).And.Be(Value("started"), "the stop waits for the last fragment's acknowledgement");
        Value("persisted").Should().Be(endpoint.Stream("bench").UniqueFragments.Count(fragment => fragment.Persisted));
        Value("lost").Should().Be(0);
        Value("buffered").Should().BeGreaterThan(0);
        Value("rss").Should().BeGreaterThan(10);
        result.Output.Should().Contain("output=kvs stream=bench").And.MatchRegex(@"memory start_rss_mib=[0-9.]+ max_rss_mib=[0-9.]+ max_rss_growth_mib=-?[0-9.]+");
        endpoint.Violations.Should().BeEmpty();
        (result.Output + result.Error).Should().NotContain(TestCredentials.Secret);
    }

    [Theory]
    [InlineData(new[] { "--output", "kvs", "--region", "eu-west-1", "--kvs-endpoint-url", "http://127.0.0.1:9" }, "--output kvs needs --kvs-stream NAME, --region REGION and --kvs-endpoint-url URL")]
    [InlineData(new[] { "--kvs-stream", "bench" }, "go with --output kvs")]
    [InlineData(new[] { "--output", "kvs", "--kvs-stream", "no spaces", "--region", "eu-west-1", "--kvs-endpoint-url", "http://127.0.0.1:9" }, "--kvs-stream")]
    [InlineData(new[] { "--output", "kvs", "--kvs-stream", "bench", "--region", "Europe West", "--kvs-endpoint-url", "http://127.0.0.1:9" }, "is not an AWS region")]
    [InlineData(new[] { "--output", "kvs", "--kvs-stream", "bench", "--region", "eu-west-1", "--kvs-endpoint-url", "ftp://x" }, "is not an http(s) URL")]
    [InlineData(new[] { "--output", "kvs", "--kvs-stream", "bench", "--region", "eu-west-1", "--kvs-endpoint-url", "http://127.0.0.1:9", "--out", "x.mkv" }, "--out goes with --output recorder")]
    [InlineData(new[] { "--warmup-frames", "-1" }, "--warmup-frames -1 is out of range")]
    public void Wrong_kinesis_options_are_exit_2_with_what_was_expected(string[] arguments, string expected)
    {
        var result = BackpackProcess.Run(["bench", "skyline", "--frames", "2", "--width", "16", "--height", "16", .. arguments]);

        result.ExitCode.Should().Be(2, result.Output + result.Error);
        result.Error.Should().Contain(expected);
    }

    [Fact]
    public void An_unknown_output_is_refused()
    {
        var result = BackpackProcess.Run(["bench", "skyline", "--output", "s3"]);

        result.ExitCode.Should().NotBe(0);
        result.Error.Should().Contain("s3");
    }
}
