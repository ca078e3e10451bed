using System.Text;
using System.Text.RegularExpressions;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Runtime;

/// <summary>
/// The .env file of the original SkyLine: a Dockerfile writes GST_PLUGIN_PATH, LD_LIBRARY_PATH and
/// LD_PRELOAD there because the container's environment did not carry them. Read with the rules of
/// python-dotenv (<c>KEY=value</c>, <c>export</c>, quotes, comments, <c>${VAR}</c>), and applied
/// only to the variables that concern GStreamer and the dynamic loader, never overriding what the
/// environment already says. What can still take effect in a running process does; what cannot
/// (the loader reads LD_LIBRARY_PATH and LD_PRELOAD only when a process starts) is set for child
/// processes and reported plainly.
/// </summary>
internal static partial class DotEnv
{
    /// <summary>The file name searched for.</summary>
    internal const string FileName = ".env";

    /// <summary>The name of what marks the root of a Git repository (a directory, or a file in a worktree), where the search stops.</summary>
    internal const string RepositoryMarker = ".git";

    private static readonly Lock Gate = new();

    /// <summary>What applying a file did with one variable.</summary>
    internal enum Outcome
    {
        /// <summary>Set, and in effect.</summary>
        Applied,

        /// <summary>Set for child processes, but this process cannot use it (the loader read it at start).</summary>
        NeedsRestart,

        /// <summary>The environment already has a value, which wins.</summary>
        AlreadySet,

        /// <summary>Not a variable SkyLine applies.</summary>
        Ignored,
    }

