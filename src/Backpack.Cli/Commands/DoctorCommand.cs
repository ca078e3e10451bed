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

    /// <summary>What Kinesis Video Streams needs: kvssink is optional because the managed producer is the default.</summary>
    internal const string KinesisNote =
        "Kinesis Video Streams: KvsSkyLine and backpack demo --kvs-stream use the managed PutMedia producer, which needs nothing more; " +
        "kvssink is needed only for KvsSkyLine's kvssink mode.";

    /// <summary>Prints one line per prerequisite; returns 0 exactly when every required one is present.</summary>
    internal static int Run(TextWriter output)
    {
        var items = StreamingPrerequisites.Check();
        var width = items.Max(item => item.Name.Length) + 2;
        var runtimePresent = items[0].IsPresent;
        foreach (var item in items)
        {
            var status = item.IsPresent ? "ok" : item.IsRequired ? "MISSING" : "missing";
            var kind = item.IsRequired ? "required" : "optional";
            var advice = item.IsPresent
                ? item.Detail
                : $"{item.Detail}; {Advice(item.Package, optionalInRegistry: !item.IsRequired && runtimePresent, IsInstalled)}";
            output.WriteLine($"{status,-8} {item.Name.PadRight(width)} {kind,-9} {advice}");
        }
        output.WriteLine(KinesisNote);
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

    /// <summary>What to do about a missing item whose provider is <paramref name="package"/>.</summary>
    /// <param name="package">The Debian package, or a sentence when Debian does not ship it.</param>
    /// <param name="optionalInRegistry">The item is optional and GStreamer itself loaded, so the registry was searched.</param>
    /// <param name="isInstalled">Whether a Debian package is installed.</param>
    /// <remarks>
    /// An optional element missing from the registry although its package is installed is no install
    /// away: hardware encoders such as v4l2h264enc register only on a machine with a device that supports them.
    /// </remarks>
    internal static string Advice(string package, bool optionalInRegistry, Func<string, bool> isInstalled)
    {
        if (!IsDebianPackage(package))
        {
            return package;
        }
        return optionalInRegistry && isInstalled(package)
            ? $"Debian package {package} is installed: the element registers only where a device or driver supports it"
            : $"install Debian package {package}";
    }

    /// <summary>Whether dpkg lists <paramref name="package"/> as installed (for any architecture).</summary>
    internal static bool IsInstalled(string package)
    {
        const string info = "/var/lib/dpkg/info";
        return Directory.Exists(info)
            && (File.Exists(Path.Combine(info, package + ".list"))
                || Directory.EnumerateFiles(info, package + ":*.list").Any());
    }

    private static bool IsDebianPackage(string package) => !package.Contains(':', StringComparison.Ordinal);
}
