using System.Diagnostics;
using System.Globalization;
using Backpack.Aws.Kinesis;
using Backpack.Web;
using Backpack.Imaging;
using Backpack.Streaming.Outputs;
using Backpack.Streaming.Rtsp;
using Backpack.Streaming.SkyLines;
using Backpack.Timepiece;
using Microsoft.Extensions.Logging;

namespace Backpack.Cli.Demo;

/// <summary>
/// The demo's video-analytics loop: at the frame rate, advance and render the <see cref="DemoScene"/>,
/// put the frame into an <see cref="RtspSkyLine"/>, time it all with Timepiece, and print a status line
/// every few seconds until stopped.
/// </summary>
internal sealed class DemoLoop
{
    /// <summary>Seconds between status lines.</summary>
    internal static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(5);

    /// <summary>The parameter name of a Kinesis problem found when the output is made (such as no region).</summary>
    internal const string KinesisParameter = "kinesis";

    private static readonly TimeSpan LabelInterval = TimeSpan.FromSeconds(1);

    private readonly DemoSettings _settings;
    private readonly TextWriter _output;
    private readonly ILoggerFactory _loggerFactory;

    internal DemoLoop(DemoSettings settings, TextWriter output, ILoggerFactory loggerFactory)
    {
        _settings = settings;
        _output = output;
        _loggerFactory = loggerFactory;
    }

    /// <summary>
    /// Serves the stream and runs the loop until <paramref name="stop"/> is cancelled or the duration is
    /// over; then stops the stream and the server.
    /// </summary>
    /// <exception cref="System.Net.Sockets.SocketException">The port cannot be bound.</exception>
    internal void Run(CancellationToken stop)
    {
        var options = new RtspServerOptions
        {
            Port = _settings.Port,
            Address = _settings.Bind,
            Credentials = _settings.User is { } user ? new RtspCredentials(user, _settings.Password!) : null,
        };
        using var server = new RtspServer(options, _loggerFactory);
        var skyLine = server.AddStream(DemoSettings.Path, new SkyLineOptions
        {
            Name = "demo",
            FrameRate = _settings.FramesPerSecond,
            Width = _settings.Width,
            Height = _settings.Height,
        });
        using var kinesis = _settings.Kinesis is { } target ? CreateKinesisOutput(target) : null;
        if (kinesis is not null)
        {
            // The same encoded frames as RTSP: one encode for both.
            skyLine.Attach(kinesis);
        }
        skyLine.StartStreaming();
        server.Start();
        using var web = StartLiveView(skyLine);
        _output.WriteLine($"Backpack demo: {_settings.Width}x{_settings.Height} at {_settings.FramesPerSecond:0.##} fps, encoded with {skyLine.EncoderElement} while somebody watches.");
        _output.WriteLine($"Open {skyLine.Url} in VLC or ffplay{(_settings.User is null ? string.Empty : $" (user {_settings.User} and the password you gave)")}.");
        if (web is not null)
        {
            _output.WriteLine($"Watch in a browser: {new Uri(web.Url!, $"view/{DemoSettings.WebStream}")}{(_settings.User is null ? string.Empty : " (the same user and password)")}.");
        }
        if (kinesis is not null)
        {
            _output.WriteLine($"Streaming to Kinesis Video Streams: {kinesis.StreamName} in {kinesis.Region} (watch: backpack kvs-url --stream {kinesis.StreamName} --region {kinesis.Region}).");
        }
        _output.WriteLine(_settings.Duration is { } duration
            ? $"Running for {duration.TotalSeconds:0.#} s; Ctrl+C stops earlier."
            : "Ctrl+C stops.");
        _output.Flush();

        var frames = Loop(skyLine, server, kinesis, stop);

        skyLine.StopStreaming();
        server.Stop();
        _output.WriteLine($"Stopped after {frames} frames; {skyLine.Statistics.FramesEncoded} encoded, {skyLine.Statistics.FramesDropped} dropped.");
        if (kinesis is not null)
        {
            var figures = kinesis.KinesisStatistics;
            _output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Kinesis: {figures.FragmentsPersisted} fragments persisted, {figures.FragmentsReceived} received, {figures.FragmentsDropped + figures.FragmentsAbandoned} lost, {figures.FragmentsSkipped} refused{(figures.LastError is { } error ? $"; last error: {error}" : string.Empty)}."));
        }
    }

