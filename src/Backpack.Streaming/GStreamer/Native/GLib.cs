using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer.Native;

/// <summary>Functions of libglib-2.0 that the bindings need.</summary>
internal static partial class GLib
{
    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_free")]
    internal static partial void Free(nint memory);

    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_error_free")]
    internal static partial void ErrorFree(nint error);

    /// <summary>A new GError (freed with g_error_free) of a domain (a GQuark), a code and a message.</summary>
    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_error_new_literal", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ErrorNewLiteral(uint domain, int code, string message);

    /// <summary>A copy of the string in memory GLib owns (freed by whoever receives it with g_free).</summary>
    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_strdup", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint StrDup(string text);

    /// <summary>
    /// Reads the message of a <c>GError*</c> (layout: guint32 domain, gint code, gchar* message) and
    /// frees the error. Returns null for a null error.
    /// </summary>
    internal static string? TakeErrorMessage(nint error)
    {
        if (error == 0)
        {
            return null;
        }
        var message = Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(error, 8));
        ErrorFree(error);
        return message;
    }

    /// <summary>Reads a string GLib allocated for the caller and frees it; null for a null pointer.</summary>
    internal static string? TakeString(nint text)
    {
        if (text == 0)
        {
            return null;
        }
        var value = Marshal.PtrToStringUTF8(text);
        Free(text);
        return value;
    }
}
