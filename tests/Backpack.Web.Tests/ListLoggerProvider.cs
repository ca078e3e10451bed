using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Backpack.Web.Tests;

/// <summary>Keeps every log message, to check what was said (and that no secret was).</summary>
internal sealed class ListLoggerProvider : ILoggerProvider
{
    internal ConcurrentQueue<(LogLevel Level, string Text)> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(ListLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Messages.Enqueue((logLevel, formatter(state, exception) + (exception is null ? string.Empty : " " + exception)));
    }
}
