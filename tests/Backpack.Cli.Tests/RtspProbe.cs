using System.Diagnostics;

namespace Backpack.Cli.Tests;

/// <summary>A real RTSP client (ffprobe) that decodes what a backpack command serves.</summary>
internal static class RtspProbe
{
    /// <summary>ffprobe over TCP for 3.5 s: <c>width,height,frames read</c> of the first video stream.</summary>
    internal static ProcessResult Frames(Uri url, string[] extraArguments)
    {
        var start = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[
            "-v", "error", "-rtsp_transport", "tcp", "-count_frames", "-read_intervals", "%+3.5", "-select_streams", "v:0",
            "-show_entries", "stream=width,height,nb_read_frames", "-of", "csv=p=0", .. extraArguments, url.ToString()])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(BackgroundBackpack.Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("ffprobe did not finish");
        }
        return new ProcessResult(process.ExitCode, output.Result.Trim(), error.Result, TimeSpan.Zero);
    }
}
