using System.Runtime.InteropServices;
using Backpack.Streaming.Cameras;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.Rtsp;
using Backpack.Streaming.Runtime;
using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.Runtime;

/// <summary>
/// What the tests of process-wide settings run in a process of their own (<see cref="ScenarioProcess"/>),
/// because GStreamer starts and is configured once per process. Each scenario writes what it saw to
/// standard output, one <c>key=value</c> line each (log entries as <c>log=Level|Category|Message</c>),
/// and exits with 0; an unexpected exception is the line <c>unexpected=...</c> and exit code 1.
/// </summary>
internal static class RuntimeScenarios
{
    /// <summary>Configure with a .env file (logging to a capturing factory), then start GStreamer as the demo does: prerequisites first, then a SkyLine. Arguments: the .env path, then variable names to report.</summary>
    internal const string ConfigureThenStart = "configure-then-start";

    /// <summary>No Configure: the prerequisite check (as <c>backpack doctor</c>) starts GStreamer with the defaults. Arguments: variable names to report.</summary>
    internal const string StartWithDefaults = "start-with-defaults";

    /// <summary>Start GStreamer, then Configure with a .env file. Arguments: what starts it (<c>skyline</c>, <c>rtsp-server</c>, <c>prerequisites</c>), the .env path, a variable name to report.</summary>
    internal const string ConfigureAfterStart = "configure-after-start";

    /// <summary>Configure, the same again before and after the start, then differently.</summary>
    internal const string ConfigureTwice = "configure-twice";

    /// <summary>Configure a log file that cannot be opened, then one that can, stream, and look at the file at exit. Arguments: the unusable path, the log file.</summary>
    internal const string LogFile = "log-file";

    /// <summary>Configure plugin directories (or <c>-</c> for none) and say whether fakesink is in the registry.</summary>
    internal const string PluginPath = "plugin-path";

    /// <summary>
    /// With a registry of only the plugins SkyLine itself needs (the caller points GStreamer at them), asks for
    /// elements that are then surely absent, whatever this machine has installed: kvssink, hardware encoders.
    /// </summary>
    internal const string MissingElements = "missing-elements";

    internal static int Run(string name, string[] arguments)
    {
        try
        {
            switch (name)
            {
                case ConfigureThenStart:
                    RunConfigureThenStart(arguments[0], arguments[1..]);
                    break;
                case StartWithDefaults:
                    _ = StreamingPrerequisites.Check();
                    ReportGStreamerView(arguments);
                    break;
                case ConfigureAfterStart:
                    RunConfigureAfterStart(arguments[0], arguments[1], arguments[2]);
                    break;
                case ConfigureTwice:
                    RunConfigureTwice();
                    break;
                case LogFile:
                    RunLogFile(arguments[0], arguments[1]);
                    break;
                case PluginPath:
                    if (arguments[0] != "-")
                    {
                        StreamingRuntime.Configure(new StreamingRuntimeOptions { LoadDotEnv = false, PluginPath = arguments[0] });
                    }
                    Report("has-fakesink", GStreamerRuntime.HasElement("fakesink"));
                    break;
                case MissingElements:
                    RunMissingElements();
                    break;
                default:
                    Report("unexpected", $"no scenario named {name}");
                    return 1;
            }
            return 0;
        }
        catch (Exception exception)
        {
            Report("unexpected", exception.ToString());
            return 1;
        }
    }

    private static void RunConfigureThenStart(string dotEnv, string[] names)
    {
        var logs = new CapturingLogger();
        StreamingRuntime.Configure(new StreamingRuntimeOptions { DotEnvPath = dotEnv }, logs);
        _ = StreamingPrerequisites.Check();
        using (new SinkSkyLine("fakesink"))
        {
        }
        ReportGStreamerView(names);
        // A fault of a callback without a logger of its own goes to the runtime's logger factory.
        NativeBoundary.Report("the scenario's callback", null, new InvalidOperationException("thrown by the scenario"));
        ReportLogs(logs);
    }

    private static void RunMissingElements()
    {
        StreamingRuntime.Configure(new StreamingRuntimeOptions { LoadDotEnv = false });
        Report("has-x264enc", GStreamerRuntime.HasElement("x264enc"));
        ReportMissing("kvs", () => GStreamerRuntime.RequireElements(["appsrc", "kvssink"], "KVS streaming"));
        ReportMissing("several", () => GStreamerRuntime.RequireElements(["nosuchelement", "vaapih264enc"], "A test"));
        ReportMissing("sink", () => new SinkSkyLine("h264parse ! kvssink stream-name=cam1 access-key=AKIAEXAMPLE").Dispose());
        ReportMissing("nvidia", () => new SinkSkyLine("fakesink", new SkyLineOptions { Encoder = "nvvidconv ! nvv4l2h264enc" }).Dispose());
        ReportMissing("vaapi", () => new SinkSkyLine("fakesink", new SkyLineOptions { Encoder = "vaapih264enc" }).Dispose());
        ReportMissing("camera", () => new CameraSource(new CameraSourceOptions { Source = "rtsp://admin:s3cr3t@127.0.0.1:9/stream" }).Dispose());
        using var chosen = new SinkSkyLine("fakesink");
        Report("chosen", chosen.EncoderElement);
    }

