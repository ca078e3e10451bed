using Backpack.Streaming.Tests.Rtsp;

namespace Backpack.Streaming.Tests.Cameras;

/// <summary>
/// H.264 clips made once per test run with GStreamer's own tools (gst-launch-1.0, x264enc, mp4mux): what a camera's
/// encoder would send (8-bit 4:2:0 unless said otherwise: x264enc would pick 4:4:4 for videotestsrc's own format),
/// and files for file cameras. Deleted when the test process ends.
/// </summary>
internal static class CameraClips
{
    private static readonly TemporaryDirectory Directory = CreateDirectory();
    private static readonly Lazy<string> Ball = new(() => Make("camera.mp4", "pattern=ball", 640, 360, 30, 300));
    private static readonly Lazy<string> Red = new(() => Make("red.mp4", "pattern=red", 1280, 720, 30, 45));
    private static readonly Lazy<string> SparseKeys = new(() => Make("sparse-keys.mp4", "pattern=ball", 320, 180, 5, 70, keyFrameInterval: 60));
    private static readonly Lazy<string> FullChroma = new(() => Make("y444.mp4", "pattern=ball", 320, 180, 30, 90, format: "Y444"));
    private static readonly Lazy<string> Streamable = new(() => Make("ball.mkv", "pattern=ball", 640, 360, 30, 60, "matroskamux streamable=true"));

    /// <summary>10 s of a moving ball, 640x360 at 30 fps, a key frame every second: what the RTSP camera serves.</summary>
    internal static string Camera => Ball.Value;

    /// <summary>1.5 s of plain red, 1280x720 at 30 fps: a short file whose pixels say whether BGR is in order.</summary>
    internal static string ShortRed => Red.Value;

    /// <summary>14 s of a moving ball, 320x180 at 5 fps, key frames 12 s apart: beyond Kinesis Video Streams' 10 s fragments.</summary>
    internal static string SparseKeyFrames => SparseKeys.Value;

    /// <summary>3 s of a moving ball, 320x180 at 30 fps, in 4:4:4 chroma (x264's High 4:4:4 profile), which browsers do not decode.</summary>
    internal static string Chroma444 => FullChroma.Value;

    /// <summary>2 s of a moving ball, 640x360 at 30 fps, in streamable Matroska: what an HTTP stream can carry.</summary>
    internal static string StreamableBall => Streamable.Value;

    private static TemporaryDirectory CreateDirectory()
    {
        var directory = TestFrames.TemporaryDirectory();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => directory.Dispose();
        return directory;
    }

    private static string Make(string name, string pattern, int width, int height, int fps, int frames, string muxer = "mp4mux", int? keyFrameInterval = null, string format = "I420")
    {
        var path = Directory.File(name);
        var result = ChildProcess.Run(
            "gst-launch-1.0",
            ["-q", "videotestsrc", $"num-buffers={frames}", pattern, "!", $"video/x-raw,format={format},width={width},height={height},framerate={fps}/1",
             "!", "x264enc", $"key-int-max={keyFrameInterval ?? fps}", "tune=zerolatency", "speed-preset=ultrafast", "!", "h264parse", "!", .. muxer.Split(' '), "!", "filesink", $"location={path}"],
            TimeSpan.FromSeconds(60));
        result.ExitCode.Should().Be(0, result.ToString());
        return path;
    }
}
