using System.Collections.Concurrent;
using System.Globalization;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.SkyLines;

/// <summary>
/// The H.264 encoders SkyLine knows, best first: hardware encoders (NVIDIA Jetson, VA-API on
/// Intel/AMD, V4L2 on Raspberry Pi and other SoCs), then x264enc. Each is described with the same
/// settings (bitrate, key-frame interval, low latency) in its own property names.
/// </summary>
internal static class H264Encoders
{
    /// <summary>The software encoder every machine with gstreamer1.0-plugins-ugly has.</summary>
    internal const string Software = "x264enc";

    private static readonly ConcurrentDictionary<string, bool> Usable = new(StringComparer.Ordinal);

    /// <summary>Hardware encoders in order of preference.</summary>
    internal static IReadOnlyList<string> Hardware { get; } = ["nvv4l2h264enc", "vaapih264enc", "v4l2h264enc"];

    /// <summary>The settings an encoder description is made from.</summary>
    /// <param name="BitrateKbps">Target bitrate in kbit/s.</param>
    /// <param name="KeyFrameInterval">Frames between key frames.</param>
    /// <param name="SpeedPreset">The x264 speed preset (x264enc only).</param>
    internal readonly record struct Settings(int BitrateKbps, int KeyFrameInterval, string SpeedPreset);

    /// <summary>
    /// The description of the encoder chain for an element: its converter when it needs one, the
    /// element with low-latency settings, and for some a caps filter after it.
    /// </summary>
    internal static string Describe(string element, Settings settings)
    {
        var bitrate = settings.BitrateKbps.ToString(CultureInfo.InvariantCulture);
        var bitsPerSecond = (settings.BitrateKbps * 1000L).ToString(CultureInfo.InvariantCulture);
        var interval = settings.KeyFrameInterval.ToString(CultureInfo.InvariantCulture);
        return element switch
        {
            // Jetson: the encoder reads NVMM memory; nvvidconv uploads. No B-frames by default.
            "nvv4l2h264enc" =>
                $"nvvidconv ! video/x-raw(memory:NVMM),format=NV12 ! nvv4l2h264enc bitrate={bitsPerSecond} iframeinterval={interval} idrinterval={interval} insert-sps-pps=true maxperf-enable=true",
            "vaapih264enc" =>
                $"vaapih264enc rate-control=cbr bitrate={bitrate} keyframe-period={interval} max-bframes=0",
            // Raspberry Pi and other V4L2 memory-to-memory encoders take their settings as controls, and want a level.
            "v4l2h264enc" =>
                $"v4l2h264enc extra-controls=\"controls,video_bitrate={bitsPerSecond},h264_i_frame_period={interval},repeat_sequence_header=1\" ! video/x-h264,level=(string)4",
            // CABAC and the deblocking filter stay on whatever the preset (only ultrafast turns them off):
            // about 15% more CPU than bare ultrafast for a much less blocky picture at streaming bitrates. No scene-cut key
            // frames: key frames come at the interval and when an output asks, so Kinesis fragments keep their length.
            Software =>
                $"x264enc tune=zerolatency speed-preset={settings.SpeedPreset} bitrate={bitrate} key-int-max={interval} bframes=0 option-string=cabac=1:deblock=0,0:scenecut=0",
            _ => throw new ArgumentException($"No description is known for the encoder {element}.", nameof(element)),
        };
    }

    /// <summary>
    /// The first hardware encoder this machine can open, or x264enc. A hardware encoder counts when
    /// the registry has it and it reaches READY (which opens the device); the answer is cached.
    /// </summary>
    /// <param name="isUsable">Decides whether an element can be used; tests pass their own.</param>
    internal static string Choose(Func<string, bool>? isUsable = null)
    {
        isUsable ??= IsUsable;
        foreach (var element in Hardware)
        {
            if (isUsable(element))
            {
                return element;
            }
        }
        return Software;
    }

    /// <summary>Whether the element exists and opens (cached per process).</summary>
    internal static bool IsUsable(string element) => Usable.GetOrAdd(element, static name =>
    {
        if (!GStreamerRuntime.HasElement(name))
        {
            return false;
        }
        using var encoder = Element.TryCreate(name);
        if (encoder is null)
        {
            return false;
        }
        var opened = encoder.ChangeState(Gst.State.Ready, TimeSpan.FromSeconds(5)) is Gst.StateChangeReturn.Success or Gst.StateChangeReturn.NoPreroll;
        encoder.SetState(Gst.State.Null);
        return opened;
    });
}
