using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer.Native;
using Backpack.Streaming.Runtime;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// Process-wide GStreamer initialisation, its runtime configuration and registry look-ups. GStreamer
/// may be initialised once per process; every entry point of the package goes through
/// <see cref="TryInitialize"/>. The configuration (<see cref="StreamingRuntime.Configure"/>) is applied
/// once: the .env file and the log file when it is given, the rest right after <c>gst_init</c>. Without
/// one, the first use applies <see cref="RuntimeSettings.Defaults"/>. Nothing sets the environment once
/// GStreamer started.
/// </summary>
/// <remarks>Thread safe: configuration and initialisation run under one lock.</remarks>
internal static partial class GStreamerRuntime
{
    /// <summary>The category of the runtime's own logs (.env, configuration).</summary>
    internal const string LogCategory = "Backpack.Streaming.Runtime";

    /// <summary>The category GStreamer's forwarded log is written under.</summary>
    internal const string GStreamerLogCategory = "Backpack.Streaming.GStreamer";

    /// <summary>The category of faults of native callbacks that have no logger of their own.</summary>
    internal const string NativeLogCategory = "Backpack.Streaming.Native";

    private static readonly Lock Gate = new();
    private static bool _initialized;
    private static Failure? _failure;
    private static RuntimeSettings? _configured;
    private static string? _startedBy;

    /// <summary>Why GStreamer is unavailable and which Debian package would mend it.</summary>
    internal sealed record Failure(string Reason, string Package)
    {
        /// <summary>The reason followed by the package to install, for exceptions and logs.</summary>
        public string Message => $"{Reason}. Install the Debian package {Package}.";
    }

    /// <summary>
    /// Records the process's runtime configuration and applies what must come before GStreamer starts:
    /// opens the log file and applies the .env file. The same configuration again does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// Another configuration was applied (the message lists what differs), or GStreamer started already
    /// (the message says what started it).
    /// </exception>
    /// <exception cref="ArgumentException">The log file cannot be opened for appending.</exception>
    /// <exception cref="FileNotFoundException">The .env file named does not exist.</exception>
    internal static void Configure(RuntimeSettings settings)
    {
        lock (Gate)
        {
            if (_configured is { } first)
            {
                var differences = first.Differences(settings);
                if (differences.Count == 0)
                {
                    return;
                }
                throw new InvalidOperationException(
                    $"The streaming runtime of this process is already configured, differently: {string.Join("; ", differences)}. " +
                    "It is configured once per process; expected the same StreamingRuntimeOptions (and logger factory) as the first call.");
            }
            if (StartedDescription() is { } started)
            {
                throw new InvalidOperationException(
                    $"StreamingRuntime.Configure came too late: {started}. " +
                    "Expected Configure before anything uses GStreamer (the first SkyLine, RtspServer or StreamingPrerequisites.Check), once per process.");
            }
            ApplyBeforeStart(settings, explicitly: true);
            _configured = settings;
            if (settings.LoggerFactory is { } factory)
            {
                NativeBoundary.FallbackLogger = factory.CreateLogger(NativeLogCategory);
            }
        }
    }

    /// <summary>
    /// Loads and initialises GStreamer once, with the configuration (or the defaults). Returns false with
    /// the reason and the package to install when the runtime cannot be loaded or refuses to start.
    /// </summary>
    /// <param name="failure">Why it failed, or null.</param>
    /// <param name="caller">Filled in by the compiler: the source file of the caller, to say what started GStreamer.</param>
    internal static bool TryInitialize(out Failure? failure, [CallerFilePath] string caller = "")
    {
        lock (Gate)
        {
            if (!_initialized && _failure is null)
            {
                _startedBy = Path.GetFileNameWithoutExtension(caller).Split('.')[0];
                var settings = _configured ?? RuntimeSettings.Defaults;
                if (_configured is null)
                {
                    ApplyBeforeStart(settings, explicitly: false);
                }
                _failure = Initialize();
                _initialized = _failure is null;
                if (_initialized)
                {
                    ApplyAfterStart(settings);
                }
            }
            failure = _failure;
            return _initialized;
        }
    }

    /// <summary>Initialises GStreamer or throws saying what is missing.</summary>
    /// <exception cref="GStreamerUnavailableException">The runtime cannot be loaded or initialised.</exception>
    /// <param name="caller">Filled in by the compiler: the source file of the caller, to say what started GStreamer.</param>
    internal static void EnsureInitialized([CallerFilePath] string caller = "")
    {
        if (!TryInitialize(out var failure, caller))
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

    /// <summary>What started GStreamer in this process, or null when nothing did.</summary>
    private static string? StartedDescription()
    {
        if (_initialized)
        {
            return $"GStreamer already started in this process (first used from {_startedBy}) with the default runtime configuration";
        }
        if (_failure is not null)
        {
            return $"GStreamer already tried to start in this process (first used from {_startedBy}) and failed: {_failure.Reason}";
        }
        return NativeLibraries.TryLoad(NativeLibraries.GStreamer, out _) && Gst.IsInitialized()
            ? "GStreamer was already initialised in this process by other code"
            : null;
    }

    /// <summary>
    /// Reads the .env file, opens the log file, then sets the environment from the .env file: here,
    /// before GStreamer starts, and never after. What can fail is done before anything is set. With
    /// <paramref name="explicitly"/> false (the defaults, at first use) a .env file found but unreadable
    /// is a warning rather than an error.
    /// </summary>
    private static void ApplyBeforeStart(RuntimeSettings settings, bool explicitly)
    {
        var logger = settings.LoggerFactory?.CreateLogger(LogCategory) ?? StandardErrorLogger.Instance;
        var dotEnv = settings.LoadDotEnv ? settings.DotEnvPath ?? DotEnv.Find(Directory.GetCurrentDirectory()) : null;
        IReadOnlyList<DotEnv.Decision> decisions = [];
        if (dotEnv is not null)
        {
            try
            {
                decisions = DotEnv.Read(dotEnv);
            }
            catch (Exception exception) when (!explicitly && exception is IOException or UnauthorizedAccessException)
            {
                LogDotEnvUnreadable(logger, exception, dotEnv);
            }
        }
        if (settings.GStreamerLogFile is { } file)
        {
            try
            {
                GStreamerLog.OpenFile(file);
            }
            catch (IOException exception)
            {
                throw RuntimeSettings.Invalid(
                    nameof(StreamingRuntimeOptions.GStreamerLogFile),
                    $"cannot be used: {exception.Message} Expected a file path in an existing directory that this process may write.",
                    exception);
            }
        }
        if (dotEnv is not null)
        {
            DotEnv.Apply(dotEnv, decisions, logger);
        }
    }

    /// <summary>Applies what needs a running GStreamer: plugin directories, thresholds, the log function.</summary>
    private static void ApplyAfterStart(RuntimeSettings settings)
    {
        if (settings.PluginPath is { } pluginPath)
        {
            _ = ScanPluginPath(pluginPath);
        }
        if (settings.GStreamerLogLevel is { } levels)
        {
            GStreamerLog.ApplyLevels(levels);
        }
        if (settings.ForwardGStreamerLog)
        {
            _ = GStreamerLog.Forward(settings.LoggerFactory!.CreateLogger(GStreamerLogCategory));
        }
        GStreamerLog.Attach();
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The .env file {Path} was found but cannot be read; GStreamer starts without it")]
    private static partial void LogDotEnvUnreadable(ILogger logger, Exception exception, string path);
}
