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
    /// <param name="program">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="timeout">How long it may run.</param>
    /// <param name="workingDirectory">Its working directory; null for this process's.</param>
    /// <param name="environment">Variables to set, or to remove (null value), in its environment.</param>
    internal static Result Run(string program, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var running = new Background(Start(program, arguments, workingDirectory, environment));
        return running.WaitForExit(timeout);
    }

    /// <summary>Starts a program in the background; the caller disposes it (which kills it if still running).</summary>
    internal static Background StartBackground(string program, IEnumerable<string> arguments) => new(Start(program, arguments, null, null));

    private static Process Start(string program, IEnumerable<string> arguments, string? workingDirectory, IReadOnlyDictionary<string, string?>? environment)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
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