    private static void ReportMissing(string key, Action require)
    {
        try
        {
            require();
            Report(key + ".element", "none missing");
        }
        catch (GStreamerUnavailableException missing)
        {
            Report(key + ".element", missing.Element);
            Report(key + ".package", missing.Package);
            Report(key + ".message", missing.Message);
        }
    }

    private static void RunConfigureAfterStart(string starter, string dotEnv, string variable)
    {
        Start(starter);
        try
        {
            StreamingRuntime.Configure(new StreamingRuntimeOptions { DotEnvPath = dotEnv });
            Report("error", "none");
        }
        catch (InvalidOperationException exception)
        {
            Report("error", exception.Message);
        }
        Report("native:" + variable, EnvironmentScope.Native(variable));
    }

    private static void RunConfigureTwice()
    {
        var first = new StreamingRuntimeOptions { LoadDotEnv = false, GStreamerLogLevel = "2" };
        StreamingRuntime.Configure(first);
        StreamingRuntime.Configure(new StreamingRuntimeOptions { LoadDotEnv = false, GStreamerLogLevel = "2" });
        Report("same-before-start", "accepted");
        first.GStreamerLogLevel = "5";
        Report("copied", Attempt(() => StreamingRuntime.Configure(new StreamingRuntimeOptions { LoadDotEnv = false, GStreamerLogLevel = "2" })));
        using (new SinkSkyLine("fakesink"))
        {
        }
        Report("same-after-start", Attempt(() => StreamingRuntime.Configure(new StreamingRuntimeOptions { LoadDotEnv = false, GStreamerLogLevel = "2" })));
        Report("different", Attempt(() => StreamingRuntime.Configure(new StreamingRuntimeOptions { LoadDotEnv = true, GStreamerLogLevel = "3" })));
        Report("other-factory", Attempt(() => StreamingRuntime.Configure(new StreamingRuntimeOptions { LoadDotEnv = false, GStreamerLogLevel = "2" }, new CapturingLogger())));
    }

    private static void RunLogFile(string unusable, string path)
    {
        Report("unusable", Attempt(() => StreamingRuntime.Configure(new StreamingRuntimeOptions { LoadDotEnv = false, GStreamerLogFile = unusable })));
        var logs = new CapturingLogger();
        StreamingRuntime.Configure(
            new StreamingRuntimeOptions { LoadDotEnv = false, GStreamerLogFile = path, GStreamerLogLevel = "GST_PIPELINE:5", ForwardGStreamerLog = true },
            logs);
        using (var skyLine = new SinkSkyLine("fakesink"))
        {
            skyLine.StartStreaming(30, 64, 48);
            skyLine.StopStreaming();
        }
        Report("open-while-running", IsOpen(path));
        Report("forwarded", logs.Entries.Count(entry => entry.Category == "Backpack.Streaming.GStreamer" && entry.Message.StartsWith("GStreamer GST_PIPELINE", StringComparison.Ordinal)));
        // Registered after the runtime's own handler, so it runs after the log was closed.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            Report("open-at-exit", IsOpen(path));
            var length = new FileInfo(path).Length;
            using (Pipeline.Parse("fakesrc ! fakesink"))
            {
            }
            Report("grew-after-close", new FileInfo(path).Length != length);
            Console.Out.Flush();
        };
    }

    private static void Start(string starter)
    {
        switch (starter)
        {
            case "skyline":
                using (new SinkSkyLine("fakesink"))
                {
                }
                break;
            case "rtsp-server":
                using (new RtspServer(new RtspServerOptions { Port = 0, Address = "127.0.0.1" }))
                {
                }
                break;
            default:
                _ = StreamingPrerequisites.Check();
                break;
        }
    }

    /// <summary>Reports GStreamer's colour mode (read from GST_DEBUG_COLOR_MODE by gst_init only) and each variable as native and managed code see it.</summary>
    private static unsafe void ReportGStreamerView(IEnumerable<string> names)
    {
        NativeLibraries.TryLoad(NativeLibraries.GStreamer, out var library).Should().BeTrue();
        var colorMode = ((delegate* unmanaged<int>)NativeLibrary.GetExport(library, "gst_debug_get_color_mode"))();
        Report("color-mode", colorMode switch { 0 => "off", 1 => "on", _ => "unix" });
        foreach (var name in names)
        {
            Report("native:" + name, EnvironmentScope.Native(name));
            Report("managed:" + name, Environment.GetEnvironmentVariable(name));
        }
    }

    private static string Attempt(Action configure)
    {
        try
        {
            configure();
            return "accepted";
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
        {
            return $"{exception.GetType().Name}: {exception.Message}";
        }
    }

    private static bool IsOpen(string path) =>
        Directory.GetFiles("/proc/self/fd").Any(descriptor => new FileInfo(descriptor).LinkTarget == path);

    private static void ReportLogs(CapturingLogger logs)
    {
        foreach (var entry in logs.Entries)
        {
            Report("log", $"{entry.Level}|{entry.Category}|{entry.Message}");
        }
    }

    private static void Report(string key, object? value) =>
        Console.WriteLine($"{key}={(value?.ToString() ?? "(unset)").ReplaceLineEndings(" ")}");
}
