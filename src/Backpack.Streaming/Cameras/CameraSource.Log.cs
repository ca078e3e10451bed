using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Cameras;

/// <summary>What a camera source logs, generated once (no formatting cost when the level is off). Never a credential.</summary>
public sealed partial class CameraSource
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Camera {Name} opens with the pipeline {Description}")]
    private static partial void LogStarting(ILogger logger, string name, string description);

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {Name} streams (connection {Connection})")]
    private static partial void LogStreaming(ILogger logger, string name, long connection);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera {Name}: {Reason}; reconnecting in {Seconds} s (attempt {Attempt})")]
    private static partial void LogReconnectScheduled(ILogger logger, string name, string reason, double seconds, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {Name}: the file ended")]
    private static partial void LogEnded(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Camera {Name}: the file ended and starts again")]
    private static partial void LogLooped(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Camera {Name}: connection {Connection} torn down in {Milliseconds} ms")]
    private static partial void LogTornDown(ILogger logger, string name, long connection, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera {Name}: a pipeline torn down after a failure did not stop within {Seconds} s of the dispose; it is left to finish on its own")]
    private static partial void LogSlowTeardown(ILogger logger, string name, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Camera {Name}: {Previous} -> {Current}")]
    private static partial void LogStateChanged(ILogger logger, string name, CameraState previous, CameraState current);
}
