using System.Globalization;
using System.Text.RegularExpressions;

namespace Backpack.Cli.Tests.Commands;

public sealed class SkyLineBenchCommandTests
{
    private static readonly Regex Figures = new(
        @"^cpu_ms_per_frame=(?<cpu>[0-9.]+) p99_put_ms=(?<p99>[0-9.]+) max_put_ms=(?<max>[0-9.]+) p99_put_cpu_ms=(?<p99cpu>[0-9.]+) max_put_cpu_ms=(?<maxcpu>[0-9.]+) frames_out=(?<out>\d+) dropped=(?<dropped>\d+) encoder_delay_frames=(?<delay>\d+)$");

    [Fact]
    public void The_last_line_holds_the_figures_and_frames_out_is_counted_from_the_written_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"backpack-bench-test-{Guid.NewGuid():N}.mkv");
        try
        {
            var result = BackpackProcess.Run(["bench", "skyline", "--frames", "20", "--width", "160", "--height", "120", "--fps", "60", "--out", path]);

            result.ExitCode.Should().Be(0, result.Error);
            var last = result.Output.TrimEnd().Split('\n')[^1];
            var match = Figures.Match(last);
            match.Success.Should().BeTrue(last);
            var framesOut = int.Parse(match.Groups["out"].Value, CultureInfo.InvariantCulture);
            framesOut.Should().BeGreaterThan(0);
            // Under load SkyLine drops a frame rather than block the putting thread: every frame is written or counted.
            (framesOut + int.Parse(match.Groups["dropped"].Value, CultureInfo.InvariantCulture)).Should().BeInRange(19, 21, last);
            double.Parse(match.Groups["cpu"].Value, CultureInfo.InvariantCulture).Should().BeGreaterThan(0);
            double.Parse(match.Groups["maxcpu"].Value, CultureInfo.InvariantCulture).Should().BeGreaterThan(0, "a Put converts a frame: it takes CPU")
                .And.BeLessThanOrEqualTo(double.Parse(match.Groups["max"].Value, CultureInfo.InvariantCulture) + 0.05, "a thread's CPU time inside a call is not more than the call's wall time");
            File.Exists(path).Should().BeTrue();
            result.Output.Should().Contain("encoder=x264enc").And.Contain("cpu_by_thread_until_stop");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void With_pace_max_frames_faster_than_the_rate_are_counted_as_dropped()
    {
        var result = BackpackProcess.Run(["bench", "skyline", "--frames", "30", "--width", "160", "--height", "120", "--fps", "10", "--pace", "max"]);

        result.ExitCode.Should().Be(0, result.Error);
        var match = Figures.Match(result.Output.TrimEnd().Split('\n')[^1]);
        match.Success.Should().BeTrue(result.Output);
        var framesOut = int.Parse(match.Groups["out"].Value, CultureInfo.InvariantCulture);
        var dropped = int.Parse(match.Groups["dropped"].Value, CultureInfo.InvariantCulture);
        framesOut.Should().BeLessThan(30);
        dropped.Should().BeGreaterThan(0);
    }

    [Theory]
    [InlineData("--width", "15", "frame size 15x720")]
    [InlineData("--frames", "0", "--frames 0 is out of range")]
    [InlineData("--fps", "0", "--fps 0 is out of range")]
    [InlineData("--cpu-load", "-1", "--cpu-load -1 is out of range")]
    [InlineData("--cpu-load-nice", "20", "--cpu-load-nice 20 is out of range")]
    public void Arguments_out_of_range_are_refused_with_what_is_expected(string option, string value, string message)
    {
        var result = BackpackProcess.Run(["bench", "skyline", option, value]);

        result.ExitCode.Should().Be(2);
        result.Error.Should().Contain(message);
    }

    [Fact]
    public void With_a_cpu_load_busy_processes_run_beside_the_bench_and_are_gone_after_it()
    {
        var result = BackpackProcess.Run(["bench", "skyline", "--frames", "15", "--width", "160", "--height", "120", "--cpu-load", "2", "--cpu-load-nice", "15"]);

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Should().Contain("cpu_load=2@nice15");
        Figures.IsMatch(result.Output.TrimEnd().Split('\n')[^1]).Should().BeTrue(result.Output);
        BusyProcesses().Should().BeEmpty("the bench kills its busy processes when it ends");
    }

    private static List<string> BusyProcesses() =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(directory => Path.Combine(directory, "cmdline"))
            .Select(file => { try { return File.ReadAllText(file).Replace('\0', ' '); } catch (IOException) { return string.Empty; } catch (UnauthorizedAccessException) { return string.Empty; } })
            .Where(command => command.Contains("while :; do :; done", StringComparison.Ordinal))];

    [Fact]
    public void An_unknown_pace_is_refused()
    {
        var result = BackpackProcess.Run(["bench", "skyline", "--pace", "slow"]);

        result.ExitCode.Should().NotBe(0);
        result.Error.Should().Contain("slow");
    }

    [Fact]
    public void Without_GStreamer_the_bench_says_which_package_to_install()
    {
        var missing = Path.Combine(Path.GetTempPath(), "backpack-no-gstreamer-" + Guid.NewGuid().ToString("N"));

        var result = BackpackProcess.Run(
            ["bench", "skyline", "--frames", "2", "--width", "16", "--height", "16"],
            new Dictionary<string, string?> { ["BACKPACK_GSTREAMER_PATH"] = missing });

        result.ExitCode.Should().Be(1);
        result.Error.Should().Contain("libgstreamer-1.0.so.0").And.Contain("libgstreamer1.0-0");
    }
}
