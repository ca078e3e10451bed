using System.Globalization;
using Backpack.Streaming.GStreamer;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Runtime;

/// <summary>
/// A checked, immutable copy of <see cref="StreamingRuntimeOptions"/> with paths made absolute, and the
/// logger factory it came with: what the runtime applies, and what a second configuration is compared with.
/// </summary>
internal sealed record RuntimeSettings(
    bool LoadDotEnv,
    string? DotEnvPath,
    string? PluginPath,
    string? GStreamerLogFile,
    string? GStreamerLogLevel,
    bool ForwardGStreamerLog,
    ILoggerFactory? LoggerFactory)
{
    /// <summary>What GStreamer starts with when nobody configured it: <c>new StreamingRuntimeOptions()</c>, no logger factory.</summary>
    internal static RuntimeSettings Defaults { get; } = From(new StreamingRuntimeOptions(), loggerFactory: null);

    /// <summary>Checks the options and copies them.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">A setting is wrong; the message starts with its name and says what is expected.</exception>
    internal static RuntimeSettings From(StreamingRuntimeOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? dotEnvPath = null;
        if (options.DotEnvPath is { } dotEnv)
        {
            if (string.IsNullOrWhiteSpace(dotEnv))
            {
                throw Invalid(nameof(options.DotEnvPath), "is blank; expected null (search upward from the working directory) or the path of a .env file.");
            }
            if (!options.LoadDotEnv)
            {
                throw Invalid(nameof(options.DotEnvPath), $"is '{dotEnv}' but LoadDotEnv is false; expected LoadDotEnv true to read that file, or no DotEnvPath.");
            }
            dotEnvPath = Path.GetFullPath(dotEnv);
        }
        string? pluginPath = null;
        if (options.PluginPath is { } plugins)
        {
            var directories = plugins.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (directories.Length == 0)
            {
                throw Invalid(nameof(options.PluginPath), "is blank; expected null or plugin directories separated by colons, as in GST_PLUGIN_PATH.");
            }
            var missing = directories.FirstOrDefault(directory => !Directory.Exists(directory));
            if (missing is not null)
            {
                throw Invalid(nameof(options.PluginPath), $"names the directory '{missing}', which does not exist; expected existing plugin directories separated by colons.");
            }
            pluginPath = string.Join(':', directories.Select(Path.GetFullPath));
        }
        string? logFile = null;
        if (options.GStreamerLogFile is { } file)
        {
            logFile = string.IsNullOrWhiteSpace(file)
                ? throw Invalid(nameof(options.GStreamerLogFile), "is blank; expected null (no log file) or a file path.")
                : Path.GetFullPath(file);
        }
        if (options.GStreamerLogLevel is { } levels && GStreamerLog.LevelsProblem(levels) is { } problem)
        {
            throw Invalid(nameof(options.GStreamerLogLevel), "is not valid: " + problem);
        }
        if (options.ForwardGStreamerLog && loggerFactory is null)
        {
            throw new ArgumentException(
                "StreamingRuntimeOptions.ForwardGStreamerLog is true but no logger factory was given; expected the ILoggerFactory to forward GStreamer's log to, or ForwardGStreamerLog false.",
                nameof(loggerFactory));
        }
        return new RuntimeSettings(options.LoadDotEnv, dotEnvPath, pluginPath, logFile, options.GStreamerLogLevel, options.ForwardGStreamerLog, loggerFactory);
    }

    /// <summary>Each setting that differs from <paramref name="other"/>, as <c>Name: this value, then the other</c>; empty when they are the same.</summary>
    internal IReadOnlyList<string> Differences(RuntimeSettings other)
    {
        var differences = new List<string>();
        Compare(nameof(LoadDotEnv), LoadDotEnv, other.LoadDotEnv);
        Compare(nameof(DotEnvPath), DotEnvPath, other.DotEnvPath);
        Compare(nameof(PluginPath), PluginPath, other.PluginPath);
        Compare(nameof(GStreamerLogFile), GStreamerLogFile, other.GStreamerLogFile);
        Compare(nameof(GStreamerLogLevel), GStreamerLogLevel, other.GStreamerLogLevel);
        Compare(nameof(ForwardGStreamerLog), ForwardGStreamerLog, other.ForwardGStreamerLog);
        if (!ReferenceEquals(LoggerFactory, other.LoggerFactory))
        {
            differences.Add(LoggerFactory is null || other.LoggerFactory is null
                ? $"the logger factory: {DescribeFactory(LoggerFactory)} first, {DescribeFactory(other.LoggerFactory)} now"
                : $"the logger factory: another {other.LoggerFactory.GetType().Name} instance than the first (compared by reference)");
        }
        return differences;

        void Compare<T>(string name, T first, T now)
        {
            if (!EqualityComparer<T>.Default.Equals(first, now))
            {
                differences.Add($"{name}: {Describe(first)} first, {Describe(now)} now");
            }
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string text => $"'{text}'",
        bool flag => flag ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private static string DescribeFactory(ILoggerFactory? factory) => factory is null ? "none" : $"a {factory.GetType().Name}";

    /// <summary>The error for a wrong setting: the setting's name first, then what is wrong and what is expected.</summary>
    /// <param name="setting">The property of <see cref="StreamingRuntimeOptions"/>.</param>
    /// <param name="problem">What is wrong and what is expected, a sentence that follows the name.</param>
    /// <param name="inner">The cause, if any.</param>
    internal static ArgumentException Invalid(string setting, string problem, Exception? inner = null) =>
#pragma warning disable CA2208 // The parameter named is StreamingRuntime.Configure's, whose options were wrong.
        new($"StreamingRuntimeOptions.{setting} {problem}", "options", inner);
#pragma warning restore CA2208
}
