using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Backpack.Cli.Tests;

/// <summary>What a finished process printed and how it ended.</summary>
internal sealed record ProcessResult(int ExitCode, string Output, string Error, TimeSpan Elapsed);

/// <summary>
/// The built backpack command running in the background (<c>demo</c>, <c>relay</c>), its output read as it comes:
/// tests wait for the RTSP URLs it prints, then watch them with real clients.
/// </summary>
internal sealed class BackgroundBackpack : IDisposable
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Regex _urlLine;
    private readonly int _urlsExpected;
    private readonly StringWriter _output = new();
    private readonly List<Uri> _urls = [];
    private readonly Task<string> _error;
    private readonly TaskCompletionSource<IReadOnlyList<Uri>> _allUrls = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly Task _reader;

    private BackgroundBackpack(Process process, Regex urlLine, int urlsExpected)
    {
        _process = process;
        _urlLine = urlLine;
        _urlsExpected = urlsExpected;
        _error = process.StandardError.ReadToEndAsync();
        _reader = Task.Run(ReadOutput);
    }

    /// <summary>Starts <c>backpack</c> with <paramref name="arguments"/>; a line matching <paramref name="urlLine"/> (group <c>url</c>) announces a URL.</summary>
    internal static BackgroundBackpack Start(Regex urlLine, int urlsExpected, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Backpack.Cli.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return new BackgroundBackpack(Process.Start(start)!, urlLine, urlsExpected);
    }

    /// <summary>The process's id (to read its /proc entries).</summary>
    internal int ProcessId => _process.Id;

    /// <summary>What it printed so far.</summary>
    internal string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Waits for the URL lines and returns their URLs, in the order printed.</summary>
    internal IReadOnlyList<Uri> WaitForUrls()
    {
        if (!_allUrls.Task.Wait(Timeout))
        {
            throw new TimeoutException($"backpack printed no URL; output: {Output} error: {(_process.HasExited ? _error.Result : "(running)")}");
        }
        return _allUrls.Task.Result;
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    internal void Interrupt()
    {
        using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit(5_000);
    }

    internal ProcessResult WaitForExit()
    {
        if (!_process.WaitForExit(Timeout))
        {
            throw new TimeoutException($"backpack did not stop; output: {Output}");
        }
        _reader.Wait(Timeout);
        return new ProcessResult(_process.ExitCode, Output, _error.Result, _watch.Elapsed);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }

    private async Task ReadOutput()
    {
        while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_output)
            {
                _output.WriteLine(line);
            }
            if (_urlLine.Match(line) is { Success: true } match)
            {
                _urls.Add(new Uri(match.Groups["url"].Value));
                if (_urls.Count == _urlsExpected)
                {
                    _allUrls.TrySetResult([.. _urls]);
                }
            }
        }
        _allUrls.TrySetException(new InvalidOperationException("backpack ended without printing its URLs: " + Output));
    }
}
