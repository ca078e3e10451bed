using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Backpack.Cli.Bench;
using Backpack.Imaging;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.Runtime;
using Backpack.Streaming.SkyLines;

namespace Backpack.Cli.Commands;

/// <summary>
/// <c>backpack bench skyline</c>: generates the benchmark frames (data/bench/FRAMES.md) before
/// timing, puts them into a recorder SkyLine at the real-time pace of --fps or as fast as possible,
/// stops, and measures CPU per frame out, Put latency, frames written and the encoder's delay.
/// </summary>
internal static class SkyLineBenchCommand
{


    internal static Command Create()
    {
        var frames = new Option<int>("--frames") { Description = "Frames to put.", DefaultValueFactory = _ => 300 };
        var width = new Option<int>("--width") { Description = "Frame width in pixels (even, at least 16).", DefaultValueFactory = _ => 1280 };
        var height = new Option<int>("--height") { Description = "Frame height in pixels (even, at least 16).", DefaultValueFactory = _ => 720 };
        var fps = new Option<double>("--fps") { Description = "Frame rate of the stream, and the pace of putting with --pace realtime.", DefaultValueFactory = _ => 30 };
        var encoder = new Option<string?>("--encoder") { Description = "A GStreamer encoder description replacing SkyLine's choice, such as \"x264enc bframes=0 key-int-max=45 bitrate=500\"." };
        var pace = new Option<string>("--pace") { Description = "realtime: put at the pace of --fps; max: as fast as possible.", DefaultValueFactory = _ => "realtime" };
        pace.AcceptOnlyFromAmong("realtime", "max");
        var output = new Option<FileInfo?>("--out") { Description = "The recording (.mkv or .mp4); a temporary file, deleted afterwards, when absent." };
        var cpuLoad = new Option<int>("--cpu-load") { Description = "Busy processes to run beside the benchmark, each spinning one core, 0 to 64.", DefaultValueFactory = _ => 0 };
        var distinct = new Option<int?>("--distinct-frames") { Description = "Generate only this many different frames and put them in turn (1: the same frame, in cache, each time); default: every frame different, as a camera's." };
        var cpuLoadNice = new Option<int>("--cpu-load-nice") { Description = "The nice value of the busy processes: 10 (default) below the application, as its encoder threads run; 0 at its own priority.", DefaultValueFactory = _ => 10 };
        var command = new Command("skyline", "Put generated frames into a recorder SkyLine and print cpu_ms_per_frame, p99_put_ms, max_put_ms, frames_out, dropped and encoder_delay_frames.")
        {
            frames, width, height, fps, encoder, pace, output, cpuLoad, cpuLoadNice, distinct,
        };
        command.SetAction(parseResult => Run(
            new Settings(
                parseResult.GetValue(frames),
                parseResult.GetValue(width),
                parseResult.GetValue(height),
                parseResult.GetValue(fps),
                parseResult.GetValue(encoder),
                parseResult.GetValue(pace) == "max",
                parseResult.GetValue(output)?.FullName,
                parseResult.GetValue(cpuLoad),
                parseResult.GetValue(cpuLoadNice),
                parseResult.GetValue(distinct)),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>What to measure.</summary>
    internal sealed record Settings(int Frames, int Width, int Height, double FrameRate, string? Encoder, bool AsFastAsPossible, string? Output, int CpuLoad = 0, int CpuLoadNice = 10, int? DistinctFrames = null);

    internal static int Run(Settings settings, TextWriter stdout, TextWriter stderr)
    {
        if (Validate(settings) is { } problem)
        {
            stderr.WriteLine($"backpack bench skyline: {problem}");
            return ExitCodes.BadInput;
        }
        var path = settings.Output ?? Path.Combine(Path.GetTempPath(), $"backpack-bench-{Guid.NewGuid():N}.mkv");
        try
        {
            return Measure(settings, path, stdout, stderr);
        }
        catch (GStreamerUnavailableException exception)
        {
            stderr.WriteLine($"backpack bench skyline: {exception.Message}");
            return ExitCodes.Failed;
        }
        catch (ArgumentException exception)
        {
            stderr.WriteLine($"backpack bench skyline: {exception.Message}");
            return ExitCodes.BadInput;
        }
        finally
        {
            if (settings.Output is null)
            {
                File.Delete(path);
            }
        }
    }

    private static string? Validate(Settings settings)
    {
        if (settings.Frames is < 1 or > 100_000)
        {
            return $"--frames {settings.Frames} is out of range; expected from 1 to 100000.";
        }
        if (settings.Width is < 16 or > 16384 || settings.Height is < 16 or > 16384 || settings.Width % 2 != 0 || settings.Height % 2 != 0)
        {
            return $"the frame size {settings.Width}x{settings.Height} is out of range; expected even widths and heights from 16 to 16384.";
        }
        if (!double.IsFinite(settings.FrameRate) || settings.FrameRate is <= 0 or > 1000)
        {
            return $"--fps {settings.FrameRate.ToString(CultureInfo.InvariantCulture)} is out of range; expected above 0 and at most 1000.";
        }
        if (settings.DistinctFrames is { } count && (count < 1 || count > settings.Frames))
        {
            return $"--distinct-frames {count} is out of range; expected from 1 to --frames ({settings.Frames}).";
        }
        if (settings.CpuLoad is < 0 or > 64)
        {
            return $"--cpu-load {settings.CpuLoad} is out of range; expected from 0 to 64 busy processes.";
        }
        if (settings.CpuLoadNice is < 0 or > 19)
        {
            return $"--cpu-load-nice {settings.CpuLoadNice} is out of range; expected a nice value from 0 to 19.";
        }
        var bytes = (long)settings.Frames * settings.Width * settings.Height * 3;
        if (bytes > 16L << 30)
        {
            return $"{settings.Frames} frames of {settings.Width}x{settings.Height} need {bytes >> 20} MiB, all generated before timing; expected at most 16 GiB.";
        }
        return null;
    }

    private static int Measure(Settings settings, string path, TextWriter stdout, TextWriter stderr)
    {
        var frames = new BgrFrame[settings.DistinctFrames ?? settings.Frames];
        for (var i = 0; i < frames.Length; i++)
        {
            frames[i] = BenchFrames.Create(settings.Width, settings.Height, i);
        }
        var putTimes = new long[settings.Frames];
        var putCpu = new long[settings.Frames];
        long putFaults = 0;
        using var load = CpuLoad.Start(settings.CpuLoad, settings.CpuLoadNice);
        try
        {
            using var skyLine = new RecorderSkyLine(path, options: new SkyLineOptions { Name = "bench", Encoder = settings.Encoder });
            skyLine.StartStreaming(settings.FrameRate, settings.Width, settings.Height);
            if (skyLine.State != SkyLineState.Streaming)
            {
                stderr.WriteLine($"backpack bench skyline: the pipeline did not start (state {skyLine.State}).");
                return ExitCodes.Failed;
            }

            using var process = Process.GetCurrentProcess();
            var residentBefore = process.WorkingSet64;
            var threadsBefore = ThreadCpu.Snapshot();
            var cpuBefore = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            var period = Stopwatch.Frequency / settings.FrameRate;
            for (var i = 0; i < settings.Frames; i++)
            {
                if (!settings.AsFastAsPossible)
                {
                    WaitUntil(started + (long)(i * period));
                }
                var faultsBeforePut = ThreadClock.MinorFaults();
                var cpuBeforePut = ThreadClock.Nanoseconds();
                var before = Stopwatch.GetTimestamp();
                skyLine.Put(frames[i % frames.Length]);
                putTimes[i] = Stopwatch.GetTimestamp() - before;
                putCpu[i] = ThreadClock.Nanoseconds() - cpuBeforePut;
                putFaults += ThreadClock.MinorFaults() - faultsBeforePut;
            }
            process.Refresh();
            var residentGrowth = process.WorkingSet64 - residentBefore;
            var pooled = skyLine.PooledMemory;
            var threadsAtStop = ThreadCpu.Snapshot();
            var cpuAtStop = process.TotalProcessorTime;
            skyLine.StopStreaming();
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            var threads = ThreadCpu.Between(threadsBefore, threadsAtStop);
            process.Refresh();
            var stopping = process.TotalProcessorTime - cpuAtStop;
            var wall = Stopwatch.GetElapsedTime(started);
            var peakResident = process.PeakWorkingSet64;
            var finalStatistics = skyLine.Statistics;

            var framesOut = RecordedFile.CountVideoFrames(path, TimeSpan.FromMinutes(2));
            if (framesOut == 0)
            {
                stderr.WriteLine($"backpack bench skyline: the recording {path} holds no frames.");
                return ExitCodes.Failed;
            }
            var slowest = putTimes.Select((ticks, index) => (ticks, index)).OrderByDescending(put => put.ticks).Take(5)
                .Select(put => string.Create(CultureInfo.InvariantCulture, $"#{put.index}={ToMilliseconds(put.ticks):0.00}ms")).ToList();
            Array.Sort(putTimes);
            Array.Sort(putCpu);
            var p99Index = Math.Min(putTimes.Length - 1, (int)Math.Ceiling(putTimes.Length * 0.99) - 1);
            var p99 = ToMilliseconds(putTimes[p99Index]);
            var max = ToMilliseconds(putTimes[^1]);
            var p99Cpu = putCpu[p99Index] / 1e6;
            var maxCpu = putCpu[^1] / 1e6;
            var duration = framesOut / settings.FrameRate;
            var bitrate = new FileInfo(path).Length * 8 / duration / 1000;
            var invariant = CultureInfo.InvariantCulture;
            stdout.WriteLine(string.Create(invariant,
                $"stream {settings.Width}x{settings.Height}@{settings.FrameRate} encoder={skyLine.EncoderElement} pace={(settings.AsFastAsPossible ? "max" : "realtime")} " +
                $"cpu_load={settings.CpuLoad}@nice{settings.CpuLoadNice} file={path}"));
            stdout.WriteLine(string.Create(invariant,
                $"wall_s={wall.TotalSeconds:0.000} cpu_s={cpu.TotalSeconds:0.000} bitrate_kbps={bitrate:0} mean_put_ms={ToMilliseconds((long)putTimes.Average()):0.000} " +
                $"mean_put_cpu_ms={putCpu.Average() / 1e6:0.000} put_page_faults={putFaults} " +
                $"put={finalStatistics.FramesPut} dropped_queue={finalStatistics.FramesDropped} skipped_rate={finalStatistics.FramesSkipped} repeated={finalStatistics.FramesRepeated} " +
                $"encoded={finalStatistics.FramesEncoded} pool_buffers={pooled.Buffers} pool_mb={pooled.Bytes / 1048576.0:0.0} rss_growth_mb={residentGrowth / 1048576.0:0.0} peak_rss_mb={peakResident >> 20}"));
            stdout.WriteLine("slowest_puts " + string.Join(' ', slowest));
            stdout.WriteLine(
                "cpu_by_thread_until_stop " + string.Join(' ', threads.Take(8).Select(thread => string.Create(invariant, $"'{thread.Name}'={thread.Seconds:0.00}s"))) +
                string.Create(invariant, $" stop={stopping.TotalSeconds:0.00}s"));
            stdout.WriteLine(string.Create(invariant,
                $"cpu_ms_per_frame={cpu.TotalMilliseconds / framesOut:0.000} p99_put_ms={p99:0.000} max_put_ms={max:0.000} " +
                $"p99_put_cpu_ms={p99Cpu:0.000} max_put_cpu_ms={maxCpu:0.000} frames_out={framesOut} " +
                $"dropped={finalStatistics.FramesDropped + finalStatistics.FramesSkipped} encoder_delay_frames={finalStatistics.EncoderDelayFrames?.ToString(invariant) ?? "-1"}"));
            return ExitCodes.Success;
        }
        finally
        {
            foreach (var frame in frames)
            {
                frame?.Dispose();
            }
        }
    }

    private static void WaitUntil(long timestamp)
    {
        // Sleeping (not spinning) keeps the measured CPU time the streaming's own.
        var remaining = timestamp - Stopwatch.GetTimestamp();
        if (remaining > 0)
        {
            Thread.Sleep(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency));
        }
    }

    private static double ToMilliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
