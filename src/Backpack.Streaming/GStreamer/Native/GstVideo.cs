using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer.Native;

/// <summary>Functions of libgstvideo-1.0.</summary>
internal static partial class GstVideo
{
    /// <summary>An upstream GstForceKeyUnit event asking the encoder for a key frame as soon as possible.</summary>
    [LibraryImport(NativeLibraries.GstVideo, EntryPoint = "gst_video_event_new_upstream_force_key_unit")]
    internal static partial nint EventNewUpstreamForceKeyUnit(ulong runningTime, [MarshalAs(UnmanagedType.I4)] bool allHeaders, uint count);

    /// <summary>Whether an event is a force-key-unit request (upstream or downstream).</summary>
    [LibraryImport(NativeLibraries.GstVideo, EntryPoint = "gst_video_event_is_force_key_unit")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool EventIsForceKeyUnit(nint gstEvent);

    /// <summary>Reads an upstream force-key-unit request: the running time it wants the key frame at (GST_CLOCK_TIME_NONE: at once).</summary>
    [LibraryImport(NativeLibraries.GstVideo, EntryPoint = "gst_video_event_parse_upstream_force_key_unit")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool EventParseUpstreamForceKeyUnit(nint gstEvent, out ulong runningTime, [MarshalAs(UnmanagedType.I4)] out bool allHeaders, out uint count);
}