    /// <summary>The live view of the demo's stream, started, or null with <c>--no-web</c>.</summary>
    /// <exception cref="IOException">The web port cannot be bound.</exception>
    private LiveViewServer? StartLiveView(RtspSkyLine skyLine)
    {
        if (_settings.WebPort is not { } port)
        {
            return null;
        }
        var web = new LiveViewServer(
            new LiveViewServerOptions
            {
                Port = port,
                Address = _settings.Bind,
                Credentials = _settings.User is { } user ? new LiveViewCredentials(user, _settings.Password!) : null,
            },
            _loggerFactory);
        try
        {
            web.AddStream(DemoSettings.WebStream, skyLine);
            web.StartAsync().GetAwaiter().GetResult();
            return web;
        }
        catch
        {
            web.Dispose();
            throw;
        }
    }

    private KvsOutput CreateKinesisOutput(DemoKinesis kinesis)
    {
        try
        {
            return new KvsOutput(
                new KvsOutputOptions
                {
                    StreamName = kinesis.StreamName!,
                    Region = kinesis.Region,
                    EndpointUrl = kinesis.EndpointUrl is { } url ? new Uri(url) : null,
                    CreateStreamIfMissing = kinesis.CreateStream,
                    Creation = new KinesisVideoStreamSettings { DataRetentionInHours = 24 },
                },
                _loggerFactory);
        }
        catch (ArgumentException exception)
        {
            throw new ArgumentException(exception.Message, nameof(kinesis), exception);
        }
    }

    private long Loop(RtspSkyLine skyLine, RtspServer server, KvsOutput? kinesis, CancellationToken stop)
    {
        using var scene = new DemoScene(_settings.Width, _settings.Height, _settings.FramesPerSecond, loggerFactory: _loggerFactory);
        using var frame = BgrFrame.Create(_settings.Width, _settings.Height);
        var ticker = new Ticker(maxIntervals: 60);
        var processing = new StopWatch("frame", maxIntervals: 60);
        // The same measurement as a tachometer: its histogram is what the live view's figures show.
        using var tachometer = new StopWatchTachometer(static (_, _) => { }, StatusInterval, "demo.frame_processing");
        var interval = TimeSpan.FromSeconds(1 / _settings.FramesPerSecond);
        var started = Stopwatch.GetTimestamp();
        var nextLabel = LabelInterval;
        var nextStatus = StatusInterval;
        long frames = 0;
        while (!stop.IsCancellationRequested)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (_settings.Duration is { } duration && elapsed >= duration)
            {
                break;
            }
            ticker.Tick();
            using (processing.Start())
            using (tachometer.Start())
            {
                scene.Advance();
                scene.Render(frame);
                skyLine.Put(frame);
            }
            frames++;
            if (elapsed >= nextLabel)
            {
                scene.SetLoopStatistics(ticker.Frequency, processing.Mean);
                nextLabel += LabelInterval;
            }
            if (elapsed >= nextStatus)
            {
                PrintStatus(ticker, processing, skyLine, server, kinesis);
                nextStatus += StatusInterval;
                // The scene makes about 1.3 KB of garbage a frame (the annotation records of its boxes). The first
                // generation's budget is sized to the CPU cache (about 25 MB with a 32 MB L3), so without this the
                // process would grow by that much over ten minutes before its first collection; collecting the
                // young generation every few seconds (well under a millisecond) keeps resident memory flat.
                GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            }
            // Wait for the next frame's moment (not a fixed sleep: the loop keeps its rate whatever the work took).
            var wait = (interval * (frames + 1)) - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                stop.WaitHandle.WaitOne(wait);
            }
        }
        return frames;
    }

    private void PrintStatus(Ticker ticker, StopWatch processing, RtspSkyLine skyLine, RtspServer server, KvsOutput? kinesis)
    {
        var statistics = skyLine.Statistics;
        var kinesisPart = string.Empty;
        if (kinesis is not null)
        {
            var figures = kinesis.KinesisStatistics;
            kinesisPart = string.Create(
                CultureInfo.InvariantCulture,
                $"  kvs persisted {figures.FragmentsPersisted} buffered {figures.BufferedBytes / 1024.0:0} KiB{(figures.LastError is { } error && kinesis.Statistics.State == OutputState.Error ? $" error: {error}" : string.Empty)}");
        }
        _output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{DateTime.Now:HH:mm:ss}  {ticker.Frequency,5:0.0} fps  processing {processing.Mean.TotalMilliseconds:0.0} ms (max {processing.Max.TotalMilliseconds:0.0})  " +
            $"encoded {statistics.FramesEncoded}  dropped {statistics.FramesDropped}  clients {server.ClientCount}{kinesisPart}"));
        _output.Flush();
    }
}
