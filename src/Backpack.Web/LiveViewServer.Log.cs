using Microsoft.Extensions.Logging;

namespace Backpack.Web;

/// <summary>The server's log messages.</summary>
public sealed partial class LiveViewServer
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Live view at {Url} ({Options})")]
    private static partial void LogStarted(Microsoft.Extensions.Logging.ILogger logger, Uri? url, LiveViewServerOptions options);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live view at {Url} serves anyone who can reach it: no credentials are set (LiveViewServerOptions.Credentials) and it listens beyond this machine. Set credentials, or listen on 127.0.0.1")]
    private static partial void LogAnonymous(Microsoft.Extensions.Logging.ILogger logger, Uri? url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A login from {Address} was refused: wrong user name or password")]
    private static partial void LogLoginRefused(Microsoft.Extensions.Logging.ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A WebSocket from origin '{Origin}' was refused: only the server's own pages and LiveViewServerOptions.AllowedOrigins may open one")]
    private static partial void LogOriginRefused(Microsoft.Extensions.Logging.ILogger logger, string origin);

    [LoggerMessage(Level = LogLevel.Information, Message = "Viewer {Id} joined stream {Stream} from {Address}")]
    private static partial void LogViewerJoined(Microsoft.Extensions.Logging.ILogger logger, string id, string stream, System.Net.IPAddress? address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Viewer {Id} left stream {Stream}")]
    private static partial void LogViewerLeft(Microsoft.Extensions.Logging.ILogger logger, string id, string stream);
}
