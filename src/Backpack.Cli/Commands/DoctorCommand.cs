using System.CommandLine;
using Backpack.Streaming.Runtime;

namespace Backpack.Cli.Commands;

/// <summary><c>backpack doctor</c>: checks the native pieces the library needs at run time.</summary>
internal static class DoctorCommand
{
    internal static Command Create()
    {
        var command = new Command("doctor", "Check that GStreamer and every element SkyLine and RTSP need are installed; name the Debian package of what is missing.");
        command.SetAction(parseResult => Run(parseResult.InvocationConfiguration.Output));
        return command;
    }

    /// <summary>Prints one line per prerequisite; returns 0 exactly when every required one is present.</summary>
    internal static int Run(TextWriter output)
    {
        var items = StreamingPrerequisites.Check();
        var width = items.Max(item => item.Name.Length) + 2;
        foreach (var item in items)
        {
            var status = item.IsPresent ? "ok" : item.IsRequired ? "MISSING" : "missing";
            var kind = item.IsRequired ? "required" : "optional";
            var advice = item.IsPresent
                ? item.Detail
                : $"{item.Detail}; {Advice(item.Package)}";
            output.WriteLine($"{status,-8} {item.Name.PadRight(width)} {kind,-9} {advice}");
        }
        var missing = items.Where(item => item.IsRequired && !item.IsPresent).ToList();
        if (missing.Count == 0)
        {
            output.WriteLine("All required prerequisites are present.");
            return ExitCodes.Success;
        }
        var packages = missing.Select(item => item.Package).Distinct().Where(IsDebianPackage);
        output.WriteLine($"{missing.Count} required prerequisite(s) missing. Install them with: sudo apt-get install {string.Join(' ', packages)}");
        return ExitCodes.Failed;
    }

    private static string Advice(string package) =>
        IsDebianPackage(package) ? $"install Debian package {package}" : package;

    private static bool IsDebianPackage(string package) => !package.Contains(':', StringComparison.Ordinal);
}
