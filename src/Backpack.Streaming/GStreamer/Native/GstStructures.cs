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

    /// <summary>The value of a field (borrowed: valid while the structure is), or 0 when there is none.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_structure_get_value", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint StructureGetValue(nint structure, string field);

    /// <summary>The boxed pointer of a GValue given by address (such as the GstBuffer of a <c>codec_data</c> field), borrowed.</summary>
    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_value_get_boxed")]
    internal static partial nint ValueGetBoxedAt(nint value);

    /// <summary>A new sample holding a reference to the buffer and the caps (either may be 0).</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_sample_new")]
    internal static partial nint SampleNew(nint buffer, nint caps, nint segment, nint info);
}
