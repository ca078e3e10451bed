using System.Runtime.InteropServices;
using Backpack.Streaming.Runtime;

namespace Backpack.Cli.Commands;

/// <summary>What the commands that stream until stopped (<c>demo</c>, <c>relay</c>) share: their prerequisites check and their stop on Ctrl+C or SIGTERM.</summary>
internal static class StreamingCommand
{
    /// <summary>Checks the native pieces named in <paramref name="prerequisites"/>; prints what to install and returns false when one is missing.</summary>
    /// <param name="command">The command's name, for the messages (<c>demo</c>).</param>
    /// <param name="prerequisites">The names of <see cref="StreamingPrerequisites.Check"/>'s items the command needs.</param>
    /// <param name="error">Where the messages go.</param>
    /// <param name="installHint">Appended to the install line, such as where a script installs them; may be empty.</param>
    internal static bool CheckPrerequisites(string command, IReadOnlyCollection<string> prerequisites, TextWriter error, string installHint = "")
    {
        var missing = StreamingPrerequisites.Check()
            .Where(item => prerequisites.Contains(item.Name) && !item.IsPresent)
            .ToList();
        if (missing.Count == 0)
        {
            return true;
        }
        foreach (var item in missing)
        {
            error.WriteLine($"backpack {command}: {item.Name} is missing ({item.Detail}); it comes with the Debian package {item.Package}.");
        }
        error.WriteLine($"Install them with: sudo apt-get install {string.Join(' ', missing.Select(item => item.Package).Distinct())}{installHint}.");
        return false;
    }

    /// <summary>Cancels <paramref name="stop"/> on Ctrl+C (SIGINT) and SIGTERM instead of ending the process, until disposed: the command then stops cleanly.</summary>
    internal static IDisposable StopOnSignals(CancellationTokenSource stop) => new SignalRegistrations(stop);

    private sealed class SignalRegistrations(CancellationTokenSource stop) : IDisposable
    {
        private readonly PosixSignalRegistration _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Cancel(context, stop));
        private readonly PosixSignalRegistration _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Cancel(context, stop));

        public void Dispose()
        {
            _interrupt.Dispose();
            _terminate.Dispose();
        }

        private static void Cancel(PosixSignalContext context, CancellationTokenSource stop)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }
}
