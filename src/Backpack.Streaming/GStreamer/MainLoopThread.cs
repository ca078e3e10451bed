using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer.Native;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// A GLib main loop over a main context of its own, run by a thread this object owns: the place where
/// GLib sources (the RTSP server's listening socket, its clients, timers) are dispatched. Disposing quits
/// the loop, joins the thread and frees the context.
/// </summary>
/// <remarks>Thread safe: <see cref="Invoke"/> and <see cref="AddTimer"/> may be called from any thread.</remarks>
internal sealed unsafe partial class MainLoopThread : IDisposable
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(10);

    private readonly nint _context;
    private readonly nint _loop;
    private readonly Thread _thread;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    /// <summary>Creates the context and the loop and starts the thread that runs it.</summary>
    /// <param name="name">The thread's name, for debuggers and logs.</param>
    /// <param name="logger">Where failures of callbacks go.</param>
    internal MainLoopThread(string name, ILogger logger)
    {
        GStreamerRuntime.EnsureInitialized();
        _logger = logger;
        _context = GLib.MainContextNew();
        _loop = GLib.MainLoopNew(_context, isRunning: false);
        _thread = BackgroundWork.CreateThread("GLib main loop thread", name, logger, Run);
        _thread.Start();
    }

    /// <summary>The GMainContext (borrowed: valid until disposal).</summary>
    internal nint Context => _context;

    /// <summary>Whether the calling thread is the loop's.</summary>
    internal bool IsLoopThread => Thread.CurrentThread == _thread;

    /// <summary>The loop's thread.</summary>
    internal Thread Thread => _thread;

    /// <summary>
    /// Runs <paramref name="action"/> on the loop's thread (directly when called from it) and waits for it
    /// to finish; an exception it throws is rethrown here.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The loop was disposed.</exception>
    /// <exception cref="TimeoutException">The loop did not run the action within <paramref name="timeout"/>.</exception>
    internal void Invoke(Action action, TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (IsLoopThread)
        {
            action();
            return;
        }
        using var work = new WorkItem(action);
        var handle = GCHandle.Alloc(work);
        GLib.MainContextInvokeFull(_context, GLib.PriorityDefault, &RunWorkItem, GCHandle.ToIntPtr(handle), &NativeBoundary.FreeGCHandle);
        if (!work.Done.Wait(timeout))
        {
            throw new TimeoutException($"The main loop of {_thread.Name} did not run a call within {timeout.TotalSeconds:0.#} s.");
        }
        if (work.Failure is { } failure)
        {
            failure.Throw();
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> on the loop's thread soon, without waiting for it; an exception it
    /// throws is logged. Nothing runs once the loop is disposed.
    /// </summary>
    internal void Post(Action action)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }
        var handle = GCHandle.Alloc(new LoggedAction(action, _logger, repeat: false));
        GLib.MainContextInvokeFull(_context, GLib.PriorityDefault, &RunLoggedAction, GCHandle.ToIntPtr(handle), &NativeBoundary.FreeGCHandle);
    }

    /// <summary>
    /// Calls <paramref name="tick"/> on the loop's thread every <paramref name="interval"/> until the returned
    /// object is disposed. An exception from the tick is logged and the timer goes on.
    /// </summary>
    internal IDisposable AddTimer(TimeSpan interval, Action tick)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var source = GLib.TimeoutSourceNew((uint)Math.Clamp(interval.TotalMilliseconds, 1, uint.MaxValue));
        var handle = GCHandle.Alloc(new LoggedAction(tick, _logger, repeat: true));
        GLib.SourceSetCallback(source, &RunLoggedAction, GCHandle.ToIntPtr(handle), &NativeBoundary.FreeGCHandle);
        _ = GLib.SourceAttach(source, _context);
        return new AttachedSource(source);
    }

    /// <summary>As <see cref="Dispose"/>, waiting for the thread without blocking the caller (bounded). Idempotent.</summary>
    internal ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }
        GLib.MainContextInvokeFull(_context, GLib.PriorityDefault, &QuitLoop, _loop, null);
        if (IsLoopThread)
        {
            Free();
            return ValueTask.CompletedTask;
        }
        return new ValueTask(_ended.Task.WaitAsync(JoinTimeout).ContinueWith(
            ended =>
            {
                if (ended.IsCompletedSuccessfully)
                {
                    Free();
                }
                else
                {
                    LogSlowLoop(_logger, _thread.Name);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default));
    }

    private void Free()
    {
        GLib.MainLoopUnref(_loop);
        GLib.MainContextUnref(_context);
    }

    /// <summary>Quits the loop, joins the thread (bounded) and frees the loop and the context. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        // Quitting through the context works even when the loop has not started running yet.
        GLib.MainContextInvokeFull(_context, GLib.PriorityDefault, &QuitLoop, _loop, null);
        if (!IsLoopThread && !_thread.Join(JoinTimeout))
        {
            LogSlowLoop(_logger, _thread.Name);
            return;
        }
        GLib.MainLoopUnref(_loop);
        GLib.MainContextUnref(_context);
    }

    private void Run()
    {
        GLib.MainContextPushThreadDefault(_context);
        try
        {
            GLib.MainLoopRun(_loop);
        }
        finally
        {
            GLib.MainContextPopThreadDefault(_context);
            _ended.TrySetResult();
        }
    }

    [UnmanagedCallersOnly]
    private static int QuitLoop(nint loop) => NativeBoundary.Run("main loop quit", loop, &Quit, GLib.SourceRemove);

    [UnmanagedCallersOnly]
    private static int RunWorkItem(nint state) =>
        NativeBoundary.Enter<WorkItem, nint, int>("main loop call", state, 0, &RunOnce, GLib.SourceRemove);

    [UnmanagedCallersOnly]
    private static int RunLoggedAction(nint state) =>
        NativeBoundary.Enter<LoggedAction, nint, int>("main loop timer or post", state, 0, &RunLogged, GLib.SourceRemove);

    private static int Quit(nint loop)
    {
        GLib.MainLoopQuit(loop);
        return GLib.SourceRemove;
    }

    private static int RunOnce(WorkItem work, nint unused)
    {
        work.Run();
        return GLib.SourceRemove;
    }

    private static int RunLogged(LoggedAction action, nint unused) => action.Run() ? GLib.SourceContinue : GLib.SourceRemove;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The main loop thread {Thread} did not end within 10 s; its context is left allocated")]
    private static partial void LogSlowLoop(ILogger logger, string? thread);

    [LoggerMessage(Level = LogLevel.Error, Message = "A call on a main loop failed")]
    private static partial void LogTimerFailed(ILogger logger, Exception exception);

    private sealed class WorkItem(Action action) : IDisposable
    {
        internal ManualResetEventSlim Done { get; } = new();

        internal ExceptionDispatchInfo? Failure { get; private set; }

        internal void Run()
        {
            try
            {
                action();
            }
#pragma warning disable CA1031 // Carried to the invoking thread, which rethrows it.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Failure = ExceptionDispatchInfo.Capture(exception);
            }
            finally
            {
                Done.Set();
            }
        }

        public void Dispose()
        {
            // The loop may still hold the item after a timeout; it only sets the event, which stays valid.
            if (Done.IsSet)
            {
                Done.Dispose();
            }
        }
    }

    /// <summary>An action run on the loop (once, or at each tick of a timer) whose exceptions are logged rather than thrown into GLib.</summary>
    private sealed class LoggedAction(Action action, ILogger logger, bool repeat)
    {
        /// <summary>Runs the action; returns whether it should run again.</summary>
        internal bool Run()
        {
            try
            {
                action();
            }
#pragma warning disable CA1031 // An exception must not cross into GLib; the timer goes on.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogTimerFailed(logger, exception);
            }
            return repeat;
        }
    }

    /// <summary>A source attached to the context: disposing destroys it (it is never dispatched again) and drops the reference.</summary>
    private sealed class AttachedSource(nint source) : IDisposable
    {
        private nint _source = source;

        public void Dispose()
        {
            var source = Interlocked.Exchange(ref _source, 0);
            if (source != 0)
            {
                GLib.SourceDestroy(source);
                GLib.SourceUnref(source);
            }
        }
    }
}
