using System.Text;
using System.Text.RegularExpressions;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Runtime;

/// <summary>
/// The .env file of the original SkyLine: a Dockerfile writes GST_PLUGIN_PATH, LD_LIBRARY_PATH and
/// LD_PRELOAD there because the container's environment did not carry them. Read with the rules of
/// python-dotenv (<c>KEY=value</c>, <c>export</c>, quotes, comments, <c>${VAR}</c>), and applied only to
/// the <c>GST_</c> variables, never overriding what the environment already says. The loader's variables
/// are not set: the dynamic loader reads them when a process starts, so this process cannot use them;
/// a warning says where to set them instead. Every other variable is left alone. Logs name variables,
/// never their values.
/// </summary>
/// <remarks>
/// Applying sets environment variables, which is safe only while no other native thread reads the
/// environment: <see cref="GStreamerRuntime"/> applies a file once, under its lock, before GStreamer starts.
/// </remarks>
internal static partial class DotEnv
{
    /// <summary>The file name searched for.</summary>
    internal const string FileName = ".env";

    /// <summary>The name of what marks the root of a Git repository (a directory, or a file in a worktree), where the search stops.</summary>
    internal const string RepositoryMarker = ".git";

    /// <summary>What applying a file does with one variable.</summary>
    internal enum Outcome
    {
        /// <summary>A GStreamer variable the environment did not have: set.</summary>
        Applied,

        /// <summary>LD_LIBRARY_PATH or LD_PRELOAD: not set, because the dynamic loader reads it only when a process starts; a warning says so.</summary>
        LoaderVariable,

        /// <summary>The environment already has a value, which wins.</summary>
        AlreadySet,

        /// <summary>Not a GStreamer variable: left alone.</summary>
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
    /// What applying <paramref name="text"/> would do with each variable, changing nothing. Only the
    /// values to set are kept; the others (which may be secrets) are dropped here.
    /// </summary>
    /// <param name="text">The file's content.</param>
    /// <param name="environment">The current value of a variable, or null.</param>
    internal static IReadOnlyList<Decision> Decide(string text, Func<string, string?> environment)
    {
        var decisions = new Dictionary<string, Decision>(StringComparer.Ordinal);
        foreach (var (name, value) in Parse(text, environment))
        {
            decisions[name] = name switch
            {
                "LD_LIBRARY_PATH" or "LD_PRELOAD" => new Decision(name, string.Empty, Outcome.LoaderVariable),
                _ when !name.StartsWith("GST_", StringComparison.Ordinal) => new Decision(name, string.Empty, Outcome.Ignored),
                _ when !string.IsNullOrEmpty(environment(name)) => new Decision(name, string.Empty, Outcome.AlreadySet),
                _ => new Decision(name, value, Outcome.Applied),
            };
        }
        return [.. decisions.Values];
    }

    /// <summary>Reads a file and decides what applying it does with each variable, changing nothing.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    internal static IReadOnlyList<Decision> Read(string path) =>
        File.Exists(path)
            ? Decide(File.ReadAllText(path), Environment.GetEnvironmentVariable)
            : throw new FileNotFoundException($"The .env file {path} does not exist; expected the path of an existing file (StreamingRuntimeOptions.DotEnvPath), or none to search for one.", path);

    /// <summary>
    /// Carries out the decisions <see cref="Read"/> made for the file at <paramref name="path"/> and logs
    /// what happened to each variable: its name, never its value.
    /// </summary>
    internal static void Apply(string path, IReadOnlyList<Decision> decisions, ILogger logger)
    {
        foreach (var decision in decisions)
        {
            switch (decision.Outcome)
            {
                case Outcome.Applied:
                    SetVariable(decision.Name, decision.Value);
                    LogApplied(logger, decision.Name, path);
                    break;
                case Outcome.LoaderVariable:
                    LogLoaderVariable(logger, decision.Name, path);
                    break;
                case Outcome.AlreadySet:
                    LogAlreadySet(logger, decision.Name, path);
                    break;
                default:
                    LogIgnored(logger, decision.Name, path);
                    break;
            }
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Name} in {Path} is not a GStreamer variable; it is left alone")]
    private static partial void LogIgnored(ILogger logger, string name, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Name} is already set in the environment; the value in {Path} is not used")]
    private static partial void LogAlreadySet(ILogger logger, string name, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name} in {Path} is not set: the dynamic loader reads it only when a process starts, so it cannot affect this running process. " +
        "Set it before the application starts instead (Dockerfile ENV, systemd Environment=, or a wrapper script)")]
    private static partial void LogLoaderVariable(ILogger logger, string name, string path);

    /// <summary>What applying a file does with one variable; <see cref="Value"/> is kept only for a variable to set.</summary>
    internal readonly record struct Decision(string Name, string Value, Outcome Outcome)
    {
        /// <summary>The name and the outcome, never the value.</summary>
        public override string ToString() => $"{Name}: {Outcome}";
    }
}
