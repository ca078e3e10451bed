using System.Globalization;
using System.Text.RegularExpressions;
using Backpack.Cli.Commands;

namespace Backpack.Cli.Tests.Commands;

public sealed partial class RtspLatencyBenchCommandTests
{
    [Fact]
    public void The_benchmark_matches_decoded_frames_to_put_frames_and_prints_latency_percentiles()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = RtspLatencyBenchCommand.Run(new RtspLatencyBenchCommand.Settings(60, 320, 180, 30, "udp", null), output, error);

        exit.Should().Be(0, error.ToString());
        var last = output.ToString().Trim().Split('\n')[^1];
        var match = Figures().Match(last);
        match.Success.Should().BeTrue(last);
        var p50 = double.Parse(match.Groups["p50"].Value, CultureInfo.InvariantCulture);
        var max = double.Parse(match.Groups["max"].Value, CultureInfo.InvariantCulture);
        p50.Should().BePositive().And.BeLessThanOrEqualTo(max);
        int.Parse(match.Groups["matched"].Value, CultureInfo.InvariantCulture).Should().BeGreaterThanOrEqualTo(50, "decoded frames carry the numbers that were put");
    }

    [Theory]
    [InlineData(5, 320, 180, 30, "--frames 5")]
    [InlineData(60, 100, 180, 30, "frame size 100x180")]
    [InlineData(60, 320, 180, 0, "--fps 0")]
    public void Bad_settings_are_errors_saying_what_is_expected(int frames, int width, int height, double fps, string message)
    {
        var error = new StringWriter();

        var exit = RtspLatencyBenchCommand.Run(new RtspLatencyBenchCommand.Settings(frames, width, height, fps, "tcp", null), new StringWriter(), error);

        exit.Should().Be(ExitCodes.BadInput);
        error.ToString().Should().Contain(message).And.Contain("expected");
    }

    [GeneratedRegex(@"^p50_ms=(?<p50>[\d.]+) p90_ms=[\d.]+ p99_ms=[\d.]+ max_ms=(?<max>[\d.]+) min_ms=[\d.]+ frames_matched=(?<matched>\d+) frames_put=\d+ frames_decoded=\d+$")]
    private static partial Regex Figures();
}
