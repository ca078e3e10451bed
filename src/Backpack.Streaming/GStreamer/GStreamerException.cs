namespace Backpack.Streaming.GStreamer;

/// <summary>A GStreamer call failed: a description did not parse, a property does not exist, a state change failed.</summary>
internal sealed class GStreamerException : Exception
{
    public GStreamerException()
    {
    }

    public GStreamerException(string message)
        : base(message)
    {
    }

    public GStreamerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
