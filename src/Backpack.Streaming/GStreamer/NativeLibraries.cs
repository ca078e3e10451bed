using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// Maps the logical library names used by the bindings to the shared objects of a GStreamer
/// runtime. Debian ships only the versioned names (<c>libgstreamer-1.0.so.0</c>) unless the
/// -dev packages are installed, so the default probing of <c>libgstreamer-1.0.so</c> would fail.
/// </summary>
/// <remarks>
/// The environment variable <c>BACKPACK_GSTREAMER_PATH</c> names a directory that holds a
/// GStreamer runtime of its own (a Jetson or custom build); when it is set, libraries are loaded
/// from that directory only (GLib and GObject may still come from the system), so a wrong path
/// reports GStreamer as missing instead of silently using the system copy.
/// </remarks>
internal static class NativeLibraries
{
    internal const string GStreamer = "gstreamer-1.0";
    internal const string GObject = "gobject-2.0";
    internal const string GLib = "glib-2.0";
    internal const string GstApp = "gstapp-1.0";
    internal const string GstVideo = "gstvideo-1.0";
    internal const string GstRtspServer = "gstrtspserver-1.0";
    internal const string GstRtsp = "gstrtsp-1.0";
    internal const string Gio = "gio-2.0";
    internal const string GstWebRtc = "gstwebrtc-1.0";
    internal const string GstSdp = "gstsdp-1.0";
    internal const string LibC = "libc";

    /// <summary>The environment variable naming a directory with a private GStreamer runtime.</summary>
    internal const string PathVariable = "BACKPACK_GSTREAMER_PATH";

    private static readonly Dictionary<string, string> SharedObjects = new(StringComparer.Ordinal)
    {
        [GStreamer] = "libgstreamer-1.0.so.0",
        [GObject] = "libgobject-2.0.so.0",
        [GLib] = "libglib-2.0.so.0",
        [GstApp] = "libgstapp-1.0.so.0",
        [GstVideo] = "libgstvideo-1.0.so.0",
        [GstRtspServer] = "libgstrtspserver-1.0.so.0",
        [GstRtsp] = "libgstrtsp-1.0.so.0",
        [Gio] = "libgio-2.0.so.0",
        [GstWebRtc] = "libgstwebrtc-1.0.so.0",
        [GstSdp] = "libgstsdp-1.0.so.0",
        // "libc.so" is a linker script on Debian, which dlopen cannot load.
        [LibC] = "libc.so.6",
    };

    // The resolver must be in place before any P/Invoke of this assembly runs, whichever type runs first.
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "Registering a DllImport resolver is what module initialisers are for.")]
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);

    /// <summary>The file name of the shared object behind a logical library name.</summary>
    internal static string SharedObjectOf(string library) =>
        SharedObjects.TryGetValue(library, out var file) ? file : library;

    /// <summary>Loads a library by its logical name; false when it is not installed.</summary>
    internal static bool TryLoad(string library, out nint handle)
    {
        var file = SharedObjectOf(library);
        var directory = Environment.GetEnvironmentVariable(PathVariable);
        if (string.IsNullOrEmpty(directory))
        {
            return NativeLibrary.TryLoad(file, out handle);
        }
        if (NativeLibrary.TryLoad(Path.Combine(directory, file), out handle))
        {
            return true;
        }
        // A private GStreamer build usually links against the system's GLib (and always its C library).
        var isGLib = library is GLib or GObject or Gio or LibC;
        return isGLib && NativeLibrary.TryLoad(file, out handle);
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!SharedObjects.ContainsKey(libraryName))
        {
            return 0;
        }
        if (TryLoad(libraryName, out var handle))
        {
            return handle;
        }
        throw new DllNotFoundException(
            $"The shared library {SharedObjectOf(libraryName)} could not be loaded. " +
            $"Install the Debian package {DebianPackages.ForLibrary(libraryName)} (run 'backpack doctor' for a full check).");
    }
}
