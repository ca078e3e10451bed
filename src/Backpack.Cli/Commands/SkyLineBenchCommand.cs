using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Backpack.Aws.Kinesis;
using Backpack.Cli.Bench;
using Backpack.Cli.Demo;
using Backpack.Imaging;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.Runtime;
using Backpack.Streaming.SkyLines;

namespace Backpack.Cli.Commands;

/// <summary>
/// <c>backpack bench skyline</c>: generates the benchmark frames (data/bench/FRAMES.md) before
/// timing, puts them into a recorder SkyLine at the real-time pace of --fps or as fast as possible,
/// stops, and measures CPU per frame out, Put latency, frames written and the encoder's delay. With <c>--output kvs</c>
/// the same frames go to a <see cref="KvsSkyLine"/> (same encoder, same pacing) and the Kinesis figures are printed too.
/// </summary>
internal static class SkyLineBenchCommand
{
    /// <summary>How often resident memory and the Kinesis buffer are sampled while the frames are put.</summary>
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(100);

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
        var sink = new Option<string>("--output") { Description = "recorder: a RecorderSkyLine writing a file; kvs: a KvsSkyLine sending to Kinesis Video Streams (with --kvs-stream, --region, --kvs-endpoint-url; credentials from the AWS environment variables).", DefaultValueFactory = _ => "recorder" };
        sink.AcceptOnlyFromAmong("recorder", "kvs");
        var kvsStream = new Option<string?>("--kvs-stream") { Description = "The Kinesis video stream of --output kvs." };
        var region = new Option<string?>("--region") { Description = "The AWS region of --kvs-stream." };
        var kvsEndpoint = new Option<string?>("--kvs-endpoint-url") { Description = "The Kinesis Video Streams control-plane endpoint of --output kvs, such as a local endpoint (bench/KvsEndpoint)." };
        var warmup = new Option<int>("--warmup-frames") { Description = "Frames put first, at the same pace, before the measurement starts (JIT, first connection and fragment); not counted.", DefaultValueFactory = _ => 0 };
        var command = new Command("skyline", "Put generated frames into a recorder (or Kinesis) SkyLine and print cpu_ms_per_frame, p99_put_ms, max_put_ms, frames_out, dropped and encoder_delay_frames.")
        {
            frames, width, height, fps, encoder, pace, output, cpuLoad, cpuLoadNice, distinct, sink, kvsStream, region, kvsEndpoint, warmup,
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
                parseResult.GetValue(distinct))
            {
                Kinesis = parseResult.GetValue(sink) == "kvs"
                    ? new DemoKinesis(parseResult.GetValue(kvsStream), parseResult.GetValue(region), parseResult.GetValue(kvsEndpoint), false)
                    : null,
                StrayKinesisOptions = parseResult.GetValue(sink) != "kvs" &&
                    (parseResult.GetValue(kvsStream) ?? parseResult.GetValue(region) ?? parseResult.GetValue(kvsEndpoint)) is not null,
                WarmupFrames = parseResult.GetValue(warmup),
            },
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>What to measure.</summary>
    internal sealed record Settings(int Frames, int Width, int Height, double FrameRate, string? Encoder, bool AsFastAsPossible, string? Output, int CpuLoad = 0, int CpuLoadNice = 10, int? DistinctFrames = null)
    {
        /// <summary>The Kinesis stream of <c>--output kvs</c>, or null for the recorder.</summary>
        internal DemoKinesis? Kinesis { get; init; }

        /// <summary>Kinesis options were given without <c>--output kvs</c>.</summary>
        internal bool StrayKinesisOptions { get; init; }

