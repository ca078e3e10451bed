using System.Diagnostics;
using Backpack.Aws.Kinesis;
using Backpack.Aws.Tests.Fakes;
using Backpack.Aws.Tests.Kinesis.Producer;
using Backpack.Imaging;
using Backpack.Streaming.SkyLines;

namespace Backpack.Aws.Tests.Kinesis.Output;

/// <summary>A KvsSkyLine against a <see cref="LocalKinesisVideoEndpoint"/>, fed paced generated frames, and what the tests check afterwards.</summary>
internal sealed class KvsTestRig : IAsyncDisposable
{
    private const int DistinctFrames = 30;

    private readonly BgrFrame _frame;
    private readonly BgrFrame[] _frames;

    private KvsTestRig(LocalKinesisVideoEndpoint endpoint, KvsSkyLine skyLine, int width, int height, double fps, CapturingLoggerFactory logs)
    {
        Endpoint = endpoint;
        SkyLine = skyLine;
        Width = width;
        Height = height;
        FrameRate = fps;
        Logs = logs;
        _frame = BgrFrame.Create(width, height);
        // Painted once: at 1280x720 painting every frame would cost the test thread more than the frame period.
        _frames = new BgrFrame[DistinctFrames];
        for (var i = 0; i < DistinctFrames; i++)
        {
            Paint(i);
            _frames[i] = BgrFrame.Create(width, height);
            _frame.Pixels.CopyTo(_frames[i].Pixels);
        }
    }

    public LocalKinesisVideoEndpoint Endpoint { get; }

    public KvsSkyLine SkyLine { get; }

    public KvsOutput Output => SkyLine.Output!;

    public CapturingLoggerFactory Logs { get; }

    public int Width { get; }

    public int Height { get; }

    public double FrameRate { get; }

    public long FramesPut { get; private set; }

    public const string Stream = "dock-3";

    public static async Task<KvsTestRig> StartAsync(
        int width = 320, int height = 240, double fps = 30, int retentionHours = 2,
        Func<KvsOutputOptions, KvsOutputOptions>? configure = null, bool addStream = true, int bitrateKbps = 2048, string streamName = Stream, bool throwingLogger = false)
    {
        var endpoint = await LocalKinesisVideoEndpoint.StartAsync(retentionHours: retentionHours);
        if (addStream)
        {
            endpoint.AddStream(streamName);
        }
        var options = new KvsOutputOptions
        {
            StreamName = streamName,
            Region = endpoint.Region,
            EndpointUrl = endpoint.ControlPlaneUrl,
            Credentials = TestCredentials.Session,
            FragmentDuration = TimeSpan.FromSeconds(1),
            StopTimeout = TimeSpan.FromSeconds(10),
        };
        options = configure?.Invoke(options) ?? options;
        var logs = new CapturingLoggerFactory { Throws = throwingLogger };
        var skyLine = new KvsSkyLine(options, new SkyLineOptions { Name = "kvs-test", FrameRate = fps, Width = width, Height = height, BitrateKbps = bitrateKbps, StopTimeout = TimeSpan.FromSeconds(15) }, logs);
        var rig = new KvsTestRig(endpoint, skyLine, width, height, fps, logs);
        skyLine.StartStreaming();
        return rig;
    }

    /// <summary>Puts frames at the frame rate for <paramref name="duration"/>; each frame differs (a moving bar).</summary>
    public void PutFor(TimeSpan duration, Action<TimeSpan>? atElapsed = null)
    {
        var interval = TimeSpan.FromSeconds(1 / FrameRate);
        var started = Stopwatch.GetTimestamp();
        long frames = 0;
        while (true)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed >= duration)
            {
                break;
            }
            SkyLine.Put(_frames[FramesPut % DistinctFrames]);
            FramesPut++;
            frames++;
            atElapsed?.Invoke(elapsed);
            var wait = (interval * frames) - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                Thread.Sleep(wait);
            }
        }
    }

    /// <summary>The unique fragments the endpoint kept, as one Matroska file.</summary>
    public string WriteReceived()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kvs-{Guid.NewGuid():N}.mkv");
        Endpoint.WriteUniqueFragmentsToFile(Stream, path);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        SkyLine.Dispose();
        _frame.Dispose();
        foreach (var frame in _frames)
        {
            frame.Dispose();
        }
        await Endpoint.DisposeAsync();
    }

    private void Paint(long index)
    {
        var bar = (int)(index * Width / DistinctFrames % Width);
        for (var y = 0; y < Height; y++)
        {
            var row = _frame.GetRow(y);
            for (var x = 0; x < Width; x++)
            {
                var inBar = Math.Abs(x - bar) < 12;
                row[x * 3] = (byte)(inBar ? 255 : (x + index) & 0xFF);
                row[(x * 3) + 1] = (byte)(inBar ? 255 : y & 0xFF);
                row[(x * 3) + 2] = (byte)(inBar ? 0 : (index * 3) & 0xFF);
            }
        }
    }
}
