using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer.Native;

/// <summary>Functions of libgstvideo-1.0.</summary>
internal static partial class GstVideo
{
    /// <summary>An upstream GstForceKeyUnit event asking the encoder for a key frame as soon as possible.</summary>
    [LibraryImport(NativeLibraries.GstVideo, EntryPoint = "gst_video_event_new_upstream_force_key_unit")]
    internal static partial nint EventNewUpstreamForceKeyUnit(ulong runningTime, [MarshalAs(UnmanagedType.I4)] bool allHeaders, uint count);
}
