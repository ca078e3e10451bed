using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backpack.Threading;

/// <summary>
/// Wraps the application's logger factory so that a logger that throws never breaks the library's own logic:
/// a failed log call is dropped (the first one of the process is said on standard error). Without it, a throwing
/// logger inside a restart or a failure handler would leave a stream stopped for good.
/// </summary>
/// <remarks>Thread safe; allocation-free per log call beyond what the wrapped logger allocates.</remarks>
internal sealed class ContainedLoggerFactory : ILoggerFactory
{
    private static int _failed;
    private readonly ILoggerFactory _inner;

    private ContainedLoggerFactory(ILoggerFactory inner) => _inner = inner;

    /// <summary>Log calls that threw and were dropped since the process started.</summary>
    internal static int Failures => Volatile.Read(ref _failed);

    /// <summary>The factory to use for <paramref name="factory"/> (null: none); wrapping twice wraps once.</summary>
    internal static ILoggerFactory Wrap(ILoggerFactory? factory) =>
        factory switch
        {
            null => NullLoggerFactory.Instance,
            NullLoggerFactory or ContainedLoggerFactory => factory,
            _ => new ContainedLoggerFactory(factory),
        };

    public ILogger CreateLogger(string categoryName)
    {
        try
        {
            return new ContainedLogger(_inner.CreateLogger(categoryName));
        }
#pragma warning disable CA1031 // A factory that fails gives no logger, not a failed stream.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Failed(exception);
            return NullLogger.Instance;
        }
    }

    public void AddProvider(ILoggerProvider provider) => _inner.AddProvider(provider);

    /// <summary>Does nothing: the application owns the factory it gave.</summary>
    public void Dispose()
    {
    }

    private static void Failed(Exception exception)
    {
        if (Interlocked.Increment(ref _failed) != 1)
        {
            return;
        }
        try
        {
            Console.Error.WriteLine($"Backpack: a logger threw; its log calls are dropped from now on when they throw: {exception}");
        }
#pragma warning disable CA1031 // Standard error may be gone (closed by the host).
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private sealed class ContainedLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            try
            {
                return inner.BeginScope(state);
            }
#pragma warning disable CA1031 // See the class: a failing logger must not fail the caller.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Failed(exception);
                return null;
            }
        }

        public bool IsEnabled(LogLevel logLevel)
        {
            try
            {
                return inner.IsEnabled(logLevel);
            }
#pragma warning disable CA1031 // See the class.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Failed(exception);
                return false;
            }
        }

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
#pragma warning disable CA1031 // See the class.
            catch (Exception failure)
#pragma warning restore CA1031
            {
                Failed(failure);
            }
        }
    }
}
