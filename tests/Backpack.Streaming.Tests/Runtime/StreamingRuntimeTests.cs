using Backpack.Streaming.Runtime;

namespace Backpack.Streaming.Tests.Runtime;

/// <summary>
/// The process-wide runtime configuration. GStreamer starts once per process, so everything that
/// configures or starts it runs in a process of its own (<see cref="ScenarioProcess"/>); only refused
/// options, which change nothing, are tried in this one.
/// </summary>
public sealed class StreamingRuntimeTests : IClassFixture<StreamingRuntimeTests.ConfiguredRun>
{
    private readonly ConfiguredRun _configured;

    public StreamingRuntimeTests(ConfiguredRun configured) => _configured = configured;

    [Fact]
    public void Configure_sets_the_GStreamer_variables_of_the_dotenv_before_GStreamer_starts_even_if_a_prerequisite_check_comes_first()
    {
        var run = _configured.Result;

        run["color-mode"].Should().Be("off", "gst_init read GST_DEBUG_COLOR_MODE from the .env: it was set before GStreamer started\n" + run);
        run["native:" + ConfiguredRun.Probe].Should().Be("from-the-file", "GStreamer reads the C library's environment");
        run["managed:" + ConfiguredRun.Probe].Should().Be("from-the-file");
        run["native:" + ConfiguredRun.Preset].Should().Be("from-the-environment", "a value the environment has wins");
        run["managed:BACKPACK_NOT_GSTREAMER"].Should().Be("(unset)", "only GST_ variables are applied");
        run["managed:AWS_SECRET_ACCESS_KEY"].Should().Be("(unset)");
    }

    [Fact]
    public void LD_PRELOAD_and_LD_LIBRARY_PATH_from_the_dotenv_are_not_set_and_a_warning_says_why()
    {
        var run = _configured.Result;

        foreach (var name in new[] { "LD_PRELOAD", "LD_LIBRARY_PATH" })
        {
            run["native:" + name].Should().Be("(unset)", $"{name} cannot affect the running process, nor should it reach its children\n{run}");
            run["managed:" + name].Should().Be("(unset)");
            run.Logs.Should().ContainSingle(entry => entry.StartsWith($"Warning|Backpack.Streaming.Runtime|{name} in {_configured.DotEnv} is not set", StringComparison.Ordinal))
                .Which.Should().Contain("cannot affect this running process").And.Contain("before the application starts");
        }
    }

    [Fact]
    public void Logs_name_the_dotenv_variables_and_never_show_their_values()
    {
        var run = _configured.Result;

        run.Logs.Should().Contain(entry => entry.Contains(ConfiguredRun.Probe + " set from", StringComparison.Ordinal));
        run.Logs.Should().Contain(entry => entry.Contains("AWS_SECRET_ACCESS_KEY in", StringComparison.Ordinal), "ignored variables are named (at debug level)");
        foreach (var value in new[] { "from-the-file", "never-logged-secret", "left-alone", "/opt/kvs" })
        {
            run.Logs.Should().NotContain(entry => entry.Contains(value, StringComparison.Ordinal));
            run.Error.Should().NotContain(value);
        }
    }

    [Fact]
    public void Faults_of_native_callbacks_without_a_logger_of_their_own_go_to_the_runtimes_logger_factory()
    {
        _configured.Result.Logs.Should().ContainSingle(entry => entry.StartsWith("Error|Backpack.Streaming.Native|", StringComparison.Ordinal))
            .Which.Should().Contain("the scenario's callback");
    }

    [Fact]
    public void Without_Configure_the_first_use_starts_GStreamer_with_the_defaults_and_the_nearest_dotenv()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var variable = UniqueName("GST_BACKPACK_DEFAULT");
        var below = Directory.CreateDirectory(directory.File("app/bin")).FullName;
        File.WriteAllText(directory.File("app/.env"), $"GST_DEBUG_COLOR_MODE=off\n{variable}=found\nLD_PRELOAD=/opt/kvs/libpreloaded.so\n");

        var run = ScenarioProcess.Run(RuntimeScenarios.StartWithDefaults, [variable], below, WithoutInheritedVariables());

