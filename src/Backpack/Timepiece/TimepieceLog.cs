using Microsoft.Extensions.Logging;

namespace Backpack.Timepiece;

/// <summary>The log messages of Timepiece, source-generated so that logging them allocates as little as possible.</summary>
internal static partial class TimepieceLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error,
        Message = "The dispatched callback of {Owner} threw; the exception is logged here and the loop goes on.")]
    internal static partial void DispatchedCallbackFailed(ILogger logger, Exception exception, string owner);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error,
        Message = "The task scheduler of {Owner} refused its callback, so this call is skipped.")]
    internal static partial void DispatchRefused(ILogger logger, Exception exception, string owner);
}
