using Backpack.Streaming.Tests.Rtsp;

namespace Backpack.Streaming.Tests.Runtime;

/// <summary>Runs one of the <see cref="RuntimeScenarios"/> in a process of its own: this test assembly, started through its entry point.</summary>
internal static class ScenarioProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>What the scenario reported.</summary>
    internal sealed record Result(ChildProcess.Result Process, ILookup<string, string> Reports)
    {
        /// <summary>The one value reported under <paramref name="key"/>.</summary>
        internal string this[string key] => Reports[key].Should().ContainSingle($"the scenario reports {key} once\n{Process}").Subject;

        /// <summary>The log entries, as <c>Level|Category|Message</c>.</summary>
        internal IEnumerable<string> Logs => Reports["log"];

        /// <summary>What the scenario wrote to standard error.</summary>
        internal string Error => Process.Error;

        /// <summary>Everything the process wrote, for assertion messages.</summary>
        public override string ToString() => Process.ToString();
    }

    /// <summary>Runs a scenario and waits for it (a bounded time); asserts that it ended normally.</summary>
    /// <param name="scenario">The name, one of the constants of <see cref="RuntimeScenarios"/>.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="workingDirectory">The working directory; null for this process's.</param>
    /// <param name="environment">Variables to set, or to remove (null value), in the child's environment.</param>
    internal static Result Run(string scenario, IEnumerable<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var process = ChildProcess.Run(
            "dotnet", ["exec", typeof(ScenarioProcess).Assembly.Location, "scenario", scenario, .. arguments], Timeout, workingDirectory, environment);
        var reports = process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToLookup(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
        process.ExitCode.Should().Be(0, $"the scenario {scenario} ends normally\n{process}");
        return new Result(process, reports);
    }
}
