using System.Diagnostics;

namespace Backpack.Aws.Tests.Kinesis.Producer;

/// <summary>
/// A real H.264 clip for the endpoint's tests: GStreamer encodes it in a child process (x264, 320×240, 30 fps, a key
/// frame every 30 frames, no B-frames, AVCC), matroskamux writes it, and <see cref="EbmlStreamParser"/> reads back the
/// AVCDecoderConfigurationRecord and the frames.
/// </summary>
internal sealed record H264TestClip(byte[] CodecPrivate, int Width, int Height, IReadOnlyList<H264TestFrame> Frames)
{
    private static readonly Lazy<Task<H264TestClip>> Clip = new(() => EncodeAsync(90));

    public static Task<H264TestClip> LoadAsync() => Clip.Value;

    /// <summary>The frames of each GOP (from one key frame to the next).</summary>
    public IReadOnlyList<IReadOnlyList<H264TestFrame>> Gops()
    {
        var gops = new List<List<H264TestFrame>>();
        foreach (var frame in Frames)
        {
            if (frame.Key || gops.Count == 0)
            {
                gops.Add([]);
            }
            gops[^1].Add(frame);
        }
        return gops;
    }

    private static async Task<H264TestClip> EncodeAsync(int frames)
    {
        var path = Path.Combine(Path.GetTempPath(), $"backpack-kvs-clip-{Environment.ProcessId}-{Guid.NewGuid():N}.mkv");
        try
        {
            var start = new ProcessStartInfo("gst-launch-1.0") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in $"-q videotestsrc num-buffers={frames} ! video/x-raw,format=I420,width=320,height=240,framerate=30/1 ! x264enc key-int-max=30 bframes=0 ! h264parse ! video/x-h264,stream-format=avc,alignment=au ! matroskamux ! filesink location={path}".Split(' '))
            {
                start.ArgumentList.Add(argument);
            }
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"gst-launch-1.0 failed ({process.ExitCode}): {await stderr}");
            }
            return Parse(await File.ReadAllBytesAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static H264TestClip Parse(byte[] mkv)
    {
        var parser = new EbmlStreamParser();
        var events = new List<EbmlEvent>();
        // Pushed in small pieces on purpose: the parser is incremental.
        for (var at = 0; at < mkv.Length; at += 1000)
        {
            parser.Push(mkv.AsSpan(at, Math.Min(1000, mkv.Length - at)), events);
        }
        parser.Finish(events);
        byte[]? codecPrivate = null;
        int width = 0, height = 0;
        long cluster = 0;
        var frames = new List<H264TestFrame>();
        foreach (var e in events)
        {
            switch (e.Kind, e.Id)
            {
                case (EbmlEventKind.Error, _):
                    throw new InvalidDataException(e.Error);
                case (EbmlEventKind.Leaf, EbmlStreamParser.CodecPrivateId):
                    codecPrivate = e.Data;
                    break;
                case (EbmlEventKind.Leaf, EbmlStreamParser.PixelWidthId):
                    width = (int)EbmlStreamParser.ReadUInt(e.Data);
                    break;
                case (EbmlEventKind.Leaf, EbmlStreamParser.PixelHeightId):
                    height = (int)EbmlStreamParser.ReadUInt(e.Data);
                    break;
                case (EbmlEventKind.Leaf, EbmlStreamParser.TimecodeId):
                    cluster = (long)EbmlStreamParser.ReadUInt(e.Data);
                    break;
                case (EbmlEventKind.Leaf, EbmlStreamParser.SimpleBlockId):
                    var data = e.Data!;
                    frames.Add(new H264TestFrame(cluster + (short)((data[1] << 8) | data[2]), (data[3] & 0x80) != 0, data[4..]));
                    break;
                default:
                    break;
            }
        }
        if (codecPrivate is null || frames.Count == 0 || !frames[0].Key)
        {
            throw new InvalidDataException($"The GStreamer clip has no CodecPrivate or no frames starting with a key frame ({frames.Count} frames).");
        }
        return new H264TestClip(codecPrivate, width, height, frames);
    }
}
