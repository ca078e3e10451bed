namespace Backpack.Streaming.Runtime;

/// <summary>
/// GStreamer, or an element a stream needs, is not installed on this machine. The message names
/// what is missing and the Debian package that provides it; <see cref="Element"/> and
/// <see cref="Package"/> carry the same for programs.
/// </summary>
/// <example>
/// <code>
/// try { using var skyLine = new SinkSkyLine("kvssink stream-name=cam1"); }
/// catch (GStreamerUnavailableException missing) { Console.Error.WriteLine(missing.Message); }
/// // The GStreamer element kvssink is not installed. It comes from: none: build the GStreamer plugin of ...
/// </code>
/// </example>
public sealed class GStreamerUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception with a message only.</summary>
    public GStreamerUnavailableException()
        : base("GStreamer or one of its elements is not installed.")
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    /// <param name="message">What is missing and what to install.</param>
    public GStreamerUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What is missing and what to install.</param>
    /// <param name="innerException">The failure that revealed it.</param>
    public GStreamerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a missing element or runtime.</summary>
    /// <param name="message">What is missing and what to install.</param>
    /// <param name="element">The missing element's factory name, or null when GStreamer itself is missing.</param>
    /// <param name="package">The Debian package that provides it, or a sentence saying where it comes from.</param>
    public GStreamerUnavailableException(string message, string? element, string package)
        : base(message)
    {
        Element = element;
        Package = package;
    }

    /// <summary>The missing element's factory name, such as <c>x264enc</c>; null when GStreamer itself is missing.</summary>
    public string? Element { get; }

    /// <summary>The Debian package that provides what is missing (or, for pieces Debian does not ship, where it comes from).</summary>
    public string Package { get; } = string.Empty;
}
