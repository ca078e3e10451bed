using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Iot;

/// <summary>The log lines of <see cref="DeviceShadowClient"/>: each names the thing and the shadow, never key material.</summary>
public sealed partial class DeviceShadowClient
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Device shadow of thing {Thing}: {Shadow} wants streaming={Streaming} (version {Version}, from {Source}); applying")]
    private static partial void LogApplying(ILogger logger, string thing, string shadow, bool streaming, long version, string source);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Device shadow of thing {Thing}: {Shadow} version {Version} ignored, not above the last applied version {Applied}")]
    private static partial void LogStale(ILogger logger, string thing, string shadow, long version, long applied);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device shadow of thing {Thing}: {Shadow} has desired.streaming {Value}, which is not true or false; ignored")]
    private static partial void LogMistyped(ILogger logger, string thing, string shadow, string value);

    [LoggerMessage(Level = LogLevel.Error, Message = "Device shadow of thing {Thing}: the callback applying streaming={Streaming} for {Shadow} threw; reported as lastError, tried again at the next connection, and the client goes on")]
    private static partial void LogCallbackFailed(ILogger logger, Exception exception, string thing, string shadow, bool streaming);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Device shadow of thing {Thing}: {Shadow} still wants streaming={Streaming}, which failed; tried again at the next connection or when an operator sets desired.streaming again")]
    private static partial void LogNotRetried(ILogger logger, string thing, string shadow, bool streaming);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device shadow of thing {Thing}: {Shadow} does not exist yet (get answered 404); waiting for an operator to set desired.streaming")]
    private static partial void LogNoShadow(ILogger logger, string thing, string shadow);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device shadow of thing {Thing}: {What}")]
    private static partial void LogRejected(ILogger logger, string thing, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device shadow of thing {Thing}: a {Kind} message of {Shadow} is not the documented JSON; ignored")]
    private static partial void LogMalformed(ILogger logger, string thing, string shadow, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device shadow of thing {Thing}: {Shadow} was deleted; the next document is followed whatever its version")]
    private static partial void LogDeleted(ILogger logger, string thing, string shadow);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device shadow of thing {Thing}: {Shadow} read at connection has version {Version}, below the last applied {Applied}: it was deleted and made again while the device was away; following it")]
    private static partial void LogVersionWentBack(ILogger logger, string thing, string shadow, long applied, long version);
}
