using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Backpack.Cli.Demo;
using Backpack.Streaming.Rtsp;
using Backpack.Streaming.Runtime;
using Backpack.Web;
using Microsoft.Extensions.Logging;

namespace Backpack.Cli.Commands;

/// <summary>
/// <c>backpack demo</c>: a complete video-analytics loop with no camera and no cloud — a simulated street,
/// detections, annotations and Timepiece figures — streamed over RTSP.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The pieces the demo uses: the RTSP server, the SkyLine's conversion and the encoder.</summary>
    internal static readonly string[] Prerequisites =
        ["GStreamer runtime", "RTSP server library", "appsrc", "appsink", "videoconvert", "videoscale", "x264enc", "h264parse", "rtph264pay"];

    internal static Command Create()
    {
        var port = new Option<int>("--rtsp-port") { Description = "The RTSP port (0: any free port).", DefaultValueFactory = _ => 8554 };
        var webPort = new Option<int>("--web-port") { Description = "The live view's port: the stream in any browser at http://HOST:PORT/view/demo (0: any free port).", DefaultValueFactory = _ => 8080 };
        var noWeb = new Option<bool>("--no-web") { Description = "Serve no live view (RTSP only)." };
        var bind = new Option<string>("--bind") { Description = "The address RTSP and the live view listen on: 0.0.0.0 for every interface, 127.0.0.1 for this machine only.", DefaultValueFactory = _ => "0.0.0.0" };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (default: run until Ctrl+C)." };
        var width = new Option<int>("--width") { Description = "Frame width in pixels (even).", DefaultValueFactory = _ => 1280 };
        var height = new Option<int>("--height") { Description = "Frame height in pixels (even).", DefaultValueFactory = _ => 720 };
        var fps = new Option<double>("--fps") { Description = "Frames per second.", DefaultValueFactory = _ => 30 };
        var user = new Option<string?>("--user") { Description = "Require RTSP clients to log in with this user (and --password)." };
        var password = new Option<string?>("--password") { Description = "The password for --user. Other local users can see command lines: prefer a password only for this demo." };
        var kvsStream = new Option<string?>("--kvs-stream") { Description = "Also stream to this Amazon Kinesis Video Streams stream (one encode for RTSP and Kinesis); credentials from the AWS environment variables, profile or instance role." };
        var region = new Option<string?>("--region") { Description = "The AWS region of --kvs-stream (default: AWS_REGION, AWS_DEFAULT_REGION or the profile's)." };
        var kvsEndpoint = new Option<string?>("--kvs-endpoint-url") { Description = "Replaces the Kinesis Video Streams control-plane endpoint (a VPC endpoint, a local test endpoint); the data endpoint is what GetDataEndpoint answers." };
        var createStream = new Option<bool>("--create-stream") { Description = "Create --kvs-stream when it does not exist (needs kinesisvideo:CreateStream; 24 hours of retention)." };
        var command = new Command(
            "demo",
            "Run a simulated video-analytics loop (moving objects, detections, a counting line, a zone, Timepiece figures) and serve it over RTSP; print the URL to open in VLC or ffplay.")
        {
            port, webPort, noWeb, bind, duration, width, height, fps, user, password, kvsStream, region, kvsEndpoint, createStream,
        };
        command.SetAction(parseResult => Run(
            parseResult.GetValue(port),
            parseResult.GetValue(noWeb) ? null : parseResult.GetValue(webPort),
            parseResult.GetValue(bind)!,
            parseResult.GetValue(duration),
            parseResult.GetValue(width),
            parseResult.GetValue(height),
            parseResult.GetValue(fps),
            parseResult.GetValue(user),
            parseResult.GetValue(password),
            parseResult.GetValue(kvsStream) is { } stream
                ? new DemoKinesis(stream, parseResult.GetValue(region), parseResult.GetValue(kvsEndpoint), parseResult.GetValue(createStream))
                : new DemoKinesis(null, parseResult.GetValue(region), parseResult.GetValue(kvsEndpoint), parseResult.GetValue(createStream)),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    internal static int Run(int port, int? webPort, string bind, double? duration, int width, int height, double fps, string? user, string? password, DemoKinesis kinesis, TextWriter output, TextWriter error)
    {
        if ((Validate(port, bind, duration, width, height, fps, user, password) ?? ValidateWeb(webPort, port, user, password) ?? ValidateKinesis(kinesis)) is { } problem)
        {
            error.WriteLine("backpack demo: " + problem);
            return ExitCodes.BadInput;
        }
        using var loggerFactory = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
        // Process-wide, before anything starts GStreamer: the defaults (the nearest .env, as the original),
        // with the .env warnings and faults of native callbacks on the console.
        StreamingRuntime.Configure(new StreamingRuntimeOptions(), loggerFactory);
        // Before any encoder allocates: x264 would otherwise round its buffers up to resident 2 MiB pages.
        TransparentHugePages.Disable();
        if (StreamingCommand.CheckPrerequisites("demo", Prerequisites, error, " (or run ./backpack demo from a clone, which installs them)") is false)
        {
            return ExitCodes.MissingPrerequisite;
        }
        var settings = new DemoSettings(port, bind, duration is { } seconds ? TimeSpan.FromSeconds(seconds) : null, width, height, fps, user, password)
        {
            Kinesis = kinesis.StreamName is null ? null : kinesis,
            WebPort = webPort,
        };
        using var stop = new CancellationTokenSource();
        // Ctrl+C and SIGTERM end the loop; the stream and the server then stop cleanly.
        using var signals = StreamingCommand.StopOnSignals(stop);
        try
        {
            new DemoLoop(settings, output, loggerFactory).Run(stop.Token);
            return ExitCodes.Success;
        }
        catch (ArgumentException exception) when (exception.ParamName == DemoLoop.KinesisParameter)
        {
            // No region known, or an option the output refused: said once, without a stack trace.
            error.WriteLine($"backpack demo: --kvs-stream: {exception.InnerException?.Message ?? exception.Message}");
            return ExitCodes.BadInput;
        }
        catch (IOException exception) when (exception.InnerException is not null && webPort is not null)
        {
            // The live view's port: the message says which and why.
            error.WriteLine($"backpack demo: {exception.Message} Use --web-port to choose another port, or --no-web.");
            return ExitCodes.CannotListen;
        }
        catch (SocketException exception)
        {
            var advice = exception.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? "Use --rtsp-port to choose another port (0: any free one)."
                : "Use --bind with an address of this host (0.0.0.0: every interface, 127.0.0.1: this machine only).";
            error.WriteLine($"backpack demo: {exception.Message} {advice}");
            return ExitCodes.CannotListen;
        }
    }

    /// <summary>What is wrong with the arguments, or null.</summary>
    internal static string? Validate(int port, string bind, double? duration, int width, int height, double fps, string? user, string? password)
    {
        if (port is < 0 or > 65535)
        {
            return $"--rtsp-port {port} is out of range; expected a TCP port from 1 to 65535, or 0 for any free port.";
        }
        if (!IPAddress.TryParse(bind, out _))
        {
            return $"--bind '{bind}' is not an IP address; expected one such as 0.0.0.0 (every interface) or 127.0.0.1 (this machine only).";
        }
        if (duration is { } seconds && !(seconds > 0 && seconds <= 31_536_000))
        {
            return $"--duration {seconds} is out of range; expected a number of seconds above 0.";
        }
        if (width is < 16 or > 7680 || width % 2 != 0 || height is < 16 or > 4320 || height % 2 != 0)
        {
            return $"the frame size {width}x{height} is out of range; expected even sizes from 16x16 to 7680x4320 (H.264 needs even sizes).";
        }
        if (!(fps >= 1 && fps <= 120))
        {
            return $"--fps {fps} is out of range; expected 1 to 120 frames per second.";
        }
        if ((user is null) != (password is null))
        {
            return "--user and --password go together: give both to require a login, or neither to serve anyone who reaches the port.";
        }
        if (user is not null)
        {
            try
            {
                _ = new RtspCredentials(user, password!);
            }
            catch (ArgumentException exception)
            {
                // The message names what is wrong and never shows the password.
                return $"--{(exception.ParamName == "userName" ? "user" : "password")}: {exception.Message.Replace($" (Parameter '{exception.ParamName}')", string.Empty, StringComparison.Ordinal)}";
            }
        }
        return null;
    }

    /// <summary>What is wrong with the live view's options, or null.</summary>
    internal static string? ValidateWeb(int? webPort, int rtspPort, string? user, string? password)
    {
        if (webPort is not { } port)
        {
            return null;
        }
        if (port is < 0 or > 65535)
        {
            return $"--web-port {port} is out of range; expected a TCP port from 1 to 65535, or 0 for any free port (or --no-web for none).";
        }
        if (port != 0 && port == rtspPort)
        {
            return $"--web-port and --rtsp-port are both {port}; expected two different ports.";
        }
        if (user is not null && password is not null)
        {
            try
            {
                _ = new LiveViewCredentials(user, password);
            }
            catch (ArgumentException exception)
            {
                return $"--{(exception.ParamName == "userName" ? "user" : "password")} (live view): {exception.Message.Replace($" (Parameter '{exception.ParamName}')", string.Empty, StringComparison.Ordinal)}";
            }
        }
        return null;
    }

    /// <summary>What is wrong with the Kinesis options, or null.</summary>
    internal static string? ValidateKinesis(DemoKinesis kinesis)
    {
        if (kinesis.StreamName is null)
        {
            return kinesis.Region is not null || kinesis.EndpointUrl is not null || kinesis.CreateStream
                ? "--region, --kvs-endpoint-url and --create-stream go with --kvs-stream NAME: give the stream to send to."
                : null;
        }
        try
        {
            new Aws.Kinesis.KvsOutputOptions { StreamName = kinesis.StreamName }.Validate();
        }
        catch (ArgumentException exception)
        {
            return $"--kvs-stream: {exception.Message.Replace($" (Parameter '{exception.ParamName}')", string.Empty, StringComparison.Ordinal)}";
        }
        if (kinesis.Region is { } region && (region.Length is < 1 or > 64 || !region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
        {
            return $"--region '{region}' is not an AWS region; expected one such as eu-west-1.";
        }
        if (kinesis.EndpointUrl is { } url &&
            (!Uri.TryCreate(url, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp)))
        {
            return $"--kvs-endpoint-url '{url}' is not an http(s) URL; expected one such as https://kinesisvideo.eu-west-1.amazonaws.com or http://127.0.0.1:4566.";
        }
        return null;
    }
}
