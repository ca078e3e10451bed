namespace Backpack.Streaming.Runtime;

/// <summary>
/// The process-wide settings of the streaming runtime (GStreamer): the <c>.env</c> file, extra plugin
/// directories and GStreamer's own log. Given once to <see cref="StreamingRuntime.Configure"/>, before
/// anything starts GStreamer; without that call GStreamer starts with these defaults on first use.
/// </summary>
/// <remarks>
/// <para>
/// A plain options class: every property can be bound from configuration (for instance the section
/// <c>Backpack:Streaming:Runtime</c> of <c>appsettings.json</c>). Nothing is checked when a property is
/// set; <see cref="StreamingRuntime.Configure"/> checks them all and names the first that is wrong.
/// </para>
/// <para>
/// Not thread safe while it is filled in. <see cref="StreamingRuntime.Configure"/> takes a copy: changing
/// the object afterwards changes nothing.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// StreamingRuntime.Configure(new StreamingRuntimeOptions
/// {
///     DotEnvPath = "/panorama/.env",          // as the original's dotenv_path
///     GStreamerLogFile = "/var/log/app/gst.log",
///     GStreamerLogLevel = "2,x264enc:5",
/// }, loggerFactory);
/// using var skyLine = new RecorderSkyLine("/data/run.mkv");   // GStreamer starts here, configured
/// </code>
/// </example>
public sealed class StreamingRuntimeOptions
{
    /// <summary>
    /// Whether a <c>.env</c> file is read before GStreamer starts. Default true, as the original SkyLine:
    /// <see cref="DotEnvPath"/>, or else the nearest <c>.env</c> in the working directory or its parents
    /// (the search stops at the root of a Git repository, a directory holding <c>.git</c>, or at the
    /// filesystem root). Only <c>GST_</c> variables the environment does not already have are set;
    /// <c>LD_PRELOAD</c> and <c>LD_LIBRARY_PATH</c> are never set (the running process cannot use them) and
    /// are reported in a warning; other variables are left alone. Names are logged, never values.
    /// </summary>
    public bool LoadDotEnv { get; set; } = true;

    /// <summary>
    /// The <c>.env</c> file to read, as the original's <c>dotenv_path</c>; it must exist. Default null:
    /// search from the working directory as <see cref="LoadDotEnv"/> says. Requires <see cref="LoadDotEnv"/>.
    /// </summary>
    public string? DotEnvPath { get; set; }

    /// <summary>
    /// Directories, separated by colons as in <c>GST_PLUGIN_PATH</c>, whose plugins are added to GStreamer's
    /// registry when it starts (for a plugin built outside the system directories, such as the Kinesis
    /// Video Streams producer's <c>kvssink</c>). Every directory must exist. Default null: only what
    /// GStreamer finds itself (the system directories and <c>GST_PLUGIN_PATH</c>).
    /// </summary>
    public string? PluginPath { get; set; }

    /// <summary>
    /// A file GStreamer's log is appended to, in GStreamer's own format, as the original's
    /// <c>gst_log_file</c> (<c>GST_DEBUG_FILE</c>). It is opened by <see cref="StreamingRuntime.Configure"/>
    /// and closed when the process exits. Default null: no file. Once the log goes to a file or a
    /// logger, GStreamer stops writing it to standard error.
    /// </summary>
    public string? GStreamerLogFile { get; set; }

    /// <summary>
    /// GStreamer's log thresholds in <c>GST_DEBUG</c> syntax, as the original's <c>gst_log_level</c>: a level
    /// from 0 to 9 or its name (<c>NONE</c>, <c>ERROR</c>, <c>WARNING</c>, <c>FIXME</c>, <c>INFO</c>,
    /// <c>DEBUG</c>, <c>LOG</c>, <c>TRACE</c>, <c>MEMDUMP</c>), or comma-separated <c>category:level</c>
    /// pairs such as <c>2,x264enc:5</c>. It replaces what <c>GST_DEBUG</c> says. Default null: GStreamer's
    /// (from <c>GST_DEBUG</c>; warnings and errors when the log goes to a file or a logger).
    /// </summary>
    public string? GStreamerLogLevel { get; set; }

    /// <summary>
    /// Whether GStreamer's log goes to the logger factory given to <see cref="StreamingRuntime.Configure"/>
    /// (category <c>Backpack.Streaming.GStreamer</c>): ERROR as errors, WARNING and FIXME as warnings, INFO
    /// as information, DEBUG as debug, finer levels as trace; warnings and errors unless
    /// <see cref="GStreamerLogLevel"/> says otherwise. Default false. Requires a logger factory.
    /// </summary>
    public bool ForwardGStreamerLog { get; set; }
}
