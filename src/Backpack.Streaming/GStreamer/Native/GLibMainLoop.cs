using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer.Native;

/// <summary>Functions of libglib-2.0 for main contexts, main loops, sources and lists.</summary>
internal static partial class GLib
{
    /// <summary>G_PRIORITY_DEFAULT.</summary>
    internal const int PriorityDefault = 0;

    /// <summary>G_SOURCE_REMOVE: a source callback's "do not call me again".</summary>
    internal const int SourceRemove = 0;

    /// <summary>G_SOURCE_CONTINUE: a source callback's "call me again".</summary>
    internal const int SourceContinue = 1;

    /// <summary>A new main context (full reference).</summary>
    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_main_context_new")]
    internal static partial nint MainContextNew();

    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_main_context_unref")]
    internal static partial void MainContextUnref(nint context);

    /// <summary>Makes the context the thread's default for GIO and GStreamer code that attaches to "the current" context.</summary>
    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_main_context_push_thread_default")]
    internal static partial void MainContextPushThreadDefault(nint context);

    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_main_context_pop_thread_default")]
    internal static partial void MainContextPopThreadDefault(nint context);

    /// <summary>
    /// Runs <paramref name="function"/>(data) on the thread running the context's loop (at once when
    /// called from that thread), then <paramref name="notify"/>(data). Thread safe.
    /// </summary>
    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_main_context_invoke_full")]
    internal static unsafe partial void MainContextInvokeFull(
        nint context, int priority, delegate* unmanaged<nint, int> function, nint data, delegate* unmanaged<nint, void> notify);

    /// <summary>A new loop over the context (full reference), not running.</summary>
    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_main_loop_new")]
    internal static partial nint MainLoopNew(nint context, [MarshalAs(UnmanagedType.I4)] bool isRunning);

    /// <summary>Runs the loop on the calling thread until <see cref="MainLoopQuit"/>.</summary>
    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_main_loop_run")]
    internal static partial void MainLoopRun(nint loop);

    /// <summary>Makes a running loop return. Thread safe.</summary>
    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_main_loop_quit")]
    internal static partial void MainLoopQuit(nint loop);

    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_main_loop_unref")]
    internal static partial void MainLoopUnref(nint loop);

    /// <summary>Attaches a source to a context; returns its id. Thread safe.</summary>
    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_source_attach")]
    internal static partial uint SourceAttach(nint source, nint context);

    /// <summary>Removes a source from its context; it is never dispatched again. Thread safe.</summary>
    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_source_destroy")]
    internal static partial void SourceDestroy(nint source);

    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_source_unref")]
    internal static partial void SourceUnref(nint source);

    /// <summary>A source dispatched every <paramref name="intervalMilliseconds"/> (full reference).</summary>
    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_timeout_source_new")]
    internal static partial nint TimeoutSourceNew(uint intervalMilliseconds);

    /// <summary>Sets a source's callback (data) → G_SOURCE_CONTINUE or G_SOURCE_REMOVE, and what frees the data.</summary>
    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_source_set_callback")]
    internal static unsafe partial void SourceSetCallback(
        nint source, delegate* unmanaged<nint, int> function, nint data, delegate* unmanaged<nint, void> notify);

    /// <summary>GIOErrorEnum G_IO_ERROR_ADDRESS_IN_USE.</summary>
    internal const int IOErrorAddressInUse = 33;

    /// <summary>
    /// Reads the code and message of a <c>GError*</c> (guint32 domain, gint code, gchar* message) and
    /// frees the error. Returns (0, null) for a null error.
    /// </summary>
    internal static (int Code, string? Message) TakeError(nint error)
    {
        if (error == 0)
        {
            return (0, null);
        }
        var code = Marshal.ReadInt32(error, 4);
        return (code, TakeErrorMessage(error));
    }
}
