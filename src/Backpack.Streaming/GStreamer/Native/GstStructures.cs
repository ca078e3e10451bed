using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer.Native;

/// <summary>GstStructure functions beyond reading messages: parsing, setting values, freeing.</summary>
internal static partial class Gst
{
    /// <summary>Parses a structure such as <c>user, media.factory.access=(boolean)true</c>; 0 when it does not parse.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_structure_new_from_string", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint StructureNewFromString(string text);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_structure_free")]
    internal static partial void StructureFree(nint structure);

    /// <summary>Sets a field to a copy of the value.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_structure_set_value", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void StructureSetValue(nint structure, string field, ref GObject.Value value);
}