    /// <summary>
    /// The nearest .env in <paramref name="startDirectory"/> or one of its parents, or null. The search
    /// stops at the root of a Git repository (a directory holding <c>.git</c>, whose own .env is still
    /// found) or at the filesystem root: a .env above the application's repository belongs to something else.
    /// </summary>
    internal static string? Find(string startDirectory)
    {
        for (var directory = new DirectoryInfo(Path.GetFullPath(startDirectory)); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
            var marker = Path.Combine(directory.FullName, RepositoryMarker);
            if (Directory.Exists(marker) || File.Exists(marker))
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>Parses .env text into variables in file order; later duplicates win.</summary>
    /// <param name="text">The file's content.</param>
    /// <param name="lookup">Values of variables not defined earlier in the file, for <c>${VAR}</c>.</param>
    internal static IReadOnlyList<KeyValuePair<string, string>> Parse(string text, Func<string, string?> lookup)
    {
        var variables = new List<KeyValuePair<string, string>>();
        var defined = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var match = Assignment().Match(line);
            if (!match.Success)
            {
                continue;
            }
            var name = match.Groups["name"].Value;
            var value = ParseValue(match.Groups["value"].Value, out var expand);
            if (expand)
            {
                value = Reference().Replace(value, reference =>
                {
                    var referenced = reference.Groups["name"].Value;
                    return defined.TryGetValue(referenced, out var earlier) ? earlier : lookup(referenced) ?? reference.Groups["default"].Value;
                });
            }
            defined[name] = value;
            variables.Add(new KeyValuePair<string, string>(name, value));
        }
        return variables;
    }

    /// <summary>
    /// Applies the GStreamer and loader variables of a file to this process and logs what happened
    /// to each; returns the outcome per variable name.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    internal static IReadOnlyDictionary<string, Outcome> Apply(string path, ILogger logger)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The .env file {path} does not exist.", path);
        }
        var variables = Parse(File.ReadAllText(path), Environment.GetEnvironmentVariable);
        var outcomes = new Dictionary<string, Outcome>(StringComparer.Ordinal);
        lock (Gate)
        {
            foreach (var (name, value) in variables)
            {
                outcomes[name] = ApplyOne(name, value, path, logger);
            }
        }
        return outcomes;
    }

    private static Outcome ApplyOne(string name, string value, string path, ILogger logger)
    {
        var isLoader = name is "LD_LIBRARY_PATH" or "LD_PRELOAD";
        if (!isLoader && !name.StartsWith("GST_", StringComparison.Ordinal))
        {
            LogIgnored(logger, name, path);
            return Outcome.Ignored;
        }
        var current = Environment.GetEnvironmentVariable(name);
        if (!string.IsNullOrEmpty(current))
        {
            if (current != value)
            {
                LogAlreadySet(logger, name, path);
            }
            return Outcome.AlreadySet;
        }
        SetVariable(name, value);
        if (isLoader)
        {
            LogNeedsRestart(logger, name, path);
            return Outcome.NeedsRestart;
        }
        if (!GStreamerRuntime.IsInitialized)
        {
            LogApplied(logger, name, path);
            return Outcome.Applied;
        }
        // GStreamer already started: apply what has a run-time equivalent.
        switch (name)
        {
            case "GST_PLUGIN_PATH" or "GST_PLUGIN_PATH_1_0":
                var added = GStreamerRuntime.ScanPluginPath(value);
                LogPluginsScanned(logger, name, path, added.Count == 0 ? "no new plugins" : string.Join(", ", added));
                return Outcome.Applied;
            case "GST_DEBUG":
                GStreamerLog.SetLevels(value);
                LogApplied(logger, name, path);
                return Outcome.Applied;
            case "GST_DEBUG_FILE":
                GStreamerLog.AddFile(value);
                LogApplied(logger, name, path);
                return Outcome.Applied;
            default:
                LogNeedsRestart(logger, name, path);
                return Outcome.NeedsRestart;
        }
    }

    /// <summary>Sets a variable for managed code and for native code (getenv), which on Unix keep separate copies.</summary>
    private static void SetVariable(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (LibC.SetEnv(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv({name}) failed: {System.Runtime.InteropServices.Marshal.GetLastPInvokeErrorMessage()}.");
        }
    }

    private static string ParseValue(string raw, out bool expand)
    {
        raw = raw.Trim();
        expand = true;
        if (raw.Length >= 2 && raw[0] == '\'' && raw.IndexOf('\'', 1) > 0)
        {
            expand = false;
            return raw[1..raw.IndexOf('\'', 1)];
        }
        if (raw.Length >= 2 && raw[0] == '"')
        {
            var value = new StringBuilder();
            for (var i = 1; i < raw.Length; i++)
            {
                var character = raw[i];
                if (character == '"')
                {
                    break;
                }
                if (character == '\\' && i + 1 < raw.Length)
                {
                    i++;
                    value.Append(raw[i] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', var other => other });
                    continue;
                }
                value.Append(character);
            }
            return value.ToString();
        }
        // Unquoted: an inline comment starts at " #".
        var comment = raw.IndexOf(" #", StringComparison.Ordinal);
        return (comment >= 0 ? raw[..comment] : raw).Trim();
    }

    [GeneratedRegex(@"^(export\s+)?(?<name>[A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(?<value>.*)$")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(:-(?<default>[^}]*))?\}")]
    private static partial Regex Reference();

    [LoggerMessage(Level = LogLevel.Information, Message = "{Name} set from {Path}")]
    private static partial void LogApplied(ILogger logger, string name, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Name} from {Path} added to the GStreamer registry: {Directories}")]
    private static partial void LogPluginsScanned(ILogger logger, string name, string path, string directories);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Name} in {Path} is not a GStreamer or loader variable; SkyLine leaves it alone")]
    private static partial void LogIgnored(ILogger logger, string name, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Name} is already set in the environment; the value in {Path} is not used")]
    private static partial void LogAlreadySet(ILogger logger, string name, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name} from {Path} cannot take effect in this running process: it is read only when a process starts. " +
        "It is set for child processes; for this application set it before it starts (Dockerfile ENV, systemd Environment=, or a wrapper script)")]
    private static partial void LogNeedsRestart(ILogger logger, string name, string path);
}
