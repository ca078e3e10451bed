using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Backpack.Cli.Bench;
using Backpack.Imaging;
using Backpack.Streaming.Rtsp;
using Backpack.Streaming.Runtime;
using Backpack.Streaming.SkyLines;
using Backpack.Threading;

namespace Backpack.Cli.Commands;

/// <summary>
/// <c>backpack bench rtsp-swap</c>: a stream watched by real RTSP clients (ffprobe) is removed from the server and
/// added again, over and over, as an application that reconfigures its cameras does; the process's resident memory
/// is sampled after each swap. Prints the growth per swap (least squares over the swaps after a warm-up) and in all.
/// </summary>
internal static class RtspSwapBenchCommand
{
    /// <summary>Swaps left out of the figures: the first ones allocate what stays (encoder, pools, threads).</summary>
    private const int WarmUp = 5;

    internal static Command Create()
    {
        var swaps = new Option<int>("--swaps") { Description = "Times the watched stream is removed and added again (10 to 10000).", DefaultValueFactory = _ => 100 };
        var clients = new Option<int>("--clients") { Description = "ffprobe clients watching each time (1 to 16).", DefaultValueFactory = _ => 2 };
        var width = new Option<int>("--width") { Description = "Frame width in pixels (even, 16 to 4096).", DefaultValueFactory = _ => 1280 };
        var height = new Option<int>("--height") { Description = "Frame height in pixels (even, 16 to 4096).", DefaultValueFactory = _ => 720 };
        var command = new Command("rtsp-swap", "Remove and re-add a watched RTSP stream many times; print the resident memory growth per swap (mib_per_swap) and in all.")
        {
            swaps, clients, width, height,
        };
        command.SetAction(parseResult => Run(
            parseResult.GetValue(swaps), parseResult.GetValue(clients), parseResult.GetValue(width), parseResult.GetValue(height),
            parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error));
        return command;
    }

    internal static int Run(int swaps, int clients, int width, int height, TextWriter stdout, TextWriter stderr)
    {
        if (swaps is < 10 or > 10_000 || clients is < 1 or > 16 || width is < 16 or > 4096 || height is < 16 or > 4096 || width % 2 != 0 || height % 2 != 0)
        {
            stderr.WriteLine("backpack bench rtsp-swap: expected --swaps from 10 to 10000, --clients from 1 to 16 and an even size from 16x16 to 4096x4096.");
            return ExitCodes.BadInput;
        }
        try
        {
            return Measure(swaps, clients, width, height, stdout);
        }
        catch (GStreamerUnavailableException exception)
        {
            stderr.WriteLine($"backpack bench rtsp-swap: {exception.Message}");
            return ExitCodes.Failed;
        }
    }

    private static int Measure(int swaps, int clientCount, int width, int height, TextWriter stdout)
    {
        using var server = new RtspServer(new RtspServerOptions { Port = 0, Address = "127.0.0.1" });
        server.Start();
        using var frame = BenchFrames.Create(width, height, 0);
        using var process = Process.GetCurrentProcess();
        var resident = new List<double>();
        var failures = 0;
        var decoded = 0L;
        for (var swap = 0; swap < swaps; swap++)
        {
            var skyLine = server.AddStream("/swap", new SkyLineOptions { Name = "swap", FrameRate = 30, Width = width, Height = height });
            skyLine.StartStreaming();
            using var feeding = new CancellationTokenSource();
            var feeder = BackgroundWork.CreateThread("swap bench feeder", "swap feeder", null, () => Feed(skyLine, frame, feeding.Token));
            feeder.Start();
            var watchers = Enumerable.Range(0, clientCount).Select(_ => Watch(skyLine.Url)).ToList();
            var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 10);
            while ((skyLine.ClientCount < clientCount || skyLine.Statistics.FramesEncoded < 30) && Stopwatch.GetTimestamp() < deadline)
            {
                Thread.Sleep(20);
            }
            feeding.Cancel();
            feeder.Join();
            server.RemoveStream("/swap");
            foreach (var watcher in watchers)
            {
                if (!watcher.WaitForExit(10_000))
                {
                    watcher.Kill();
                    failures++;
                }
                else if (int.TryParse(watcher.StandardOutput.ReadToEnd().Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var frames) && frames > 0)
                {
                    decoded += frames;
                }
                else
                {
                    failures++;
                }
                watcher.Dispose();
            }
            GC.Collect();
            GC.WaitForPendingFinalizers();
            process.Refresh();
            resident.Add(process.WorkingSet64 / 1048576.0);
        }
        var measured = resident.Skip(WarmUp).ToList();
        var slope = Slope(measured);
        var invariant = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(invariant,
            $"resident_mib first={resident[0]:0.0} after_warmup={measured[0]:0.0} last={resident[^1]:0.0} max={measured.Max():0.0} frames_decoded={decoded}"));
        stdout.WriteLine(string.Create(invariant,
            $"mib_per_swap={slope:0.000} growth_mib={resident[^1] - measured[0]:0.0} swaps={swaps} clients={clientCount} client_failures={failures}"));
        return ExitCodes.Success;
    }

    private static void Feed(SkyLine skyLine, BgrFrame frame, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / 30));
        while (!stop.IsCancellationRequested)
        {
            skyLine.Put(frame);
            try
            {
                timer.WaitForNextTickAsync(stop).AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>ffprobe reads the stream until it ends and prints the frames it decoded.</summary>
    private static Process Watch(Uri url)
    {
        var start = new ProcessStartInfo("ffprobe", ["-v", "error", "-rtsp_transport", "tcp", "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", url.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The least-squares slope of the values over their index.</summary>
    private static double Slope(List<double> values)
    {
        var n = values.Count;
        var meanX = (n - 1) / 2.0;
        var meanY = values.Average();
        var numerator = 0.0;
        var denominator = 0.0;
        for (var i = 0; i < n; i++)
        {
            numerator += (i - meanX) * (values[i] - meanY);
            denominator += (i - meanX) * (i - meanX);
        }
        return denominator == 0 ? 0 : numerator / denominator;
    }
}
