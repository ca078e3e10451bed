using System.Diagnostics;

namespace Backpack.Aws.Tests.Kinesis.Producer;

/// <summary>Runs a media tool (gst-launch-1.0, mkvinfo, ffprobe) to its end and gives back what it said.</summary>
internal static class Tool
{
    internal sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{program} is not installed; eng/prerequisites.sh runtime test installs it.", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} did not finish in 120 s");
            }
            return new Result(process.ExitCode, output.Result, error.Result);
        }
    }
}
