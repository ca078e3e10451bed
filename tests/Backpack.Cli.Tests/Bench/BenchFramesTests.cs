using System.Diagnostics;
using Backpack.Cli.Bench;

namespace Backpack.Cli.Tests.Bench;

public sealed class BenchFramesTests
{
    [Fact]
    public async Task The_generated_frames_are_byte_for_byte_those_of_the_reference_script()
    {
        var script = FindUpward("bench/skyline/frames.py");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { script, "--frames", "40", "--width", "96", "--height", "64" })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        using var reference = new MemoryStream();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(reference);
        process.WaitForExit(60_000).Should().BeTrue();
        process.ExitCode.Should().Be(0, await error);

        var expected = reference.ToArray();
        expected.Should().HaveCount(40 * 96 * 64 * 3);
        for (var i = 0; i < 40; i++)
        {
            using var frame = BenchFrames.Create(96, 64, i);
            frame.Pixels.ToArray().Should().Equal(expected.AsSpan(i * 96 * 64 * 3, 96 * 64 * 3).ToArray(), $"frame {i}");
        }
    }

    [Fact]
    public void A_frame_follows_the_definition_at_sample_points()
    {
        using var frame = BenchFrames.Create(1280, 720, 7);
        var pixels = frame.Pixels;

        // Background at (x=0, y=719): B = 0, G = 255, R = 128.
        pixels.Slice((719 * frame.Stride) + 0, 3).ToArray().Should().Equal(0, 255, 128);
        // Square k = 7 (white) of side 90 at x = (7*1280/8 + 7*8*4) % 1190 = 154, y = (7*720/10 + 7*1*3) % 630 = 525.
        pixels.Slice((525 * frame.Stride) + (154 * 3), 3).ToArray().Should().Equal(255, 255, 255);
        pixels.Slice((614 * frame.Stride) + (243 * 3), 3).ToArray().Should().Equal(255, 255, 255);
        pixels.Slice((614 * frame.Stride) + (244 * 3), 3).ToArray().Should().NotEqual(new byte[] { 255, 255, 255 });
    }

    private static string FindUpward(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
