using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using Backpack.Aws.Relay;
using Backpack.Streaming.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Backpack.Cli.Commands;

/// <summary>
/// <c>backpack relay --config FILE</c>: every camera of the configuration to its own Kinesis video stream and/or RTSP
/// mount, named after the camera, switched on and off by its device shadow; a status line per camera every few seconds.
/// </summary>
internal static class RelayCommand
{
    /// <summary>The pieces a relay uses: camera decoding, conversion, the encoder and the RTSP server.</summary>
    internal static readonly string[] Prerequisites =
        ["GStreamer runtime", "RTSP server library", "appsrc", "appsink", "decodebin", "videoconvert", "videoscale", "x264enc", "h264parse", "rtph264pay"];

    private const string ExampleResource = "Backpack.Cli.Relay.relay.example.json";

    internal static Command Create()
    {
        var config = new Option<FileInfo?>("--config") { Description = "The relay's configuration (JSON; backpack relay --example-config prints a commented one). Environment variables BACKPACK_RELAY_<path with __> override it." };
        var example = new Option<bool>("--example-config") { Description = "Print a complete, commented example configuration and exit." };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (default: run until Ctrl+C or SIGTERM)." };
        var command = new Command(
            "relay",
            "Relay cameras (RTSP, HTTP, files, V4L2) to Amazon Kinesis Video Streams and/or RTSP, one stream per camera named after it, with per-camera AWS IoT certificates and on/off through device shadows.")
        {
            config, example, duration,
        };
        command.SetAction(parseResult => Run(
            parseResult.GetValue(config),
            parseResult.GetValue(example),
            parseResult.GetValue(duration),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    internal static int Run(FileInfo? config, bool example, double? duration, TextWriter output, TextWriter error)
    {
        if (example)
        {
            output.Write(ExampleConfiguration());
            return ExitCodes.Success;
        }
        if (config is null)
        {
            error.WriteLine("backpack relay: give --config FILE (backpack relay --example-config prints a commented example to start from).");
            return ExitCodes.BadInput;
        }
        if (duration is { } seconds && !(seconds > 0 && seconds <= 31_536_000))
        {
            error.WriteLine($"backpack relay: --duration {seconds} is out of range; expected a number of seconds above 0.");
            return ExitCodes.BadInput;
        }
        if (Read(config, error) is not { } options)
        {
            return ExitCodes.BadInput;
        }
        using var loggerFactory = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Backpack.Streaming", LogLevel.Warning)
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
        StreamingRuntime.Configure(new StreamingRuntimeOptions(), loggerFactory);
        // Before any encoder allocates: x264 would otherwise round its buffers up to resident 2 MiB pages.
        TransparentHugePages.Disable();
        if (!StreamingCommand.CheckPrerequisites("relay", Prerequisites, error))
        {
            return ExitCodes.MissingPrerequisite;
        }
        using var stop = new CancellationTokenSource();
        using var signals = StreamingCommand.StopOnSignals(stop);
        if (duration is { } limit)
        {
            stop.CancelAfter(TimeSpan.FromSeconds(limit));
        }
        return RunAsync(options, config.DirectoryName!, loggerFactory, output, error, stop.Token).GetAwaiter().GetResult();
    }

    /// <summary>The configuration, or null after printing every problem.</summary>
    internal static CameraRelayOptions? Read(FileInfo config, TextWriter error)
    {
        if (!config.Exists)
        {
            error.WriteLine($"backpack relay: the configuration {config.FullName} does not exist.");
            return null;
        }
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonFile(config.FullName, optional: false, reloadOnChange: false)
                .AddEnvironmentVariables(CameraRelayConfiguration.EnvironmentPrefix)
                .Build();
            return CameraRelayConfiguration.Read(configuration, config.DirectoryName!);
        }
        catch (CameraRelayConfigurationException exception)
        {
            error.WriteLine($"backpack relay: {config.FullName} cannot be used ({exception.Problems.Count} problem{(exception.Problems.Count == 1 ? string.Empty : "s")}):");
            foreach (var problem in exception.Problems)
            {
                error.WriteLine("  - " + problem);
            }
            return null;
        }
        catch (InvalidDataException exception) when (exception.InnerException is { } inner)
        {
            // The configuration loader wraps the parser's message (line and position) in its own.
            error.WriteLine($"backpack relay: {config.FullName} is not valid JSON: {inner.GetBaseException().Message}");
            return null;
        }
        catch (Exception exception) when (exception is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"backpack relay: {config.FullName} cannot be read: {exception.Message}");
            return null;
        }
    }

    /// <summary>The example <c>--example-config</c> prints (it reads without a problem once its files exist).</summary>
    internal static string ExampleConfiguration()
    {
        using var stream = typeof(RelayCommand).Assembly.GetManifestResourceStream(ExampleResource)
            ?? throw new InvalidOperationException($"The resource {ExampleResource} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task<int> RunAsync(CameraRelayOptions options, string baseDirectory, ILoggerFactory loggerFactory, TextWriter output, TextWriter error, CancellationToken stop)
    {
        CameraRelay relay;
        try
        {
            relay = new CameraRelay(options, baseDirectory, loggerFactory);
        }
        catch (Exception exception) when (exception is ArgumentException or CameraRelayConfigurationException)
        {
            // A certificate that cannot be read or does not match its key: said once, without a stack trace.
            error.WriteLine($"backpack relay: {exception.Message}");
            return ExitCodes.BadInput;
        }
        await using (relay.ConfigureAwait(false))
        {
            try
            {
                await relay.StartAsync(stop).ConfigureAwait(false);
            }
            catch (SocketException exception)
            {
                var advice = exception.SocketErrorCode == SocketError.AddressAlreadyInUse
                    ? "Choose another rtsp.port (0: any free one)."
                    : "Set rtsp.bind to an address of this host (0.0.0.0: every interface, 127.0.0.1: this machine only).";
                error.WriteLine($"backpack relay: {exception.Message} {advice}");
                return ExitCodes.CannotListen;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return ExitCodes.Success;
            }
            PrintStart(relay, options, output);
            var interval = TimeSpan.FromSeconds(options.StatusSeconds);
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await Task.Delay(interval, stop).ConfigureAwait(false);
                    PrintStatus(relay.Status(), output);
                }
            }
            catch (OperationCanceledException)
            {
            }
            output.WriteLine("Stopping: every camera's last fragment is sent...");
            output.Flush();
        }
        output.WriteLine("Stopped.");
        return ExitCodes.Success;
    }

    private static void PrintStart(CameraRelay relay, CameraRelayOptions options, TextWriter output)
    {
        var urls = relay.RtspUrls;
        output.WriteLine($"Backpack relay: {options.Cameras.Count} camera(s){(relay.HasRemoteControl ? ", switched on and off through their device shadows" : string.Empty)}.");
        foreach (var camera in relay.Status())
        {
            var to = new List<string>();
            if (options.Kinesis is not null)
            {
                to.Add($"Kinesis stream {camera.StreamName}");
            }
            if (urls.TryGetValue(camera.StreamName, out var url))
            {
                to.Add(url.ToString());
            }
            output.WriteLine($"  {camera.Name} -> {string.Join(" and ", to)} ({(camera.Streaming ? "on" : "off")})");
        }
        output.WriteLine("Ctrl+C stops.");
        output.Flush();
    }

    internal static void PrintStatus(IReadOnlyList<RelayCameraStatus> cameras, TextWriter output)
    {
        foreach (var camera in cameras)
        {
            output.WriteLine(StatusLine(camera));
        }
        output.Flush();
    }

    /// <summary>One camera's status line: <c>dock-1: on, camera Streaming, 15.0 fps, 450 in, 448 out, 0 dropped, kinesis 7 persisted ...</c>.</summary>
    internal static string StatusLine(RelayCameraStatus camera)
    {
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{camera.Name}: {(camera.Streaming ? "on" : "off")}, camera {camera.Camera}, {camera.FramesPerSecond:0.0} fps, {camera.FramesIn} in, {camera.FramesOut} out, {camera.FramesDropped} dropped");
        if (camera.Reconnects > 0)
        {
            line += string.Create(CultureInfo.InvariantCulture, $", {camera.Reconnects} reconnect(s)");
        }
        if (camera.FragmentsPersisted is { } persisted)
        {
            line += string.Create(CultureInfo.InvariantCulture, $", kinesis {persisted} persisted, {(camera.BufferedBytes ?? 0) / 1024} KiB buffered");
        }
        if (camera.Viewers is { } viewers)
        {
            line += string.Create(CultureInfo.InvariantCulture, $", rtsp {viewers} viewer(s)");
        }
        return camera.LastError is { } lastError ? $"{line}; last error: {lastError}" : line;
    }
}
