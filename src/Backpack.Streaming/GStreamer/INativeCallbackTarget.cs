using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.GStreamer;

/// <summary>Managed state of a native callback that knows where the callback's faults should be logged.</summary>
internal interface INativeCallbackTarget
{
    /// <summary>The logger of the component the callback serves.</summary>
    ILogger CallbackLogger { get; }

    /// <summary>What the target is, for the log line of a fault, such as <c>RTSP stream /camera</c>.</summary>
    string CallbackContext { get; }
}
