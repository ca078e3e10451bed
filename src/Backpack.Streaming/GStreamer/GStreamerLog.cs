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
/// <remarks>
/// <para>
/// One log function of ours is registered with GStreamer; it writes each message to every file (with
/// <c>gst_debug_log_default</c>, GStreamer's formatter) and forwards it to every logger. GStreamer calls
/// log functions without a lock and removing one does not wait for the calls under way, so
/// <see cref="Close"/> first stops new writes, removes the function, waits for the calls under way to
/// return and only then closes the files: no thread writes to a closed FILE. It runs when the process
/// exits (<see cref="AppDomain.ProcessExit"/>).
/// </para>
/// <para>Thread safe.</para>
/// </remarks>
internal static partial class GStreamerLog
{
    /// <summary>How long <see cref="Close"/> waits for log calls under way before it leaves the files open rather than close them under a writer.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, nint> Files = new(StringComparer.Ordinal);
    private static readonly Regex LevelList = LevelListPattern();
    private static nint[] _streams = [];
    private static ILogger[] _loggers = [];
    private static nint _defaultLogFunction;
    private static bool _registered;
    private static bool _stderrRemoved;
    private static bool _thresholdSet;
    private static bool _closeOnExit;
    private static int _closed;
    private static int _callsInside;

    /// <summary>Whether <see cref="Close"/> ran: the log goes nowhere of ours any more.</summary>
    internal static bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>
    /// Sets thresholds from a GST_DEBUG-style list: a level (0–9 or a name such as WARNING) or
    /// comma-separated <c>category-pattern:level</c> pairs, such as <c>2,x264enc:5</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The list is not in that syntax.</exception>
    internal static void SetLevels(string levels)
    {
        ValidateLevels(levels);
        GStreamerRuntime.EnsureInitialized();
        ApplyLevels(levels);
    }

    /// <summary>Checks the syntax of a GST_DEBUG-style list without applying it.</summary>
    /// <exception cref="ArgumentException">The list is not in that syntax.</exception>
    internal static void ValidateLevels(string levels)
    {
        if (LevelsProblem(levels) is { } problem)
        {
            throw new ArgumentException(problem, nameof(levels));
        }
    }

    /// <summary>What is wrong with a GST_DEBUG-style list and what is expected, or null when it is in that syntax.</summary>
    internal static string? LevelsProblem(string levels) =>
        string.IsNullOrWhiteSpace(levels) || !LevelList.IsMatch(levels)
            ? $"'{levels}' is not a GStreamer log level list; expected a level from 0 to 9 (or NONE, ERROR, WARNING, FIXME, INFO, DEBUG, LOG, TRACE, MEMDUMP), " +
              "or comma-separated category:level pairs such as '2,x264enc:5'."
            : null;

    /// <summary>Writes the log (as GStreamer formats it) to a file, appending. Registering the same path again does nothing.</summary>
    /// <exception cref="IOException">The file cannot be opened for writing.</exception>
    /// <exception cref="InvalidOperationException">The log was closed: the process is exiting.</exception>
    internal static void AddFile(string path)
    {
        OpenFile(path);
        GStreamerRuntime.EnsureInitialized();
        Attach();
    }

    /// <summary>
    /// Opens a file for the log, appending, without touching GStreamer (which need not be loaded yet):
    /// it receives the log once <see cref="Attach"/> ran. Opening the same path again does nothing.
    /// The file is closed by <see cref="Close"/>, when the process exits at the latest.
    /// </summary>
    /// <exception cref="IOException">The file cannot be opened for writing; the message has the path and the reason.</exception>
    /// <exception cref="InvalidOperationException">The log was closed: the process is exiting.</exception>
    internal static void OpenFile(string path)
    {
        var fullPath = Path.GetFullPath(path);
        lock (Gate)
        {
            ThrowIfClosed();
            if (Files.ContainsKey(fullPath))
            {
                return;
            }
            var stream = LibC.FOpen(fullPath, "a");
            if (stream == 0)
            {
                throw new IOException($"The GStreamer log file {fullPath} cannot be opened for writing: {Marshal.GetLastPInvokeErrorMessage()}.");
            }
            Files.Add(fullPath, stream);
            _streams = [.. _streams, stream];
            CloseOnExit();
        }
    }

    /// <summary>
    /// Forwards the log to a logger until the returned registration is disposed. Messages at
    /// GStreamer's ERROR level become errors, WARNING and FIXME warnings, INFO information, DEBUG
    /// debug, and finer levels trace. Unless thresholds were set, warnings and errors are forwarded.
    /// </summary>
    /// <exception cref="InvalidOperationException">The log was closed: the process is exiting.</exception>
    internal static IDisposable Forward(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        lock (Gate)
        {
            ThrowIfClosed();
            _loggers = [.. _loggers, logger];
            CloseOnExit();
        }
        GStreamerRuntime.EnsureInitialized();
        Attach();
        return new Registration(logger);
    }

