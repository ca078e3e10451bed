using System.CommandLine;
using System.CommandLine.Help;
using Backpack.Cli.Commands;

namespace Backpack.Cli;

/// <summary>Entry point of the <c>backpack</c> command.</summary>
internal static class Program
{
    internal static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>
    /// Parses and runs one command line, writing to the given writers; returns the exit code. A command
    /// line that does not parse (unknown command or option, a value of the wrong type) prints what was
    /// wrong and exits with <see cref="ExitCodes.BadInput"/>, as a command's own argument checks do.
    /// </summary>
    internal static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = BuildRootCommand();
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        var parsed = root.Parse(args);
        var exit = parsed.Invoke(configuration);
        return parsed.Errors.Count > 0 ? ExitCodes.BadInput : exit;
    }

    /// <summary>The root command with every subcommand; each subcommand lives in a file of its own under Commands/.</summary>
    /// <remarks>
    /// A plain command named <c>backpack</c> rather than a <see cref="RootCommand"/>, whose name would be
    /// the executable's (<c>Backpack.Cli</c>), not the tool command users type.
    /// </remarks>
    internal static Command BuildRootCommand()
    {
        var root = new Command(
            "backpack",
            "Backpack for .NET: make an edge video-analytics application observable from afar " +
            "(SkyLine streaming, annotations, Timepiece, AutoIdentity).")
        {
            Options = { new HelpOption(), new VersionOption() },
        };
        root.Subcommands.Add(AnnotateCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(IdentityCommand.Create());
        root.Subcommands.Add(KvsUrlCommand.Create());
        root.Subcommands.Add(RelayCommand.Create());
        root.Subcommands.Add(RtspManifestCommand.Create());
        return root;
    }
}
