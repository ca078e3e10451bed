using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.SkyLines;

/// <summary>
/// Raises events to user code away from the thread that caused them: the application's frame loop
/// (inside Put), a GStreamer thread or a timer never runs a handler. Events are delivered one at a time,
/// in the order of their sequence numbers (<see cref="Reserve"/>, taken when the change happens, under
/// the owner's lock), whatever order they are posted in (after the owner's locks are released); each
/// handler of an event runs on its own, so one that throws is logged and the others (and the stream) go on.
/// </summary>
/// <remarks>
/// Thread safe. Every reserved number must be posted, or later events wait for it. Posting takes a
/// short lock and queues a work item when none is draining.
/// </remarks>
internal sealed partial class EventDispatcher<TArgs>(object sender, ILogger logger, string owner)
    where TArgs : EventArgs
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, (EventHandler<TArgs>? Handlers, TArgs Args)> _pending = [];
    private long _reserved;
    private long _next = 1;
    private bool _draining;

    /// <summary>The sequence number of the next event (1, 2, ...): take it when the change happens.</summary>
    internal long Reserve() => Interlocked.Increment(ref _reserved);

    /// <summary>
    /// Posts the event of a reserved number for the handlers subscribed now (none: it only makes way for
    /// the next). It is delivered once every earlier number was.
    /// </summary>
    internal void Post(long sequence, EventHandler<TArgs>? handlers, TArgs args)
    {
        lock (_gate)
        {
            _pending[sequence] = (handlers, args);
            if (_draining || !_pending.ContainsKey(_next))
            {
                return;
            }
            _draining = true;
        }
        BackgroundWork.Queue("event delivery", logger, this, static dispatcher => dispatcher.Drain());
    }

    private void Drain()
    {
        while (true)
        {
            (EventHandler<TArgs>? Handlers, TArgs Args) next;
            lock (_gate)
            {
                if (!_pending.Remove(_next, out next))
                {
                    _draining = false;
                    return;
                }
                _next++;
            }
            if (next.Handlers is null)
            {
                continue;
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
