using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer.Native;

/// <summary>Functions of libgstreamer-1.0. Names and signatures follow the C API one to one.</summary>
internal static partial class Gst
{
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_init_check")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool InitCheck(nint argc, nint argv, out nint error);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_is_initialized")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool IsInitialized();

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_version")]
    internal static partial void Version(out uint major, out uint minor, out uint micro, out uint nano);

    /// <summary>Returns a new reference to the factory, or 0 when the registry has no such element.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_element_factory_find", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ElementFactoryFind(string name);

    /// <summary>The name of the plugin that provides a feature; owned by the feature.</summary>
    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_plugin_feature_get_plugin_name")]
    internal static partial nint PluginFeatureGetPluginName(nint feature);

    [LibraryImport(NativeLibraries.GStreamer, EntryPoint = "gst_object_unref")]
    internal static partial void ObjectUnref(nint gstObject);
}
