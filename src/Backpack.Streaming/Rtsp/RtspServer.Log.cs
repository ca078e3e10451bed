using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Rtsp;

/// <summary>What the RTSP server logs; never a password.</summary>
public sealed unsafe partial class RtspServer
{
    [LoggerMessage(Level = LogLevel.Information, Message = "RTSP server listening on {Address}:{Port} (authentication {Authentication}, transports {Transports})")]
    private static partial void LogStarted(ILogger logger, string address, int port, string authentication, RtspTransports transports);

    [LoggerMessage(Level = LogLevel.Information, Message = "RTSP server on {Address}:{Port} stopped")]
    private static partial void LogStopped(ILogger logger, string address, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RTSP server: disconnecting the clients took too long ({Reason}); the server thread is ended anyway")]
    private static partial void LogStopSlow(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "RTSP stream {Path} added")]
    private static partial void LogStreamAdded(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "RTSP stream {Path} removed")]
    private static partial void LogStreamRemoved(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "RTSP client connected ({Count} connected)")]
    private static partial void LogClientConnected(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "RTSP client disconnected ({Count} connected)")]
    private static partial void LogClientClosed(ILogger logger, int count);
}
