using System.Globalization;
using System.Text.RegularExpressions;

namespace Backpack.Streaming.Tests.Rtsp;

/// <summary>The real RTSP clients the tests use: ffprobe, ffmpeg and GStreamer's rtspsrc.</summary>
internal static partial class RtspClients
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(40);

    /// <summary>What a client decoded.</summary>
    /// <param name="Frames">Frames decoded.</param>
    /// <param name="Width">Width of the decoded video, 0 when unknown.</param>
    /// <param name="Height">Height of the decoded video, 0 when unknown.</param>
    /// <param name="Process">The client's exit code and output.</param>
    internal sealed record Decoded(int Frames, int Width, int Height, ChildProcess.Result Process);

    /// <summary>
    /// ffprobe reads the stream for <paramref name="seconds"/> and counts the frames it decodes.
    /// <paramref name="transport"/> is <c>tcp</c> or <c>udp</c>.
    /// </summary>
    internal static Decoded Ffprobe(Uri url, string transport, double seconds = 3.5) =>
        ParseFfprobe(ChildProcess.Run("ffprobe", FfprobeArguments(url, transport, seconds), Timeout));

    /// <summary>
    /// ffprobe reads the stream for <paramref name="seconds"/> and lists, for each decoded frame in order,
    /// whether it is a key frame (an IDR picture, decodable on its own).
    /// </summary>
    internal static (IReadOnlyList<bool> KeyFrames, ChildProcess.Result Process) FfprobeKeyFrames(Uri url, string transport, double seconds)
    {
        var result = ChildProcess.Run("ffprobe",
            ["-v", "error", "-rtsp_transport", transport, "-read_intervals", string.Create(CultureInfo.InvariantCulture, $"%+{seconds}"),
             "-select_streams", "v:0", "-show_entries", "frame=key_frame", "-of", "csv=p=0", url.ToString()],
            Timeout);
        var keys = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Trim().TrimEnd(','))
            .Where(line => line is "0" or "1")
            .Select(line => line == "1")
            .ToList();
        return (keys, result);
    }

    /// <summary>Starts ffprobe in the background, as <see cref="Ffprobe"/>.</summary>
    internal static ChildProcess.Background StartFfprobe(Uri url, string transport, double seconds) =>
        ChildProcess.StartBackground("ffprobe", FfprobeArguments(url, transport, seconds));

    /// <summary>The frames and size an ffprobe run reported.</summary>
    internal static Decoded ParseFfprobe(ChildProcess.Result result)
    {
        var match = FfprobeLine().Match(result.Output);
        return match.Success
            ? new Decoded(Int(match.Groups["frames"].Value), Int(match.Groups["width"].Value), Int(match.Groups["height"].Value), result)
            : new Decoded(0, 0, 0, result);
    }

    /// <summary>
    /// ffmpeg decodes <paramref name="frames"/> frames and writes one MD5 line per frame (framemd5); the frame
    /// count and the size of each raw picture come from those lines.
    /// </summary>
    internal static Decoded Ffmpeg(Uri url, string transport, int frames)
    {
        var result = ChildProcess.Run("ffmpeg",
            ["-v", "error", "-rtsp_transport", transport, "-i", url.ToString(), "-frames:v", frames.ToString(CultureInfo.InvariantCulture),
             "-pix_fmt", "yuv420p", "-f", "framemd5", "-"],
            Timeout);
        var lines = result.Output.Split('\n').Where(line => line.Length > 0 && !line.StartsWith('#')).ToList();
        // framemd5: stream, dts, pts, duration, size, md5. A yuv420p picture is width * height * 3 / 2 bytes.
        var sizes = lines.Select(line => Int(line.Split(',')[4].Trim())).Distinct().ToList();
        return new Decoded(lines.Count, sizes.Count == 1 ? sizes[0] : -1, 0, result);
    }

    /// <summary>
    /// ffmpeg decodes the first <paramref name="frames"/> frames of the stream and reports every decoding
    /// problem (missing references, corrupt frames, concealed errors) on stderr.
    /// </summary>
    internal static ChildProcess.Result FfmpegDecodeProblems(Uri url, string transport, int frames) =>
        ChildProcess.Run("ffmpeg",
            ["-v", "warning", "-rtsp_transport", transport, "-i", url.ToString(), "-frames:v", frames.ToString(CultureInfo.InvariantCulture), "-f", "null", "-"],
            Timeout);

    /// <summary>
    /// gst-launch-1.0 with rtspsrc decodes up to <paramref name="buffers"/> frames into a sink that accepts only I420
    /// of the given size (a caps filter refuses any other). <see cref="Decoded.Frames"/> counts the frames that
    /// reached the sink (from its <c>-v</c> notifications), so a hiccup of rtspsrc while it shuts down after the
    /// last frame (it may send PAUSE after its own TEARDOWN, which the server answered by closing) does not hide
    /// what it received.
    /// </summary>
    internal static Decoded GstRtspsrc(Uri url, string protocols, int width, int height, int buffers = 60, string? user = null, string? password = null)
    {
        var arguments = new List<string> { "-v", "rtspsrc", $"location={url}", $"protocols={protocols}", "latency=100" };
        if (user is not null)
        {
            arguments.Add($"user-id={user}");
            arguments.Add($"user-pw={password}");
        }
        arguments.AddRange(["!", "rtph264depay", "!", "avdec_h264", "!", "videoconvert", "!",
            $"video/x-raw,format=I420,width={width},height={height}", "!", "fakesink", "name=frames", "sync=false", "silent=false", $"num-buffers={buffers}"]);
        var result = ChildProcess.Run("gst-launch-1.0", arguments, Timeout);
        var frames = result.Output.Split('\n').Count(line => line.Contains("frames: last-message = chain", StringComparison.Ordinal));
        var caps = SinkCaps().Match(result.Output);
        return caps.Success
            ? new Decoded(frames, Int(caps.Groups["width"].Value), Int(caps.Groups["height"].Value), result)
            : new Decoded(frames, 0, 0, result);
    }

    /// <summary>
    /// Starts gst-launch-1.0 with rtspsrc in the background, decoding into a fakesink until the stream ends
    /// (RTCP BYE or end of the connection) or <paramref name="buffers"/> frames came. It exits 0 at end of stream.
    /// </summary>
    internal static ChildProcess.Background StartGstRtspsrc(Uri url, string protocols, int buffers = 100_000) =>
        ChildProcess.StartBackground("gst-launch-1.0",
            // tcp-timeout 2 s: after the server ended the session, rtspsrc's own wait on its control connection (20 s by
            // default) once kept gst-launch alive past the test's 40 s after its error was already reported.
            ["-e", "rtspsrc", $"location={url}", $"protocols={protocols}", "latency=100", "tcp-timeout=2000000", "!", "rtph264depay", "!", "avdec_h264", "!",
             "fakesink", "sync=false", $"num-buffers={buffers}"]);

    private static string[] FfprobeArguments(Uri url, string transport, double seconds) =>
    [
        "-v", "error", "-rtsp_transport", transport, "-count_frames", "-read_intervals", string.Create(CultureInfo.InvariantCulture, $"%+{seconds}"),
        "-select_streams", "v:0", "-show_entries", "stream=width,height,nb_read_frames", "-of", "csv=p=0", url.ToString(),
    ];

    private static int Int(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"frames\.GstPad:sink: caps = video/x-raw, format=\(string\)I420, width=\(int\)(?<width>\d+), height=\(int\)(?<height>\d+)")]
    private static partial Regex SinkCaps();

    [GeneratedRegex(@"^(?<width>\d+),(?<height>\d+),(?<frames>\d+)", RegexOptions.Multiline)]
    private static partial Regex FfprobeLine();
}