        run["color-mode"].Should().Be("off", "the defaults read the nearest .env above the working directory before gst_init\n" + run);
        run["native:" + variable].Should().Be("found");
        run.Error.Should().Contain($"Backpack warning: LD_PRELOAD in {directory.File("app/.env")} is not set", "without a logger factory the warning goes to standard error");
    }

    [Fact]
    public void The_default_dotenv_search_stops_at_the_root_of_the_repository_it_starts_in()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var variable = UniqueName("GST_BACKPACK_ABOVE");
        Directory.CreateDirectory(directory.File("repository/.git"));
        var below = Directory.CreateDirectory(directory.File("repository/src/app")).FullName;
        File.WriteAllText(directory.File(".env"), $"GST_DEBUG_COLOR_MODE=off\n{variable}=above-the-repository\n");

        var run = ScenarioProcess.Run(RuntimeScenarios.StartWithDefaults, [variable], below, WithoutInheritedVariables());

        run["native:" + variable].Should().Be("(unset)", "the .env above the repository belongs to something else\n" + run);
        run["color-mode"].Should().NotBe("off");
    }

    [Theory]
    [InlineData("skyline", "SkyLine")]
    [InlineData("rtsp-server", "RtspServer")]
    [InlineData("prerequisites", "StreamingPrerequisites")]
    public void Configure_after_GStreamer_started_is_an_error_that_says_what_started_it_and_sets_nothing(string starter, string startedFrom)
    {
        using var directory = TestFrames.TemporaryDirectory();
        var variable = UniqueName("GST_BACKPACK_LATE");
        File.WriteAllText(directory.File("late.env"), $"{variable}=too-late\n");

        var run = ScenarioProcess.Run(RuntimeScenarios.ConfigureAfterStart, [starter, directory.File("late.env"), variable], directory.Path, WithoutInheritedVariables());

        run["error"].Should().StartWith($"StreamingRuntime.Configure came too late: GStreamer already started in this process (first used from {startedFrom}) with the default runtime configuration.")
            .And.Contain("Expected Configure before anything uses GStreamer");
        run["native:" + variable].Should().Be("(unset)", "no variable is set once GStreamer's threads may run");
    }

    [Fact]
    public void The_same_configuration_again_is_accepted_and_a_different_one_is_an_error_naming_each_difference()
    {
        var run = ScenarioProcess.Run(RuntimeScenarios.ConfigureTwice, [], environment: WithoutInheritedVariables());

        run["same-before-start"].Should().Be("accepted");
        run["copied"].Should().Be("accepted", "Configure took a copy: changing the first options object afterwards changes nothing");
        run["same-after-start"].Should().Be("accepted", "an identical configuration is accepted after the start too");
        run["different"].Should().StartWith("InvalidOperationException: The streaming runtime of this process is already configured, differently: " +
            "LoadDotEnv: false first, true now; GStreamerLogLevel: '2' first, '3' now.");
        run["other-factory"].Should().StartWith("InvalidOperationException: The streaming runtime of this process is already configured, differently: " +
            "the logger factory: none first, a CapturingLogger now.");
    }

    [Fact]
    public void The_log_file_receives_GStreamers_log_and_is_closed_when_the_process_exits_with_no_write_after()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var path = directory.File("gst.log");
        var unusable = $"/no/such/directory-{Guid.NewGuid():N}/gst.log";

        var run = ScenarioProcess.Run(RuntimeScenarios.LogFile, [unusable, path], environment: WithoutInheritedVariables());

        run["unusable"].Should().StartWith("ArgumentException: StreamingRuntimeOptions.GStreamerLogFile cannot be used: ")
            .And.Contain(unusable).And.Contain("No such file or directory").And.Contain("Expected a file path in an existing directory");
        run["open-while-running"].Should().Be("True", "the refused file was not recorded: the next configuration applied\n" + run);
        int.Parse(run["forwarded"], System.Globalization.CultureInfo.InvariantCulture).Should().BePositive("the log is forwarded to the runtime's logger factory too");
        File.ReadAllLines(path).Should().Contain(line => line.Contains("DEBUG") && line.Contains("GST_PIPELINE") && line.Contains("x264enc"),
            "GStreamer logs parsing the SkyLine's pipeline, in its own format");
        run["open-at-exit"].Should().Be("False", "the runtime closes the file when the process exits");
        run["grew-after-close"].Should().Be("False", "the log function was removed before the file was closed: nothing writes to it after");
    }

    [Fact]
    public void PluginPath_adds_the_plugins_of_its_directories_to_the_registry_when_GStreamer_starts()
    {
        using var directory = TestFrames.TemporaryDirectory();
        var system = Directory.CreateDirectory(directory.File("no-plugins")).FullName;
        var plugins = Directory.CreateDirectory(directory.File("plugins")).FullName;
        File.Copy(CoreElementsPlugin(), Path.Combine(plugins, "libgstcoreelements.so"));
        // A registry of its own over an empty system directory: only PluginPath can bring fakesink.
        var environment = new Dictionary<string, string?>(WithoutInheritedVariables())
        {
            ["GST_PLUGIN_SYSTEM_PATH_1_0"] = system,
            ["GST_PLUGIN_PATH_1_0"] = null,
            ["GST_PLUGIN_PATH"] = null,
            ["GST_REGISTRY_1_0"] = directory.File("registry.bin"),
        };

        var without = ScenarioProcess.Run(RuntimeScenarios.PluginPath, ["-"], environment: environment);
        var with = ScenarioProcess.Run(RuntimeScenarios.PluginPath, [plugins], environment: environment);

        without["has-fakesink"].Should().Be("False", "the registry of this run has no plugin\n" + without);
        with["has-fakesink"].Should().Be("True", "the plugin in PluginPath was added when GStreamer started\n" + with);
    }

    [Fact]
    public void Options_refused_by_Configure_name_the_setting_and_what_is_expected()
    {
        var missing = $"/no/such/plugins-{Guid.NewGuid():N}";
        var cases = new (StreamingRuntimeOptions Options, string Message)[]
        {
            (new() { DotEnvPath = " " }, "StreamingRuntimeOptions.DotEnvPath is blank; expected null (search upward from the working directory) or the path of a .env file."),
            (new() { DotEnvPath = "/app/.env", LoadDotEnv = false }, "StreamingRuntimeOptions.DotEnvPath is '/app/.env' but LoadDotEnv is false; expected LoadDotEnv true*"),
            (new() { PluginPath = $"/usr:{missing}" }, $"StreamingRuntimeOptions.PluginPath names the directory '{missing}', which does not exist; expected existing plugin directories*"),
            (new() { PluginPath = " : " }, "StreamingRuntimeOptions.PluginPath is blank*"),
            (new() { GStreamerLogFile = "" }, "StreamingRuntimeOptions.GStreamerLogFile is blank; expected null (no log file) or a file path.*"),
            (new() { GStreamerLogLevel = "chatty" }, "StreamingRuntimeOptions.GStreamerLogLevel is not valid: 'chatty' is not a GStreamer log level list; expected a level from 0 to 9*"),
        };

        foreach (var (options, message) in cases)
        {
            var configure = () => StreamingRuntime.Configure(options);
            configure.Should().Throw<ArgumentException>().WithMessage(message + " (Parameter 'options')").Which.ParamName.Should().Be("options");
        }
        var forwardWithoutFactory = () => StreamingRuntime.Configure(new StreamingRuntimeOptions { ForwardGStreamerLog = true });
        forwardWithoutFactory.Should().Throw<ArgumentException>().WithMessage("*ForwardGStreamerLog is true but no logger factory was given*").Which.ParamName.Should().Be("loggerFactory");
        var none = () => StreamingRuntime.Configure(null!);
        none.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("options");
    }

    /// <summary>The variables these scenarios read, removed from the child's environment so that this machine's values do not count.</summary>
    private static Dictionary<string, string?> WithoutInheritedVariables() => new()
    {
        ["LD_PRELOAD"] = null,
        ["LD_LIBRARY_PATH"] = null,
        ["AWS_SECRET_ACCESS_KEY"] = null,
        ["BACKPACK_NOT_GSTREAMER"] = null,
        ["GST_DEBUG_COLOR_MODE"] = null,
        ["GST_DEBUG_NO_COLOR"] = null,
        ["GST_DEBUG"] = null,
        ["GST_DEBUG_FILE"] = null,
    };

    private static string UniqueName(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 9)].ToUpperInvariant();

    private static string CoreElementsPlugin() =>
        Directory.EnumerateFiles("/usr/lib", "libgstcoreelements.so", SearchOption.AllDirectories).FirstOrDefault()
        ?? throw new FileNotFoundException("GStreamer's core elements plugin (libgstcoreelements.so, Debian package libgstreamer1.0-0) is not under /usr/lib.");

    /// <summary>One run of <see cref="RuntimeScenarios.ConfigureThenStart"/> with a .env file as the original's Dockerfile writes it, for the tests above.</summary>
    public sealed class ConfiguredRun : IDisposable
    {
        internal const string Probe = "GST_BACKPACK_PROBE";
        internal const string Preset = "GST_BACKPACK_PRESET";

        private readonly TemporaryDirectory _directory = TestFrames.TemporaryDirectory();
        private readonly Lazy<ScenarioProcess.Result> _result;

        public ConfiguredRun()
        {
            DotEnv = _directory.File("streaming.env");
            File.WriteAllText(DotEnv, $"""
                GST_DEBUG_COLOR_MODE=off
                {Probe}=from-the-file
                {Preset}=from-the-file
                LD_PRELOAD=/opt/kvs/libpreloaded.so
                LD_LIBRARY_PATH=/opt/kvs/lib
                AWS_SECRET_ACCESS_KEY=never-logged-secret
                BACKPACK_NOT_GSTREAMER=left-alone
                """);
            var environment = WithoutInheritedVariables();
            environment[Probe] = null;
            environment[Preset] = "from-the-environment";
            _result = new(() => ScenarioProcess.Run(
                RuntimeScenarios.ConfigureThenStart,
                [DotEnv, Probe, Preset, "LD_PRELOAD", "LD_LIBRARY_PATH", "AWS_SECRET_ACCESS_KEY", "BACKPACK_NOT_GSTREAMER"],
                _directory.Path,
                environment));
        }

        internal string DotEnv { get; }

        internal ScenarioProcess.Result Result => _result.Value;

        public void Dispose() => _directory.Dispose();
    }
}