    /// <summary>
    /// Has GStreamer (initialised) call our log function when a file or a logger waits for the log,
    /// removes its writer to stderr, and makes sure warnings and errors are logged. Does nothing more
    /// once registered, nor after <see cref="Close"/>.
    /// </summary>
    internal static void Attach()
    {
        lock (Gate)
        {
            if (_registered || IsClosed || (_streams.Length == 0 && _loggers.Length == 0))
            {
                return;
            }
            _defaultLogFunction = DefaultLogFunction();
            if (!_stderrRemoved)
            {
                // Removes GStreamer's writer to stderr (or to GST_DEBUG_FILE); our function writes the files.
                _ = Gst.DebugRemoveLogFunction(_defaultLogFunction);
                _stderrRemoved = true;
            }
            unsafe
            {
                Gst.DebugAddLogFunction(LogFunction(), 0, null);
            }
            _registered = true;
            Gst.DebugSetActive(true);
            if (!_thresholdSet && Gst.DebugGetDefaultThreshold() < Gst.DebugLevel.Warning)
            {
                Gst.DebugSetDefaultThreshold(Gst.DebugLevel.Warning);
            }
        }
    }

    /// <summary>Applies a checked GST_DEBUG-style list to an initialised GStreamer.</summary>
    internal static void ApplyLevels(string levels)
    {
        lock (Gate)
        {
            Gst.DebugSetActive(true);
            Gst.DebugSetThresholdFromString(levels, reset: true);
            _thresholdSet = true;
        }
    }

    /// <summary>
    /// Ends the log of ours for good: stops writes, removes the log function from GStreamer, waits (a
    /// bounded time) for log calls under way, then closes the files and forgets the loggers. Runs
    /// when the process exits; calling it again does nothing.
    /// </summary>
    internal static void Close()
    {
        lock (Gate)
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0)
            {
                return;
            }
            if (_registered)
            {
                unsafe
                {
                    _ = Gst.DebugRemoveLogFunction(LogFunction());
                }
            }
            // A call that read the flag before it was set is counted; wait until it has returned.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            var spin = default(SpinWait);
            while (Volatile.Read(ref _callsInside) != 0 && waited.Elapsed < CloseTimeout)
            {
                spin.SpinOnce();
            }
            if (Volatile.Read(ref _callsInside) == 0)
            {
                foreach (var stream in _streams)
                {
                    _ = LibC.FClose(stream);
                }
            }
            Files.Clear();
            _streams = [];
            _loggers = [];
        }
    }

    private static void CloseOnExit()
    {
        if (!_closeOnExit)
        {
            AppDomain.CurrentDomain.ProcessExit += static (_, _) => Close();
            _closeOnExit = true;
        }
    }

    private static void ThrowIfClosed()
    {
        if (IsClosed)
        {
            throw new InvalidOperationException("GStreamer's log was closed because the process is exiting; no file or logger can be added any more.");
        }
    }

    private static unsafe nint LogFunction() =>
        (nint)(delegate* unmanaged<nint, Gst.DebugLevel, nint, nint, int, nint, nint, nint, void>)&Log;

    private static nint DefaultLogFunction() =>
        NativeLibraries.TryLoad(NativeLibraries.GStreamer, out var library)
            ? NativeLibrary.GetExport(library, "gst_debug_log_default")
            : throw new GStreamerException("GStreamer is not loaded.");

    [UnmanagedCallersOnly]
    private static unsafe void Log(nint category, Gst.DebugLevel level, nint file, nint function, int line, nint gObject, nint message, nint userData) =>
        NativeBoundary.Run("GStreamer log function", new LogCall(category, level, file, function, line, gObject, message), &Write);

    private static void Write(LogCall call)
    {
        Interlocked.Increment(ref _callsInside);
        try
        {
            // Read after the increment: Close either sees this call counted or this call sees the log closed.
            if (Volatile.Read(ref _closed) != 0)
            {
                return;
            }
            var streams = Volatile.Read(ref _streams);
            if (streams.Length > 0)
            {
                WriteToFiles(call, streams);
            }
            Forward(call);
        }
        finally
        {
            Interlocked.Decrement(ref _callsInside);
        }
    }

    private static unsafe void WriteToFiles(LogCall call, nint[] streams)
    {
        var writer = (delegate* unmanaged<nint, Gst.DebugLevel, nint, nint, int, nint, nint, nint, void>)_defaultLogFunction;
        foreach (var stream in streams)
        {
            writer(call.Category, call.Level, call.File, call.Function, call.Line, call.Object, call.Message, stream);
        }
    }

    private static void Forward(LogCall call)
    {
        var loggers = Volatile.Read(ref _loggers);
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

    /// <summary>The arguments of a log call, but its user data.</summary>
    private readonly record struct LogCall(nint Category, Gst.DebugLevel Level, nint File, nint Function, int Line, nint Object, nint Message);

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
