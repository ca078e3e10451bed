using Backpack.Streaming.Tests.Runtime;

namespace Backpack.Streaming.Tests;

/// <summary>
/// The test assembly's entry point, which test runners do not call: <c>dotnet Backpack.Streaming.Tests.dll
/// scenario NAME ARGUMENTS...</c> runs one of the <see cref="RuntimeScenarios"/> in a process of its own,
/// for what happens once per process (GStreamer's start, its runtime configuration, the exit).
/// </summary>
internal static class Program
{
    internal static int Main(string[] args)
    {
        if (args is ["scenario", var name, .. var arguments])
        {
            return RuntimeScenarios.Run(name, arguments);
        }
        Console.Error.WriteLine("usage: dotnet Backpack.Streaming.Tests.dll scenario NAME [ARGUMENTS...]; the tests run through a test runner (dotnet test).");
        return 2;
    }
}
