using System.Diagnostics;

namespace Backpack.Cli.Tests;

/// <summary>Runs the built <c>backpack</c> command in a process of its own, as a user would.</summary>
internal static class BackpackProcess
{
    /// <summary>The exit code and everything the process wrote.</summary>
    internal sealed record Result(int ExitCode, string Output, string Error);

    internal static Result Run(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var entry = Path.Combine(AppContext.BaseDirectory, "Backpack.Cli.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        start.ArgumentList.Add(entry);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
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
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"backpack {string.Join(' ', args)} did not finish in time");
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }
}
