namespace Backpack.Streaming.GStreamer;

/// <summary>
/// Which Debian package provides a GStreamer library or element, so that every "missing" message
/// can say what to install.
/// </summary>
internal static class DebianPackages
{
    private static readonly Dictionary<string, string> Libraries = new(StringComparer.Ordinal)
    {
        [NativeLibraries.GStreamer] = "libgstreamer1.0-0",
        [NativeLibraries.GObject] = "libglib2.0-0",
        [NativeLibraries.GLib] = "libglib2.0-0",
        [NativeLibraries.GstApp] = "libgstreamer-plugins-base1.0-0",
        [NativeLibraries.GstVideo] = "libgstreamer-plugins-base1.0-0",
        [NativeLibraries.GstRtspServer] = "libgstrtspserver-1.0-0",
        [NativeLibraries.GstRtsp] = "libgstreamer-plugins-base1.0-0",
        [NativeLibraries.Gio] = "libglib2.0-0",
        [NativeLibraries.GstWebRtc] = "libgstreamer-plugins-bad1.0-0",
        [NativeLibraries.GstSdp] = "libgstreamer-plugins-base1.0-0",
        [NativeLibraries.LibC] = "libc6",
    };

    // Checked against `dpkg -S` of each element's plugin file by DebianPackagesTests.
    private static readonly Dictionary<string, string> Elements = new(StringComparer.Ordinal)
    {
        ["queue"] = "libgstreamer1.0-0",
        ["fakesink"] = "libgstreamer1.0-0",
        ["identity"] = "libgstreamer1.0-0",
        ["capsfilter"] = "libgstreamer1.0-0",
        ["tee"] = "libgstreamer1.0-0",
        ["valve"] = "libgstreamer1.0-0",
        ["filesink"] = "libgstreamer1.0-0",
        ["filesrc"] = "libgstreamer1.0-0",
        ["appsrc"] = "gstreamer1.0-plugins-base",
        ["appsink"] = "gstreamer1.0-plugins-base",
        ["videoconvert"] = "gstreamer1.0-plugins-base",
        ["videoscale"] = "gstreamer1.0-plugins-base",
        ["videorate"] = "gstreamer1.0-plugins-base",
        ["videotestsrc"] = "gstreamer1.0-plugins-base",
        ["decodebin"] = "gstreamer1.0-plugins-base",
        ["matroskamux"] = "gstreamer1.0-plugins-good",
        ["matroskademux"] = "gstreamer1.0-plugins-good",
        ["mp4mux"] = "gstreamer1.0-plugins-good",
        ["qtdemux"] = "gstreamer1.0-plugins-good",
        ["splitmuxsink"] = "gstreamer1.0-plugins-good",
        ["flvmux"] = "gstreamer1.0-plugins-good",
        ["rtph264pay"] = "gstreamer1.0-plugins-good",
        ["rtph264depay"] = "gstreamer1.0-plugins-good",
        ["rtspsrc"] = "gstreamer1.0-plugins-good",
        ["souphttpsrc"] = "gstreamer1.0-plugins-good",
        ["v4l2src"] = "gstreamer1.0-plugins-good",
        ["udpsink"] = "gstreamer1.0-plugins-good",
        ["udpsrc"] = "gstreamer1.0-plugins-good",
        ["v4l2h264enc"] = "gstreamer1.0-plugins-good",
        ["h264parse"] = "gstreamer1.0-plugins-bad",
        ["openh264enc"] = "gstreamer1.0-plugins-bad",
        ["hlssink2"] = "gstreamer1.0-plugins-bad",
        ["mpegtsmux"] = "gstreamer1.0-plugins-bad",
        ["srtsink"] = "gstreamer1.0-plugins-bad",
        ["srtsrc"] = "gstreamer1.0-plugins-bad",
        ["rtmp2sink"] = "gstreamer1.0-plugins-bad",
        ["webrtcbin"] = "gstreamer1.0-plugins-bad",
        ["nicesrc"] = "gstreamer1.0-nice",
        ["nicesink"] = "gstreamer1.0-nice",
        ["x264enc"] = "gstreamer1.0-plugins-ugly",
        ["avdec_h264"] = "gstreamer1.0-libav",
        ["rtspclientsink"] = "gstreamer1.0-rtsp",
        ["vaapih264enc"] = "gstreamer1.0-vaapi",
    };

    /// <summary>The elements whose package is known (for tests).</summary>
    internal static IEnumerable<string> KnownElements => Elements.Keys;

    /// <summary>The Debian package of a logical library name of <see cref="NativeLibraries"/>.</summary>
    internal static string ForLibrary(string library) =>
        Libraries.TryGetValue(library, out var package) ? package : "libgstreamer1.0-0";

    /// <summary>
    /// The Debian package that provides an element, or a sentence saying where the element
    /// comes from when Debian does not ship it (kvssink, NVIDIA encoders).
    /// </summary>
    internal static string ForElement(string element) => element switch
    {
        _ when Elements.TryGetValue(element, out var package) => package,
        "kvssink" => "none: build the GStreamer plugin of amazon-kinesis-video-streams-producer-sdk-cpp",
        "nvv4l2h264enc" or "nvvidconv" => "none: part of NVIDIA JetPack (nvidia-l4t-gstreamer)",
        _ => "unknown: search with 'apt-file search libgst' for the plugin that provides it",
    };

    /// <summary>Whether <see cref="ForElement"/> names an installable Debian package.</summary>
    internal static bool IsInstallable(string package) =>
        !package.StartsWith("none:", StringComparison.Ordinal) && !package.StartsWith("unknown:", StringComparison.Ordinal);
}
