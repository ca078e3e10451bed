using System.Diagnostics;

namespace Backpack.Streaming.Tests.Rtsp;

/// <summary>A real client program (ffprobe, ffmpeg, gst-launch-1.0) run to completion with a bounded wait; killed if it overruns.</summary>
internal static class ChildProcess
{
    /// <summary>What the program did.</summary>
    internal sealed record Result(int ExitCode, string Output, string Error, TimeSpan Elapsed)
    {
        /// <summary>Everything it wrote, for assertion messages.</summary>
        public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\nstdout: {Output}\nstderr: {Error}";
    }

    /// <summary>Runs a program and waits for it at most <paramref name="timeout"/>; an overrun kills it and throws.</summary>
    internal static Result Run(string program, IEnumerable<string> arguments, TimeSpan timeout)
    {
        using var running = StartBackground(program, arguments);
        return running.WaitForExit(timeout);
    }

    /// <summary>Starts a program in the background; the caller disposes it (which kills it if still running).</summary>
    internal static Background StartBackground(string program, IEnumerable<string> arguments) => new(Start(program, arguments));

    private static Process Start(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
    }

    /// <summary>A program running while the test goes on.</summary>
    internal sealed class Background : IDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _error;
        private readonly Task<string> _output;
        private bool _disposed;

        internal Background(Process process)
        {
            _process = process;
            _output = process.StandardOutput.ReadToEndAsync();
            _error = process.StandardError.ReadToEndAsync();
        }

        internal bool HasExited => _process.HasExited;

        /// <summary>Waits for the program to end by itself; kills it at the timeout.</summary>
        internal Result WaitForExit(TimeSpan timeout)
        {
            var watch = Stopwatch.StartNew();
            if (!_process.WaitForExit(timeout))
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5_000);
                throw new TimeoutException(
                $"{_process.StartInfo.FileName} {string.Join(' ', _process.StartInfo.ArgumentList)} did not finish within {timeout.TotalSeconds} s; stderr: {_error.Result}");
            }
            return new Result(_process.ExitCode, _output.Result, _error.Result, watch.Elapsed);
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5_000);
            }
            _process.Dispose();
        }
    }
}
