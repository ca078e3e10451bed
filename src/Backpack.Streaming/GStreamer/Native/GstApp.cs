using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer.Native;

/// <summary>Functions of libgstapp-1.0 (appsrc and appsink).</summary>
internal static partial class GstApp
{
    /// <summary>Pushes a buffer (takes it, whatever the result).</summary>
    [LibraryImport(NativeLibraries.GstApp, EntryPoint = "gst_app_src_push_buffer")]
    internal static partial Gst.FlowReturn AppSrcPushBuffer(nint appsrc, nint buffer);

    [LibraryImport(NativeLibraries.GstApp, EntryPoint = "gst_app_src_set_caps")]
    internal static partial void AppSrcSetCaps(nint appsrc, nint caps);

    [LibraryImport(NativeLibraries.GstApp, EntryPoint = "gst_app_src_end_of_stream")]
    internal static partial Gst.FlowReturn AppSrcEndOfStream(nint appsrc);

    /// <summary>A sample (full reference), or 0 on timeout or end of stream.</summary>
    [LibraryImport(NativeLibraries.GstApp, EntryPoint = "gst_app_sink_try_pull_sample")]
    internal static partial nint AppSinkTryPullSample(nint appsink, ulong timeout);

    [LibraryImport(NativeLibraries.GstApp, EntryPoint = "gst_app_sink_is_eos")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool AppSinkIsEos(nint appsink);

    /// <summary>Installs callbacks; GStreamer copies the structure.</summary>
    [LibraryImport(NativeLibraries.GstApp, EntryPoint = "gst_app_sink_set_callbacks")]
    internal static unsafe partial void AppSinkSetCallbacks(nint appsink, AppSinkCallbacks* callbacks, nint userData, delegate* unmanaged<nint, void> notify);

    /// <summary>
    /// GstAppSinkCallbacks: eos, new_preroll, new_sample, new_event, then reserved pointers
    /// (seven pointers in all in 1.20 and later; eight are passed to stay clear of later additions).
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct AppSinkCallbacks
    {
        internal delegate* unmanaged<nint, nint, void> Eos;
        internal delegate* unmanaged<nint, nint, Gst.FlowReturn> NewPreroll;
        internal delegate* unmanaged<nint, nint, Gst.FlowReturn> NewSample;
        internal nint NewEvent;
        internal nint Reserved0;
        internal nint Reserved1;
        internal nint Reserved2;
        internal nint Reserved3;
    }
}
