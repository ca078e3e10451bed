using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer.Native;

/// <summary>Reference counting of plain GObjects and the GValue setters the bindings need.</summary>
internal static partial class GObject
{
    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_object_ref")]
    internal static partial nint ObjectRef(nint gObject);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_object_unref")]
    internal static partial void ObjectUnref(nint gObject);

    /// <summary>Copies a string into a GValue initialised to G_TYPE_STRING.</summary>
    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_value_set_string", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void ValueSetString(ref Value value, string text);
}
