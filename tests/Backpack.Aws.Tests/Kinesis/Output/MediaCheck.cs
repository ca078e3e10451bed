using System.Diagnostics;
using System.Globalization;

namespace Backpack.Aws.Tests.Kinesis.Output;

/// <summary>What mkvinfo and ffprobe say of a file.</summary>
internal static class MediaCheck
{
    /// <summary>mkvinfo's output; fails the test when mkvinfo reports an error.</summary>
    public static string MkvInfo(string path)
    {
        var (code, output, error) = Run("mkvinfo", path);
        if (code != 0 || output.Contains("Error", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"mkvinfo {path} exited {code}: {output}\n{error}");
        }
        return output;
    }

    /// <summary>The presentation times (s) of every decoded frame, in decode order; ffprobe decodes all of them.</summary>
    public static IReadOnlyList<double> DecodedFrameTimes(string path)
    {
        var (code, output, error) = Run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time", "-of", "csv=p=0", path);
        if (code != 0)
        {
            throw new InvalidOperationException($"ffprobe {path} exited {code}: {error}");
        }
        if (error.Trim().Length > 0)
        {
            throw new InvalidOperationException($"ffprobe reported decoding problems in {path}: {error}");
        }
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => double.Parse(line.TrimEnd(','), CultureInfo.InvariantCulture)).ToList();
    }

    private static (int Code, string Output, string Error) Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish in 60 s");
        }
        return (process.ExitCode, output.Result, error.Result);
    }
}
