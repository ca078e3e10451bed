using System.CommandLine;

namespace Backpack.Cli.Commands;

/// <summary><c>backpack bench</c>: whole-pipeline benchmarks whose figures compare with reference scripts in bench/.</summary>
internal static class BenchCommand
{
    internal static Command Create()
    {
        var command = new Command("bench", "Whole-pipeline benchmarks; each prints its figures as key=value pairs on its last line.");
        command.Subcommands.Add(RtspLatencyBenchCommand.Create());
        command.Subcommands.Add(SkyLineBenchCommand.Create());
        command.Subcommands.Add(RtspSwapBenchCommand.Create());
        return command;
    }
}
