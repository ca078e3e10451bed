using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Rtsp;

/// <summary>What the RTSP server logs; never a password or key material.</summary>
public sealed unsafe partial class RtspServer
{
    [LoggerMessage(Level = LogLevel.Information, Message = "RTSP server listening on {Scheme}://{Address}:{Port} (authentication {Authentication}, transports {Transports})")]
    private static partial void LogStarted(ILogger logger, string scheme, string address, int port, string authentication, RtspTransports transports);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RTSP server on {Address}:{Port} serves anyone who can reach that address without a password; set RtspServerOptions.Credentials, or listen on 127.0.0.1 to serve this machine only")]
    private static partial void LogAnonymousExposed(ILogger logger, string address, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RTSP server on {Address}:{Port} accepts Basic authentication over plain RTSP: the password crosses the network readable by anyone on the path; prefer Digest, or serve rtsps with RtspServerOptions.Certificate")]
    private static partial void LogBasicInTheClear(ILogger logger, string address, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "RTSP server on {Address}:{Port} stopped")]
    private static partial void LogStopped(ILogger logger, string address, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RTSP server: ending a stream for its clients failed; they are disconnected when the server stops")]
    private static partial void LogEndingFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "RTSP stream {Path} added")]
    private static partial void LogStreamAdded(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "RTSP stream {Path} removed")]
    private static partial void LogStreamRemoved(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "RTSP client connected ({Count} connected)")]
    private static partial void LogClientConnected(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RTSP client refused with 503: {MaxClients} clients are connected (RtspServerOptions.MaxClients)")]
    private static partial void LogClientRefused(ILogger logger, int maxClients);

    [LoggerMessage(Level = LogLevel.Debug, Message = "RTSP client disconnected ({Count} connected)")]
    private static partial void LogClientClosed(ILogger logger, int count);
}
