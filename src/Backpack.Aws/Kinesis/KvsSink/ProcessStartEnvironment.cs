using System.Text;

namespace Backpack.Aws.Kinesis.KvsSink;

/// <summary>
/// The environment the process was started with, as native code (kvssink's <c>getenv</c>) sees it: read from
/// <c>/proc/self/environ</c>. On Linux, .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/>
/// changes only the managed copy, which native code never sees.
/// </summary>
internal static class ProcessStartEnvironment
{
    /// <summary>The names kvssink reads its static credentials from (producer-c <c>Include.h</c>).</summary>
    internal const string AccessKeyId = "AWS_ACCESS_KEY_ID";

    /// <summary>The secret access key's variable.</summary>
    internal const string SecretAccessKey = "AWS_SECRET_ACCESS_KEY";

    /// <summary>The session token's variable (optional for kvssink).</summary>
    internal const string SessionToken = "AWS_SESSION_TOKEN";

    /// <summary>The variables of the process's start, or <see langword="null"/> where <c>/proc/self/environ</c> cannot be read (not Linux).</summary>
    internal static IReadOnlyDictionary<string, string>? Read()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes("/proc/self/environ");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
        return Parse(bytes);
    }

    /// <summary>Parses NUL-separated <c>NAME=value</c> entries; the first of a repeated name wins, as <c>getenv</c> finds it.</summary>
    internal static IReadOnlyDictionary<string, string> Parse(ReadOnlySpan<byte> bytes)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        while (!bytes.IsEmpty)
        {
            var end = bytes.IndexOf((byte)0);
            var entry = end < 0 ? bytes : bytes[..end];
            bytes = end < 0 ? [] : bytes[(end + 1)..];
            var equals = entry.IndexOf((byte)'=');
            if (equals > 0)
            {
                variables.TryAdd(Encoding.UTF8.GetString(entry[..equals]), Encoding.UTF8.GetString(entry[(equals + 1)..]));
            }
        }
        return variables;
    }

    /// <summary>Looks a variable up in the process environment and in the managed one: what kvssink sees, and what .NET code sees.</summary>
    internal readonly record struct Lookup(string? AtStart, string? Managed);

    /// <summary>A source of both views, replaceable in tests.</summary>
    internal sealed class View(Func<IReadOnlyDictionary<string, string>?> start, Func<string, string?> managed)
    {
        /// <summary>The process's own environment.</summary>
        internal static View Process { get; } = new(Read, Environment.GetEnvironmentVariable);

        /// <summary>Both values of each name; where the start environment cannot be read, the managed value stands for it.</summary>
        internal IReadOnlyDictionary<string, Lookup> Get(params string[] names)
        {
            var atStart = start();
            var result = new Dictionary<string, Lookup>(StringComparer.Ordinal);
            foreach (var name in names)
            {
                var managedValue = managed(name);
                result[name] = new Lookup(atStart is null ? managedValue : atStart.GetValueOrDefault(name), managedValue);
            }
            return result;
        }
    }
}
