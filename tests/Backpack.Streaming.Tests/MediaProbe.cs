using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Backpack.Streaming.Tests;

/// <summary>What ffprobe says about the video of a file, and ffmpeg's decoding of it, for checking recordings.</summary>
internal sealed record MediaProbe(string Codec, int Width, int Height, string FrameRate, int Packets, IReadOnlyList<double> PacketTimes, IReadOnlyList<bool> KeyFrames)
{
    /// <summary>Probes the first video stream: codec, size, declared frame rate and every packet's presentation time.</summary>
    internal static MediaProbe Of(string path)
    {
        var json = Run("ffprobe", "-v", "error", "-select_streams", "v:0",
            "-show_entries", "stream=codec_name,width,height,r_frame_rate:packet=pts_time,flags",
            "-of", "json", path);
        using var document = JsonDocument.Parse(json);
        var stream = document.RootElement.GetProperty("streams")[0];
        var packets = document.RootElement.GetProperty("packets").EnumerateArray().ToList();
        // Raw elementary streams have no presentation times; containers do.
        var times = packets
            .Where(packet => packet.TryGetProperty("pts_time", out _))
            .Select(packet => double.Parse(packet.GetProperty("pts_time").GetString()!, CultureInfo.InvariantCulture))
            .OrderBy(time => time)
            .ToList();
        var keys = packets.Select(packet => packet.GetProperty("flags").GetString()!.Contains('K', StringComparison.Ordinal)).ToList();
        return new MediaProbe(
            stream.GetProperty("codec_name").GetString()!,
            stream.GetProperty("width").GetInt32(),
            stream.GetProperty("height").GetInt32(),
            stream.GetProperty("r_frame_rate").GetString()!,
            packets.Count,
            times,
            keys);
    }

    /// <summary>Decodes the file and returns the mean luma of each frame, in presentation order (for frames that carry their number as brightness).</summary>
    internal static IReadOnlyList<double> MeanLuma(string path)
    {
        var bytes = Decode(path, "-vf", "scale=8:8", "-f", "rawvideo", "-pix_fmt", "gray", "-");
        return [.. Enumerable.Range(0, bytes.Length / 64).Select(frame => bytes.AsSpan(frame * 64, 64).ToArray().Average(value => (double)value))];
    }

    /// <summary>
    /// The grey level each coded frame shows, in presentation order, with no frame made up for gaps in time:
    /// the mean decoded luma taken back from limited range to the 0–255 level of the BGR frame that was put
    /// (what <see cref="TestFrames.IndexOf"/> reads), whatever the colour matrix.
    /// </summary>
    internal static IReadOnlyList<double> CodedFrameLevels(string path)
    {
        const int planes = (8 * 8) + (2 * 4 * 4);
        var bytes = Decode(path, "-fps_mode", "passthrough", "-vf", "scale=8:8", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-");
        return [.. Enumerable.Range(0, bytes.Length / planes).Select(frame =>
            (bytes.AsSpan(frame * planes, 64).ToArray().Average(value => (double)value) - 16) * 255 / 219)];
    }

    private static byte[] Decode(string path, params string[] outputArguments)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-v", "error", "-i", path }.Concat(outputArguments))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        using var output = new MemoryStream();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit(60_000).Should().BeTrue();
        process.ExitCode.Should().Be(0, error.Result);
        return output.ToArray();
    }

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException($"{program} did not finish");
        }
        process.ExitCode.Should().Be(0, $"{program} {string.Join(' ', arguments)} failed: {error.Result}");
        return output.Result;
    }
}