        /// <summary>Frames put before the measurement starts.</summary>
        internal int WarmupFrames { get; init; }
    }

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
        if (settings.StrayKinesisOptions)
        {
            return "--kvs-stream, --region and --kvs-endpoint-url go with --output kvs.";
        }
        if (settings.Kinesis is { } kinesis)
        {
            if (kinesis.StreamName is null || kinesis.Region is null || kinesis.EndpointUrl is null)
            {
                return "--output kvs needs --kvs-stream NAME, --region REGION and --kvs-endpoint-url URL (a local endpoint such as bench/KvsEndpoint's; the bench never picks AWS's own).";
            }
            if (settings.Output is not null)
            {
                return "--out goes with --output recorder; --output kvs writes no file.";
            }
            if (DemoCommand.ValidateKinesis(kinesis) is { } problem)
            {
                return problem;
            }
        }
        if (settings.WarmupFrames is < 0 or > 100_000)
        {
            return $"--warmup-frames {settings.WarmupFrames} is out of range; expected from 0 to 100000.";
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
            using var skyLine = CreateSkyLine(settings, path);
            var kinesis = (skyLine as KvsSkyLine)?.Output;
            skyLine.StartStreaming(settings.FrameRate, settings.Width, settings.Height);
            if (skyLine.State != SkyLineState.Streaming)
            {
                stderr.WriteLine($"backpack bench skyline: the pipeline did not start (state {skyLine.State}).");
                return ExitCodes.Failed;
            }

            using var process = Process.GetCurrentProcess();
            var period = Stopwatch.Frequency / settings.FrameRate;
            var paceStart = Stopwatch.GetTimestamp();
            for (var i = 0; i < settings.WarmupFrames; i++)
            {
                // The same pace as the measured frames, on the same SkyLine: JIT, the first connection and fragment happen here.
                if (!settings.AsFastAsPossible)
                {
                    WaitUntil(paceStart + (long)(i * period));
                }
                skyLine.Put(frames[i % frames.Length]);
            }
            process.Refresh();
            var residentBefore = process.WorkingSet64;
            // Sampled the same way for both outputs; the buffered bytes only with Kinesis.
            var sampler = RunSampler.Start(kinesis is null ? null : () => kinesis.KinesisStatistics.BufferedBytes, SampleInterval);
            var startResident = sampler.MaxResidentBytes;
            var threadsBefore = ThreadCpu.Snapshot();
            var cpuBefore = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < settings.Frames; i++)
            {
                if (!settings.AsFastAsPossible)
                {
                    WaitUntil(paceStart + (long)((settings.WarmupFrames + i) * period));
                }
                var faultsBeforePut = ThreadClock.MinorFaults();
                var cpuBeforePut = ThreadClock.Nanoseconds();
                var before = Stopwatch.GetTimestamp();
                skyLine.Put(frames[(settings.WarmupFrames + i) % frames.Length]);
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
            sampler.Dispose();
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            var threads = ThreadCpu.Between(threadsBefore, threadsAtStop);
            process.Refresh();
            var stopping = process.TotalProcessorTime - cpuAtStop;
            var wall = Stopwatch.GetElapsedTime(started);
            var peakResident = process.PeakWorkingSet64;
            var finalStatistics = skyLine.Statistics;
            var kinesisStatistics = kinesis?.KinesisStatistics;

            // Frames out of the measured part: counted in the file (recorder) or taken into fragments (Kinesis), less the warm-up.
            var framesOut = (kinesisStatistics is { } sent ? sent.FramesWritten : RecordedFile.CountVideoFrames(path, TimeSpan.FromMinutes(2))) - settings.WarmupFrames;
            if (framesOut <= 0)
            {
                stderr.WriteLine(kinesis is null
                    ? $"backpack bench skyline: the recording {path} holds no frames."
                    : $"backpack bench skyline: no frame went to Kinesis ({kinesisStatistics?.LastError ?? "no error reported"}).");
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
            var duration = (framesOut + settings.WarmupFrames) / settings.FrameRate;
            var bitrate = (kinesisStatistics?.BytesSent ?? new FileInfo(path).Length) * 8 / duration / 1000;
            var invariant = CultureInfo.InvariantCulture;
            stdout.WriteLine(string.Create(invariant,
                $"stream {settings.Width}x{settings.Height}@{settings.FrameRate} encoder={skyLine.EncoderElement} pace={(settings.AsFastAsPossible ? "max" : "realtime")} " +
                $"cpu_load={settings.CpuLoad}@nice{settings.CpuLoadNice} output={(kinesis is null ? "recorder file=" + path : "kvs stream=" + kinesis.StreamName)} warmup_frames={settings.WarmupFrames}"));
            stdout.WriteLine(string.Create(invariant,
                $"wall_s={wall.TotalSeconds:0.000} cpu_s={cpu.TotalSeconds:0.000} bitrate_kbps={bitrate:0} mean_put_ms={ToMilliseconds((long)putTimes.Average()):0.000} " +
                $"mean_put_cpu_ms={putCpu.Average() / 1e6:0.000} put_page_faults={putFaults} " +
                $"put={finalStatistics.FramesPut} dropped_queue={finalStatistics.FramesDropped} skipped_rate={finalStatistics.FramesSkipped} repeated={finalStatistics.FramesRepeated} " +
                $"encoded={finalStatistics.FramesEncoded} pool_buffers={pooled.Buffers} pool_mb={pooled.Bytes / 1048576.0:0.0} rss_growth_mb={residentGrowth / 1048576.0:0.0} peak_rss_mb={peakResident >> 20}"));
            stdout.WriteLine(string.Create(invariant,
                $"memory start_rss_mib={startResident / 1048576.0:0.0} max_rss_mib={sampler.MaxResidentBytes / 1048576.0:0.0} max_rss_growth_mib={(sampler.MaxResidentBytes - startResident) / 1048576.0:0.0}"));
            if (kinesisStatistics is { } figures)
            {
                stdout.WriteLine(string.Create(invariant,
                    $"kvs send_p99_ms={Milliseconds(figures.SendLatencyP99)} persist_p99_ms={Milliseconds(figures.PersistLatencyP99)} " +
                    $"fragments_started={figures.FragmentsStarted} fragments_sent={figures.FragmentsSent} fragments_resent={figures.FragmentsResent} " +
                    $"fragments_received={figures.FragmentsReceived} fragments_persisted={figures.FragmentsPersisted} fragments_lost={figures.FragmentsDropped + figures.FragmentsAbandoned} " +
                    $"sessions_opened={figures.SessionsOpened} sessions_failed={figures.SessionsFailed} peak_buffered_bytes={sampler.MaxOther} " +
                    $"max_rss_mib={sampler.MaxResidentBytes / 1048576.0:0.0} last_error={(figures.LastError is null ? "none" : "\"" + figures.LastError.Replace('"', '\'') + "\"")}"));
            }
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

    /// <summary>A recorder SkyLine writing <paramref name="path"/>, or with <see cref="Settings.Kinesis"/> a Kinesis SkyLine: the same encoder either way.</summary>
    private static SkyLine CreateSkyLine(Settings settings, string path)
    {
        if (settings.Kinesis is not { } kinesis)
        {
            return new RecorderSkyLine(path, options: new SkyLineOptions { Name = "bench", Encoder = settings.Encoder });
        }
        var output = new KvsOutputOptions { StreamName = kinesis.StreamName!, Region = kinesis.Region, EndpointUrl = new Uri(kinesis.EndpointUrl!) };
        // The stop waits for the last fragment's acknowledgement, as KvsSkyLine's defaults do.
        var stopTimeout = output.StopTimeout + TimeSpan.FromSeconds(2);
        var defaults = new SkyLineOptions();
        return new KvsSkyLine(output, new SkyLineOptions { Name = "bench", Encoder = settings.Encoder, StopTimeout = defaults.StopTimeout >= stopTimeout ? defaults.StopTimeout : stopTimeout });
    }

    private static string Milliseconds(TimeSpan? latency) => latency is { } value ? value.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) : "-1";

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
