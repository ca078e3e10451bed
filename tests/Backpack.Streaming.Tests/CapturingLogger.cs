using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Tests;

/// <summary>A logger factory that keeps every entry, for tests that check what was logged.</summary>
internal sealed class CapturingLogger : ILoggerFactory, ILogger
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    internal sealed record Entry(LogLevel Level, string Category, string Message, Exception? Exception);

    internal LogLevel MinimumLevel { get; init; } = LogLevel.Trace;

    /// <summary>Throw from every Log call after keeping the entry, as a broken logging backend would.</summary>
    internal bool Throws { get; init; }

    internal IReadOnlyList<Entry> Entries => [.. _entries];

    /// <summary>Raised after each entry, on the logging thread.</summary>
    internal event Action<Entry>? Logged;

    public ILogger CreateLogger(string categoryName) => new Categorised(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= MinimumLevel;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Add(new Entry(logLevel, string.Empty, formatter(state, exception), exception));

    private void Add(Entry entry)
    {
        _entries.Enqueue(entry);
        Logged?.Invoke(entry);
        if (Throws)
        {
            throw new InvalidOperationException("the logger fails (test)");
        }
    }

    private sealed class Categorised(CapturingLogger owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => owner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Add(new Entry(logLevel, category, formatter(state, exception), exception));
            }
        }
    }
}
