using Backpack.Streaming.GStreamer.Native;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// Delivers the messages of a pipeline's bus to a handler on a thread of the library (never on a
/// GStreamer streaming thread, never on the application's). Disposing stops the thread.
/// </summary>
internal sealed partial class BusWatcher : IDisposable
{
    private const string StopStructure = "backpack-bus-watcher-stop";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(5);

    private readonly GstObjectHandle _bus;
    private readonly Action<BusMessage> _handler;
    private readonly Gst.MessageType _types;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private int _disposed;

    /// <summary>Starts watching. The handler runs on the watcher's thread, one message at a time.</summary>
    /// <param name="pipeline">The pipeline whose bus is watched.</param>
    /// <param name="types">The message types the handler wants.</param>
    /// <param name="handler">Runs for each message; an exception it throws is logged and the watch goes on.</param>
    /// <param name="threadName">The name of the thread, for debuggers and logs.</param>
    /// <param name="logger">Where handler failures go.</param>
    internal BusWatcher(Pipeline pipeline, Gst.MessageType types, Action<BusMessage> handler, string threadName, ILogger logger)
    {
        _bus = pipeline.GetBus();
        _types = types | Gst.MessageType.Application;
        _handler = handler;
        _logger = logger;
        _thread = BackgroundWork.CreateThread("bus watcher thread", threadName, logger, Run);
        _thread.Start();
    }

    /// <summary>The managed thread id of the watcher's thread.</summary>
    internal int ThreadId => _thread.ManagedThreadId;

    /// <summary>Whether the watcher's thread is still running.</summary>
    internal bool IsRunning => _thread.IsAlive;

    /// <summary>Stops the thread (waiting a few seconds at most for a handler to return) and releases the bus.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stopping = true;
        if (Thread.CurrentThread != _thread)
        {
            // Wake the thread at once; if the bus is flushing the message is dropped and the poll interval ends the wait.
            using (_bus.Lease(out var bus))
            {
                Gst.BusPost(bus, Gst.MessageNewApplication(0, Gst.StructureNewEmpty(StopStructure)));
            }
            if (!_thread.Join(JoinTimeout))
            {
                LogSlowHandler(_logger, _thread.Name);
            }
        }
        _bus.Dispose();
    }

    private void Run()
    {
        using (_bus.Lease(out var bus))
        {
            while (!_stopping)
            {
                var message = Gst.BusTimedPopFiltered(bus, Element.ToClockTime(PollInterval), _types);
                if (message == 0)
                {
                    continue;
                }
                try
                {
                    var view = new BusMessage(message);
                    if (view.Type == Gst.MessageType.Application && view.StructureName == StopStructure)
                    {
                        break;
                    }
                    _handler(view);
                }
#pragma warning disable CA1031 // The watch must outlive a failing handler; the failure is logged.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    LogHandlerFailed(_logger, exception, _thread.Name);
                }
                finally
                {
                    Gst.MiniObjectUnref(message);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A handler of bus messages on {Thread} failed; the watch goes on")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string? thread);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The bus watcher {Thread} did not stop within 5 s; a handler is still running")]
    private static partial void LogSlowHandler(ILogger logger, string? thread);
}
