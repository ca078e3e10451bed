using Backpack.Streaming.GStreamer;

namespace Backpack.Streaming.Runtime;

/// <summary>
/// Checks the native pieces that SkyLine and the RTSP server need: the GStreamer runtime, each
/// element through the GStreamer registry (no <c>gst-inspect</c> process is spawned), and the RTSP
/// server library through the dynamic loader.
/// </summary>
/// <example>
/// <code>
/// foreach (var item in StreamingPrerequisites.Check())
///     Console.WriteLine($"{item.Name}: {(item.IsPresent ? "ok" : "install " + item.Package)}");
/// </code>
/// </example>
/// <remarks>Thread safe. The first call initialises GStreamer, which scans the plugin registry (up to a few seconds on a cold cache).</remarks>
public static class StreamingPrerequisites
{
    /// <summary>The elements SkyLine, the recorder and the RTSP server cannot work without.</summary>
    public static IReadOnlyList<string> RequiredElements { get; } =
    [
        "appsrc", "appsink", "videoconvert", "videoscale", "videorate",
        "x264enc", "h264parse", "matroskamux", "mp4mux", "splitmuxsink", "rtph264pay",
    ];

    /// <summary>Elements used when present: the Kinesis Video Streams sink, hardware H.264 encoders, an RTSP client sink.</summary>
    public static IReadOnlyList<string> OptionalElements { get; } =
    [
        "kvssink", "nvv4l2h264enc", "vaapih264enc", "v4l2h264enc", "rtspclientsink",
    ];

    /// <summary>
    /// Checks every prerequisite. Never throws because something is missing: a missing runtime or
    /// element is an item with <see cref="Prerequisite.IsPresent"/> false.
    /// </summary>
    /// <returns>The runtime first, then required elements, the RTSP server library and optional elements, in that order.</returns>
    public static IReadOnlyList<Prerequisite> Check()
    {
        var items = new List<Prerequisite>();
        var runtimeOk = GStreamerRuntime.TryInitialize(out var failure);
        items.Add(new Prerequisite(
            "GStreamer runtime",
            IsRequired: true,
            runtimeOk,
            failure?.Package ?? DebianPackages.ForLibrary(NativeLibraries.GStreamer),
            runtimeOk ? GStreamerRuntime.Version.ToString() : failure!.Reason));

        foreach (var element in RequiredElements)
        {
            items.Add(CheckElement(element, required: true, runtimeOk));
        }

        var rtspLoaded = NativeLibraries.TryLoad(NativeLibraries.GstRtspServer, out _);
        items.Add(new Prerequisite(
            "RTSP server library",
            IsRequired: true,
            rtspLoaded,
            DebianPackages.ForLibrary(NativeLibraries.GstRtspServer),
            rtspLoaded ? NativeLibraries.SharedObjectOf(NativeLibraries.GstRtspServer) : "cannot load " + NativeLibraries.SharedObjectOf(NativeLibraries.GstRtspServer)));

        foreach (var element in OptionalElements)
        {
            items.Add(CheckElement(element, required: false, runtimeOk));
        }
        return items;
    }

    private static Prerequisite CheckElement(string element, bool required, bool runtimeOk)
    {
        var package = DebianPackages.ForElement(element);
        if (!runtimeOk)
        {
            return new Prerequisite(element, required, IsPresent: false, package, "GStreamer runtime missing");
        }
        var plugin = GStreamerRuntime.FindElementPlugin(element);
        return new Prerequisite(
            element, required, plugin is not null, package,
            plugin is null ? "not in the GStreamer registry" : "plugin " + plugin);
    }
}
