using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer.Native;

/// <summary>GLib's message log (g_log): the handlers that receive g_warning and g_critical, such as failed g_return_if_fail checks.</summary>
internal static partial class GLib
{
    /// <summary>G_LOG_FLAG_RECURSION | G_LOG_FLAG_FATAL | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING.</summary>
    internal const int LogCriticalsAndWarnings = (1 << 0) | (1 << 1) | (1 << 3) | (1 << 4);

    /// <summary>G_LOG_LEVEL_CRITICAL.</summary>
    internal const int LogLevelCritical = 1 << 3;

    /// <summary>
    /// Installs a handler (domain, level, message, user data) for the levels of a log domain (null for the
    /// default domain); returns its id. Thread safe.
    /// </summary>
    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_log_set_handler", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial uint LogSetHandler(string? domain, int levels, delegate* unmanaged<nint, int, nint, nint, void> handler, nint userData);

    /// <summary>GLib's own handler: writes the message to stderr as GLib would without a handler.</summary>
    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_log_default_handler")]
    internal static partial void LogDefaultHandler(nint domain, int level, nint message, nint unused);
}
