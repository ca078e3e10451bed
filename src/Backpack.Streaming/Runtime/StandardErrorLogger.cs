using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Runtime;

/// <summary>
/// Where the runtime's warnings go when it was given no logger factory (GStreamer started with the
/// defaults): one line on standard error per warning or error, so that a .env variable that cannot take
/// effect is not passed over in silence. Lower levels are dropped.
/// </summary>
/// <remarks>Thread safe.</remarks>
internal sealed class StandardErrorLogger : ILogger
{
    /// <summary>The one instance.</summary>
    internal static StandardErrorLogger Instance { get; } = new();

    private StandardErrorLogger()
    {
    }

    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Warning and < LogLevel.None;

    /// <inheritdoc/>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (IsEnabled(logLevel))
        {
            var reason = exception is null ? string.Empty : $" ({exception.Message})";
            Console.Error.WriteLine($"Backpack {(logLevel == LogLevel.Warning ? "warning" : "error")}: {formatter(state, exception)}{reason}");
        }
    }
}
