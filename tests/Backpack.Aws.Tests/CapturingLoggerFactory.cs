using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Tests;

/// <summary>An <see cref="ILoggerFactory"/> that keeps every log line (at every level) with its exception, for tests to read.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message, Exception? Exception)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Category, string Message, Exception? Exception)> Entries => _entries.ToArray();

    /// <summary>Every line as text, with the full <c>ToString()</c> of its exception.</summary>
    public IEnumerable<string> Lines => Entries.Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception}");

    /// <summary>Throw from every Log call after keeping the line, as a broken logging backend would.</summary>
    public bool Throws { get; init; }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerFactory factory, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            factory._entries.Enqueue((logLevel, category, formatter(state, exception), exception));
            if (factory.Throws)
            {
                throw new InvalidOperationException("the logger fails (test)");
            }
        }
    }
}
