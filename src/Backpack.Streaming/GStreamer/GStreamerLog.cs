using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Backpack.Streaming.GStreamer.Native;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// GStreamer's debug log, which is process-wide: its thresholds (the GST_DEBUG syntax), copies to
/// files written by GStreamer's own formatter (as GST_DEBUG_FILE does), and forwarding to ILogger.
/// Once a file or a logger receives the log, GStreamer stops writing it to stderr.
/// </summary>
/// <remarks>Thread safe.</remarks>
internal static partial class GStreamerLog
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, nint> Files = new(StringComparer.Ordinal);
    private static readonly Regex LevelList = LevelListPattern();
    private static ILogger[] _loggers = [];
    private static bool _stderrRemoved;
    private static bool _forwarding;
    private static bool _thresholdSet;

    /// <summary>
    /// Sets thresholds from a GST_DEBUG-style list: a level (0–9 or a name such as WARNING) or
    /// comma-separated <c>category-pattern:level</c> pairs, such as <c>2,x264enc:5</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The list is not in that syntax.</exception>
    internal static void SetLevels(string levels)
    {
        ValidateLevels(levels);
        GStreamerRuntime.EnsureInitialized();
        lock (Gate)
        {
            Gst.DebugSetActive(true);
            Gst.DebugSetThresholdFromString(levels, reset: true);
            _thresholdSet = true;
        }
    }

    /// <summary>Checks the syntax of a GST_DEBUG-style list without applying it.</summary>
    /// <exception cref="ArgumentException">The list is not in that syntax.</exception>
    internal static void ValidateLevels(string levels, string parameterName = "levels")
    {
        if (string.IsNullOrWhiteSpace(levels) || !LevelList.IsMatch(levels))
        {
            throw new ArgumentException(
                $"'{levels}' is not a GStreamer log level list; expected a level from 0 to 9 (or NONE, ERROR, WARNING, FIXME, INFO, DEBUG, LOG, TRACE, MEMDUMP), " +
                "or comma-separated category:level pairs such as '2,x264enc:5'.",
                parameterName);
        }
    }

    /// <summary>Writes the log (as GStreamer formats it) to a file, appending. Registering the same path again does nothing.</summary>
    /// <exception cref="IOException">The file cannot be opened for writing.</exception>
    internal static void AddFile(string path)
    {
        var fullPath = Path.GetFullPath(path);
        GStreamerRuntime.EnsureInitialized();
        lock (Gate)
        {
            if (Files.ContainsKey(fullPath))
            {
                return;
            }
            var stream = LibC.FOpen(fullPath, "a");
            if (stream == 0)
            {
                throw new IOException($"The GStreamer log file {fullPath} cannot be opened for writing: {Marshal.GetLastPInvokeErrorMessage()}.");
            }
            RemoveStderrWriter();
            unsafe
            {
                Gst.DebugAddLogFunction(DefaultLogFunction(), stream, null);
            }
            Files.Add(fullPath, stream);
            EnsureActive();
        }
    }

    /// <summary>
    /// Forwards the log to a logger until the returned registration is disposed. Messages at
    /// GStreamer's ERROR level become errors, WARNING and FIXME warnings, INFO information, DEBUG
    /// debug, and finer levels trace. Unless thresholds were set, warnings and errors are forwarded.
    /// </summary>
    internal static IDisposable Forward(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        GStreamerRuntime.EnsureInitialized();
        lock (Gate)
        {
            if (!_forwarding)
            {
                RemoveStderrWriter();
                unsafe
                {
                    Gst.DebugAddLogFunction((nint)(delegate* unmanaged<nint, Gst.DebugLevel, nint, nint, int, nint, nint, nint, void>)&Log, 0, null);
                }
                _forwarding = true;
            }
            _loggers = [.. _loggers, logger];
            EnsureActive();
        }
        return new Registration(logger);
    }

    private static void EnsureActive()
    {
        Gst.DebugSetActive(true);
        if (!_thresholdSet && Gst.DebugGetDefaultThreshold() < Gst.DebugLevel.Warning)
        {
            Gst.DebugSetDefaultThreshold(Gst.DebugLevel.Warning);
        }
    }

    private static void RemoveStderrWriter()
    {
        if (!_stderrRemoved)
        {
            // Removes GStreamer's writer to stderr (or to GST_DEBUG_FILE); files are added back explicitly.
            _ = Gst.DebugRemoveLogFunction(DefaultLogFunction());
            _stderrRemoved = true;
        }
    }

    private static nint DefaultLogFunction() =>
        NativeLibraries.TryLoad(NativeLibraries.GStreamer, out var library)
            ? NativeLibrary.GetExport(library, "gst_debug_log_default")
            : throw new GStreamerException("GStreamer is not loaded.");

    [UnmanagedCallersOnly]
    private static unsafe void Log(nint category, Gst.DebugLevel level, nint file, nint function, int line, nint gObject, nint message, nint userData) =>
        NativeBoundary.Run("GStreamer log function", new LogCall(category, level, function, message), &Forward);

    private static void Forward(LogCall call)
    {
        var loggers = _loggers;
        if (loggers.Length == 0)
        {
            return;
        }
        var logLevel = call.Level switch
        {
            Gst.DebugLevel.Error => LogLevel.Error,
            Gst.DebugLevel.Warning or Gst.DebugLevel.Fixme => LogLevel.Warning,
            Gst.DebugLevel.Info => LogLevel.Information,
            Gst.DebugLevel.Debug => LogLevel.Debug,
            _ => LogLevel.Trace,
        };
        string? text = null;
        string? categoryName = null;
        string? functionName = null;
        foreach (var logger in loggers)
        {
            if (!logger.IsEnabled(logLevel))
            {
                continue;
            }
            text ??= Marshal.PtrToStringUTF8(Gst.DebugMessageGet(call.Message)) ?? string.Empty;
            categoryName ??= Marshal.PtrToStringUTF8(Gst.DebugCategoryGetName(call.Category)) ?? "default";
            functionName ??= Marshal.PtrToStringUTF8(call.Function) ?? string.Empty;
            LogMessage(logger, logLevel, categoryName, functionName, text);
        }
    }

    [LoggerMessage(Message = "GStreamer {Category} {Function}: {Text}")]
    private static partial void LogMessage(ILogger logger, LogLevel level, string category, string function, string text);

    [GeneratedRegex(@"^\s*((\*|[\w\*\-\.]+)\s*:\s*)?(\d|NONE|ERROR|WARNING|WARN|FIXME|INFO|DEBUG|LOG|TRACE|MEMDUMP)\s*(,\s*((\*|[\w\*\-\.]+)\s*:\s*)?(\d|NONE|ERROR|WARNING|WARN|FIXME|INFO|DEBUG|LOG|TRACE|MEMDUMP)\s*)*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LevelListPattern();

    /// <summary>The arguments of a log call that forwarding reads.</summary>
    private readonly record struct LogCall(nint Category, Gst.DebugLevel Level, nint Function, nint Message);

    private sealed class Registration(ILogger logger) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }
            lock (Gate)
            {
                var index = Array.IndexOf(_loggers, logger);
                if (index >= 0)
                {
                    _loggers = [.. _loggers[..index], .. _loggers[(index + 1)..]];
                }
            }
        }
    }
}
