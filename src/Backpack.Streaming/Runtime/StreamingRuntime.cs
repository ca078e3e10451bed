using Backpack.Streaming.GStreamer;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Runtime;

/// <summary>
/// The process-wide configuration of the streaming runtime (GStreamer): the <c>.env</c> file, plugin
/// directories and GStreamer's log, set once per process before anything starts GStreamer. SkyLines,
/// RTSP servers and their options change nothing process-wide.
/// </summary>
/// <remarks>
/// <para>
/// GStreamer starts once per process, on first use: the first <see cref="SkyLines.SkyLine"/>,
/// <see cref="Rtsp.RtspServer"/> or <see cref="StreamingPrerequisites.Check"/>. It starts with the
/// configuration given to <see cref="Configure"/> or, when nobody called it, with the defaults of
/// <see cref="StreamingRuntimeOptions"/>: as the original SkyLine, the nearest <c>.env</c> above the
/// working directory is read, and GStreamer's log is left as <c>GST_DEBUG</c> says. The environment is
/// set only then, before GStreamer's threads run, and never afterwards.
/// </para>
/// <para>Thread safe: concurrent calls are serialised with each other and with GStreamer's start.</para>
/// </remarks>
/// <example>
/// <code>
/// // First thing in Main, or in the host's start-up:
/// StreamingRuntime.Configure(new StreamingRuntimeOptions { DotEnvPath = "/panorama/.env", GStreamerLogLevel = "2" }, loggerFactory);
/// </code>
/// </example>
public static class StreamingRuntime
{
    /// <summary>
    /// Configures the streaming runtime of this process, before GStreamer starts: opens the log file,
    /// reads the <c>.env</c> file and sets its <c>GST_</c> variables at once (logging each variable's name,
    /// never its value, and warning about <c>LD_PRELOAD</c> and <c>LD_LIBRARY_PATH</c>, which are not set);
    /// plugin directories and log thresholds are applied when GStreamer starts. Calling it again with an
    /// identical configuration (equal options, the same logger factory instance) does nothing.
    /// </summary>
    /// <param name="options">The settings; copied, so later changes to the object have no effect.</param>
    /// <param name="loggerFactory">
    /// Where the runtime logs (category <c>Backpack.Streaming.Runtime</c>), where GStreamer's log is forwarded
    /// with <see cref="StreamingRuntimeOptions.ForwardGStreamerLog"/> (category <c>Backpack.Streaming.GStreamer</c>),
    /// and where faults of native callbacks without a logger of their own go (category
    /// <c>Backpack.Streaming.Native</c>). It must outlive the use of GStreamer in the process. Null: warnings
    /// go to standard error and nothing is forwarded.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// A setting is wrong, or the log file cannot be opened for appending; the message starts with the
    /// setting's name and says what is expected. Nothing was applied.
    /// </exception>
    /// <exception cref="FileNotFoundException"><see cref="StreamingRuntimeOptions.DotEnvPath"/> names a file that does not exist. Nothing was applied.</exception>
    /// <exception cref="InvalidOperationException">
    /// The runtime was already configured differently in this process (the message lists each setting that
    /// differs, first value and new value), or GStreamer already started (the message says from where):
    /// configure before the first SkyLine, RTSP server or prerequisite check.
    /// </exception>
    public static void Configure(StreamingRuntimeOptions options, ILoggerFactory? loggerFactory = null) =>
        GStreamerRuntime.Configure(RuntimeSettings.From(options, loggerFactory));
}
