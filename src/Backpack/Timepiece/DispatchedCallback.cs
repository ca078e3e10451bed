using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace Backpack.Timepiece;

/// <summary>
/// Runs a callback on a <see cref="TaskScheduler"/> (the Python original's executor), fire and forget:
/// whatever the callback throws is logged and never reaches the caller, and the task never faults.
/// </summary>
internal sealed class DispatchedCallback
{
    private readonly TaskScheduler _dispatcher;
    private readonly Action<object?> _body;
    private readonly Action<object?> _run;
    private readonly ILogger _logger;
    private readonly string _owner;

    /// <param name="dispatcher">Where the callback runs.</param>
    /// <param name="body">The callback, given the state passed to <see cref="Post"/>.</param>
    /// <param name="logger">Where failures go.</param>
    /// <param name="owner">Names the owner of the callback in log messages.</param>
    internal DispatchedCallback(TaskScheduler dispatcher, Action<object?> body, ILogger logger, string owner)
    {
        _dispatcher = dispatcher;
        _body = body;
        _logger = logger;
        _owner = owner;
        _run = Run;
    }

    /// <summary>Queues the callback with <paramref name="state"/>; returns false, logged, when the scheduler refuses it.</summary>
    internal bool Post(object? state)
    {
        try
        {
            _ = Task.Factory.StartNew(_run, state, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _dispatcher); // contained: Run catches, and a faulted task never ends the process
            return true;
        }
        catch (Exception exception) when (exception is TaskSchedulerException or InvalidOperationException or ObjectDisposedException)
        {
            TimepieceLog.DispatchRefused(_logger, exception, _owner);
            return false;
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types",
        Justification = "A dispatched callback is fire and forget: any failure is logged instead of faulting an unobserved task.")]
    private void Run(object? state)
    {
        try
        {
            _body(state);
        }
        catch (Exception exception)
        {
            TimepieceLog.DispatchedCallbackFailed(_logger, exception, _owner);
        }
    }
}
