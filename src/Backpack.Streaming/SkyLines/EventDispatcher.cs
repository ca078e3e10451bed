using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.SkyLines;

/// <summary>
/// Raises events to user code away from the thread that caused them: the application's frame loop
/// (inside Put), a GStreamer thread or a timer never runs a handler. Events are delivered one at a time,
/// in the order they were posted, on a thread-pool thread; each handler of an event runs on its own, so
/// one that throws is logged and the others (and the stream) go on.
/// </summary>
/// <remarks>Thread safe. Posting takes a short lock and queues a work item when none is draining.</remarks>
internal sealed partial class EventDispatcher<TArgs>(object sender, ILogger logger, string owner)
    where TArgs : EventArgs
{
    // A monitor rather than a Lock: WaitIdle waits on it.
    private readonly object _gate = new();
    private readonly Queue<(EventHandler<TArgs> Handlers, TArgs Args)> _pending = new();
    private bool _draining;

    /// <summary>Queues an event for the handlers subscribed now; nothing happens when there are none.</summary>
    internal void Post(EventHandler<TArgs>? handlers, TArgs args)
    {
        if (handlers is null)
        {
            return;
        }
        lock (_gate)
        {
            _pending.Enqueue((handlers, args));
            if (_draining)
            {
                return;
            }
            _draining = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static dispatcher => dispatcher.Drain(), this, preferLocal: false);
    }

    /// <summary>
    /// Waits until every event posted so far was delivered (for tests and for an orderly dispose); false on
    /// timeout. Must not be called from a handler.
    /// </summary>
    internal bool WaitIdle(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (_gate)
        {
            while (_draining)
            {
                var left = deadline - Environment.TickCount64;
                if (left <= 0 || !Monitor.Wait(_gate, TimeSpan.FromMilliseconds(left)))
                {
                    return !_draining;
                }
            }
            return true;
        }
    }

    private void Drain()
    {
        while (true)
        {
            (EventHandler<TArgs> Handlers, TArgs Args) next;
            lock (_gate)
            {
                if (!_pending.TryDequeue(out next))
                {
                    _draining = false;
                    Monitor.PulseAll(_gate);
                    return;
                }
            }
            foreach (var handler in next.Handlers.GetInvocationList())
            {
                try
                {
                    ((EventHandler<TArgs>)handler)(sender, next.Args);
                }
#pragma warning disable CA1031 // A user's handler must not stop the stream nor the other handlers; it is logged.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    LogHandlerFailed(logger, exception, owner, typeof(TArgs).Name);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Owner}: an event handler ({Event}) threw; the exception is logged here and the stream goes on")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string owner, string @event);
}
