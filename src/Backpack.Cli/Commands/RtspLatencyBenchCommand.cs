using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Backpack.Cli.Bench;
using Backpack.Cli.Demo;
using Backpack.Imaging;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Backpack.Streaming.Rtsp;
using Backpack.Streaming.Runtime;
using Backpack.Streaming.SkyLines;

namespace Backpack.Cli.Commands;

/// <summary>
/// <c>backpack bench rtsp-latency</c>: the time from <see cref="SkyLine.Put(BgrFrame)"/> to the moment a
/// real RTSP client on loopback (GStreamer's rtspsrc, in this process) has decoded the same frame. Each
/// frame carries its number as a block code (<see cref="FrameCode"/>); both ends are timed with one clock.
/// </summary>
internal static class RtspLatencyBenchCommand
{


    /// <summary>Decoded frames left out at the start: the client's first moments after joining.</summary>
    private const int Settle = 30;

    internal static Command Create()
    {
        var frames = new Option<int>("--frames") { Description = "Frames to measure once the client decodes.", DefaultValueFactory = _ => 300 };
        var width = new Option<int>("--width") { Description = "Frame width in pixels (even, at least 320).", DefaultValueFactory = _ => 1280 };
        var height = new Option<int>("--height") { Description = "Frame height in pixels (even, at least 160).", DefaultValueFactory = _ => 720 };
        var fps = new Option<double>("--fps") { Description = "Frames per second.", DefaultValueFactory = _ => 30 };
        var transport = new Option<string>("--transport") { Description = "tcp (interleaved) or udp.", DefaultValueFactory = _ => "tcp" };
        transport.AcceptOnlyFromAmong("tcp", "udp");
        var encoder = new Option<string?>("--encoder") { Description = "A GStreamer encoder description replacing SkyLine's choice, such as the original's \"x264enc bframes=0 key-int-max=45 bitrate=500\"." };
        var command = new Command("rtsp-latency", "Measure the time from Put to the frame decoded by an RTSP client on loopback; print p50_ms, p90_ms, p99_ms and max_ms.")
        {
            frames, width, height, fps, transport, encoder,
        };
        command.SetAction(parseResult => Run(
            new Settings(
                parseResult.GetValue(frames),
                parseResult.GetValue(width),
                parseResult.GetValue(height),
                parseResult.GetValue(fps),
                parseResult.GetValue(transport)!,
                parseResult.GetValue(encoder)),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>What to measure.</summary>
    internal sealed record Settings(int Frames, int Width, int Height, double FrameRate, string Transport, string? Encoder);

    internal static int Run(Settings settings, TextWriter stdout, TextWriter stderr)
    {
        if (Validate(settings) is { } problem)
        {
            stderr.WriteLine($"backpack bench rtsp-latency: {problem}");
            return ExitCodes.BadInput;
        }
        try
        {
            return Measure(settings, stdout, stderr);
        }
        catch (Exception exception) when (exception is GStreamerUnavailableException or ArgumentException or GStreamerException)
        {
            stderr.WriteLine($"backpack bench rtsp-latency: {exception.Message}");
            return ExitCodes.Failed;
        }
    }

    private static string? Validate(Settings settings)
    {
        if (settings.Frames is < 10 or > 60_000)
        {
            return $"--frames {settings.Frames} is out of range; expected from 10 to 60000.";
        }
        if (settings.Width is < 320 or > 7680 || settings.Height is < 160 or > 4320 || settings.Width % 2 != 0 || settings.Height % 2 != 0)
        {
            return $"the frame size {settings.Width}x{settings.Height} is out of range; expected even sizes from 320x160 to 7680x4320.";
        }
        return settings.FrameRate is >= 1 and <= 120
            ? null
            : $"--fps {settings.FrameRate.ToString(CultureInfo.InvariantCulture)} is out of range; expected 1 to 120.";
    }

    private static int Measure(Settings settings, TextWriter stdout, TextWriter stderr)
    {
        using var server = new RtspServer(new RtspServerOptions { Port = 0, Address = "127.0.0.1" });
        var skyLine = server.AddStream("/latency", new SkyLineOptions
        {
            Name = "latency", FrameRate = settings.FrameRate, Width = settings.Width, Height = settings.Height, Encoder = settings.Encoder,
        });
        skyLine.StartStreaming();
        server.Start();
        var url = new Uri($"rtsp://127.0.0.1:{server.Port}/latency");

        var putAt = new long[1 << FrameCode.Bits];
        var decodedAt = new long[1 << FrameCode.Bits];
        var client = new Client(decodedAt, settings.Width);
        using var scene = new DemoScene(settings.Width, settings.Height, settings.FrameRate);
        using var frame = BgrFrame.Create(settings.Width, settings.Height);
        using var pipeline = Pipeline.Parse(
            $"rtspsrc location={url} latency=0 protocols={settings.Transport} ! rtph264depay ! avdec_h264 max-threads=1 " +
            "! videoconvert ! video/x-raw,format=GRAY8 ! appsink name=sink sync=false max-buffers=8 drop=false");
        using var sink = pipeline.GetAppSink("sink");
        sink.OnNewSample(client.OnSample);

        var period = Stopwatch.Frequency / settings.FrameRate;
        var started = Stopwatch.GetTimestamp();
        var clientStarted = false;
        var deadline = TimeSpan.FromSeconds(30 + (settings.Frames / settings.FrameRate));
        var number = 0;
        while (client.Decoded < settings.Frames + Settle && Stopwatch.GetElapsedTime(started) < deadline)
        {
            WaitUntil(started + (long)(number * period));
            scene.Advance();
            scene.Render(frame);
            FrameCode.Draw(frame, number);
            putAt[number & 0xFFFF] = Stopwatch.GetTimestamp();
            skyLine.Put(frame);
            number++;
            if (!clientStarted && number == (int)settings.FrameRate)
            {
                // The client joins a running stream, as a viewer would.
                pipeline.SetState(Gst.State.Playing);
                clientStarted = true;
            }
        }
        pipeline.SetState(Gst.State.Null);
        var encoder = skyLine.EncoderElement;
        skyLine.StopStreaming();

        var latencies = client.Order
            .Skip(Settle)
            .Where(index => putAt[index] != 0 && decodedAt[index] > putAt[index])
            .Select(index => (decodedAt[index] - putAt[index]) * 1000.0 / Stopwatch.Frequency)
            .Order()
            .ToArray();
        if (latencies.Length == 0)
        {
            stderr.WriteLine($"backpack bench rtsp-latency: the client decoded {client.Decoded} frames, none measurable; is the stream reachable at {url}?");
            return ExitCodes.Failed;
        }
        var invariant = CultureInfo.InvariantCulture;
        var encoding = settings.Encoder ?? encoder + " (default settings)";
        stdout.WriteLine(string.Create(invariant,
            $"stream {settings.Width}x{settings.Height}@{settings.FrameRate} encoder={encoding} transport={settings.Transport} client=rtspsrc latency=0 ! avdec_h264 max-threads=1"));
        stdout.WriteLine(string.Create(invariant,
            $"p50_ms={Percentile(latencies, 0.50):0.0} p90_ms={Percentile(latencies, 0.90):0.0} p99_ms={Percentile(latencies, 0.99):0.0} " +
            $"max_ms={latencies[^1]:0.0} min_ms={latencies[0]:0.0} frames_matched={latencies.Length} frames_put={number} frames_decoded={client.Decoded}"));
        return ExitCodes.Success;
    }

    private static double Percentile(double[] sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(sorted.Length * fraction) - 1, 0, sorted.Length - 1)];

    private static void WaitUntil(long timestamp)
    {
        var remaining = timestamp - Stopwatch.GetTimestamp();
        if (remaining > 0)
        {
            Thread.Sleep(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency));
        }
    }

    /// <summary>The client's end: on GStreamer's streaming thread, note when each numbered frame came out of the decoder.</summary>
    private sealed class Client(long[] decodedAt, int width)
    {
        private readonly byte[] _row = new byte[width];
        private volatile int _decoded;

        internal int Decoded => _decoded;

        /// <summary>Frame numbers in the order they were decoded.</summary>
        internal List<int> Order { get; } = new(capacity: 65536);

        internal void OnSample(AppSink sink)
        {
            var now = Stopwatch.GetTimestamp();
            using var sample = sink.TryPullSample(TimeSpan.Zero);
            if (sample is null || sample.GetCapsInt("width") is not { } width || sample.GetCapsInt("height") is not { } height)
            {
                return;
            }
            var buffer = sample.Buffer.Pointer;
            if (!Gst.BufferMap(buffer, out var map, Gst.MapFlags.Read))
            {
                return;
            }
            try
            {
                // GRAY8 rows are padded to 4 bytes.
                Marshal.Copy(map.Data + (FrameCode.MiddleRow(height) * ((width + 3) & ~3)), _row, 0, Math.Min(_row.Length, width));
            }
            finally
            {
                Gst.BufferUnmap(buffer, ref map);
            }
            var number = FrameCode.Read(_row, height);
            if (decodedAt[number] == 0)
            {
                decodedAt[number] = now;
                Order.Add(number);
            }
            _decoded++;
        }
    }
}
