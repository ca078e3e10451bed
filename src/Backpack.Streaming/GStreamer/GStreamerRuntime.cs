using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer.Native;
using Backpack.Streaming.Runtime;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// Process-wide GStreamer initialisation and registry look-ups. GStreamer may be initialised
/// once per process; every entry point of the package goes through <see cref="TryInitialize"/>.
/// </summary>
/// <remarks>Thread safe.</remarks>
internal static class GStreamerRuntime
{
    private static readonly Lock Gate = new();
    private static bool _initialized;
    private static Failure? _failure;

    /// <summary>Why GStreamer is unavailable and which Debian package would mend it.</summary>
    internal sealed record Failure(string Reason, string Package)
    {
        /// <summary>The reason followed by the package to install, for exceptions and logs.</summary>
        public string Message => $"{Reason}. Install the Debian package {Package}.";
    }

    /// <summary>Whether GStreamer was initialised in this process (by this library or by anyone else).</summary>
    internal static bool IsInitialized
    {
        get
        {
            lock (Gate)
            {
                return _initialized || (NativeLibraries.TryLoad(NativeLibraries.GStreamer, out _) && Gst.IsInitialized());
            }
        }
    }

    /// <summary>
    /// Loads and initialises GStreamer once. Returns false with the reason and the package to install
    /// when the runtime cannot be loaded or refuses to start.
    /// </summary>
    internal static bool TryInitialize(out Failure? failure)
    {
        lock (Gate)
        {
            if (!_initialized && _failure is null)
            {
                _failure = Initialize();
                _initialized = _failure is null;
            }
            failure = _failure;
            return _initialized;
        }
    }

    /// <summary>Initialises GStreamer or throws saying what is missing.</summary>
    /// <exception cref="GStreamerUnavailableException">The runtime cannot be loaded or initialised.</exception>
    internal static void EnsureInitialized()
    {
        if (!TryInitialize(out var failure))
        {
            throw new GStreamerUnavailableException(failure!.Message, element: null, failure.Package);
        }
    }

    /// <summary>The version of the loaded runtime, such as 1.22.0. Requires initialisation.</summary>
    internal static Version Version
    {
        get
        {
            EnsureInitialized();
            Gst.Version(out var major, out var minor, out var micro, out _);
            return new Version((int)major, (int)minor, (int)micro);
        }
    }

    /// <summary>
    /// Looks an element factory up in the registry (which scans GST_PLUGIN_PATH and the system
    /// plugin directories). Returns the name of the providing plugin, or null when absent.
    /// </summary>
    internal static string? FindElementPlugin(string element)
    {
        EnsureInitialized();
        var factory = Gst.ElementFactoryFind(element);
        if (factory == 0)
        {
            return null;
        }
        try
        {
            return Marshal.PtrToStringUTF8(Gst.PluginFeatureGetPluginName(factory)) ?? string.Empty;
        }
        finally
        {
            Gst.ObjectUnref(factory);
        }
    }

    /// <summary>Whether the registry has an element factory of that name.</summary>
    internal static bool HasElement(string element) => FindElementPlugin(element) is not null;

    /// <summary>
    /// Throws when an element is not in the registry, naming every missing one and the Debian
    /// package (or other source) of each.
    /// </summary>
    /// <exception cref="GStreamerUnavailableException">GStreamer or an element is missing.</exception>
    internal static void RequireElements(IEnumerable<string> elements, string purpose)
    {
        EnsureInitialized();
        var missing = elements.Distinct(StringComparer.Ordinal).Where(element => !HasElement(element)).ToList();
        if (missing.Count == 0)
        {
            return;
        }
        var parts = missing.Select(element => $"{element} (Debian package: {DebianPackages.ForElement(element)})");
        var installable = missing.Select(DebianPackages.ForElement).Where(DebianPackages.IsInstallable).Distinct().ToList();
        var advice = installable.Count > 0 ? $" Install it with: sudo apt-get install {string.Join(' ', installable)}." : string.Empty;
        throw new GStreamerUnavailableException(
            $"{purpose} needs the GStreamer element{(missing.Count > 1 ? "s" : string.Empty)} {string.Join(", ", parts)}, " +
            $"which {(missing.Count > 1 ? "are" : "is")} not installed.{advice} Run 'backpack doctor' for a full check.",
            missing[0],
            DebianPackages.ForElement(missing[0]));
    }

    /// <summary>
    /// Adds the plugins in the directories of a GST_PLUGIN_PATH-style list (colon separated) to the
    /// registry of a running GStreamer. Returns the directories that held new plugins.
    /// </summary>
    internal static IReadOnlyList<string> ScanPluginPath(string pluginPath)
    {
        EnsureInitialized();
        var registry = Gst.RegistryGet();
        var added = new List<string>();
        foreach (var directory in pluginPath.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Directory.Exists(directory) && Gst.RegistryScanPath(registry, directory))
            {
                added.Add(directory);
            }
        }
        return added;
    }

    private static Failure? Initialize()
    {
        foreach (var library in new[] { NativeLibraries.GLib, NativeLibraries.GObject, NativeLibraries.GStreamer })
        {
            if (!NativeLibraries.TryLoad(library, out _))
            {
                return new Failure(
                    $"GStreamer is not installed: {NativeLibraries.SharedObjectOf(library)} could not be loaded{LocationHint()}",
                    DebianPackages.ForLibrary(library));
            }
        }
        if (Gst.IsInitialized())
        {
            return null;
        }
        if (!Gst.InitCheck(0, 0, out var error))
        {
            return new Failure(
                "GStreamer failed to initialise: " + (GLib.TakeErrorMessage(error) ?? "no reason given"),
                DebianPackages.ForLibrary(NativeLibraries.GStreamer));
        }
        return null;
    }

    private static string LocationHint()
    {
        var directory = Environment.GetEnvironmentVariable(NativeLibraries.PathVariable);
        return string.IsNullOrEmpty(directory) ? string.Empty : $" from {directory} ({NativeLibraries.PathVariable})";
    }
}
