using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Backpack.Threading;

/// <summary>
/// The one way the library starts work of its own: thread-pool work items, timer callbacks, dedicated
/// threads and background loops. An exception escaping any of them would end the application's process,
/// as one reaching native code does, so each runs inside a guard that catches everything, logs the first
/// fault of each entry point with its context, counts all of them (<see cref="Faults"/> and the meter
/// <see cref="MeterName"/>) and survives a logger that throws too. A test scans <c>src/</c> so that no
/// timer, work item or thread is started anywhere else.
/// </summary>
/// <remarks>
/// Lives in the core, shared by Backpack.Streaming and Backpack.Aws through InternalsVisibleTo: one guard,
/// one count and one meter for the whole library (the packages ship at one version). Thread safe; the
/// path without a fault allocates nothing beyond what the underlying API allocates.
/// </remarks>
internal static partial class BackgroundWork
{
    /// <summary>The meter that counts faults caught by the guard.</summary>
    internal const string MeterName = "Backpack.Background";

    private static readonly Meter FaultMeter = new(MeterName);
    private static readonly Counter<long> FaultCounter = FaultMeter.CreateCounter<long>(
        "backpack.background.faults", "{exception}", "Exceptions thrown by the library's own threads, timers and work items, caught before they ended the process.");
    private static readonly ConcurrentDictionary<string, long> FaultsByEntry = new(StringComparer.Ordinal);
    private static long _faults;

    /// <summary>Faults caught by the guard since the process started.</summary>
    internal static long Faults => Interlocked.Read(ref _faults);

    /// <summary>Faults caught for one entry point since the process started.</summary>
    /// <param name="entry">The entry point's name, as passed to the guard.</param>
    internal static long FaultsOf(string entry) => FaultsByEntry.TryGetValue(entry, out var count) ? count : 0;

    /// <summary>Runs <paramref name="body"/>; any exception is caught, counted and (the first of <paramref name="entry"/>) logged.</summary>
    /// <param name="entry">The entry point, for the log and the count: a constant, so the path without a fault allocates nothing.</param>
    /// <param name="logger">Where the first fault goes; null writes one line to standard error.</param>
    /// <param name="body">The work.</param>
    internal static void Run(string entry, ILogger? logger, Action body)
    {
        try
        {
            body();
        }
#pragma warning disable CA1031 // This is the guard: nothing may escape a library thread.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Report(entry, logger, exception);
        }
    }

    /// <summary>As <see cref="Run(string, ILogger?, Action)"/>, with state for a static <paramref name="body"/> (no closure).</summary>
    internal static void Run<TState>(string entry, ILogger? logger, TState state, Action<TState> body)
    {
        try
        {
            body(state);
        }
#pragma warning disable CA1031 // This is the guard: nothing may escape a library thread.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Report(entry, logger, exception);
        }
    }

    /// <summary>
    /// Runs an asynchronous loop on the thread pool; the task it returns never faults, so an owner that awaits
    /// it (a stop, a dispose) never throws because of it. A cancellation is not a fault.
    /// </summary>
    internal static Task RunAsync(string entry, ILogger? logger, Func<Task> body) =>
        Task.Run(async () =>
        {
            try
            {
                await body().ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
#pragma warning disable CA1031 // This is the guard: nothing may escape a library loop.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Report(entry, logger, exception);
            }
        });

    /// <summary>Queues <paramref name="body"/> on the thread pool (not capturing the execution context), inside the guard.</summary>
    internal static void Queue<TState>(string entry, ILogger? logger, TState state, Action<TState> body) =>
        ThreadPool.UnsafeQueueUserWorkItem(static work => work.Invoke(), new Guarded<TState>(entry, logger, state, body), preferLocal: false);

    /// <summary>Queues a reusable work item (allocation-free); its <see cref="GuardedWorkItem"/> base runs it inside the guard.</summary>
    internal static void Queue(GuardedWorkItem item) => ThreadPool.UnsafeQueueUserWorkItem(item, preferLocal: false);

    /// <summary>A timer of <paramref name="clock"/> whose callback runs inside the guard.</summary>
    internal static ITimer CreateTimer<TState>(TimeProvider clock, string entry, ILogger? logger, TState state, Action<TState> callback, TimeSpan dueTime, TimeSpan period)
        where TState : class =>
        clock.CreateTimer(static work => ((GuardedTimer<TState>)work!).Invoke(), new GuardedTimer<TState>(new Guarded<TState>(entry, logger, state, callback)), dueTime, period);

    /// <summary>A background thread named <paramref name="threadName"/> (not started) whose body runs inside the guard.</summary>
    /// <param name="entry">The entry point, for the count and the log (a constant: the thread's name goes in the log line).</param>
    /// <param name="threadName">The thread's name, for debuggers and logs.</param>
    /// <param name="logger">Where the first fault goes.</param>
    /// <param name="body">What the thread runs.</param>
    internal static Thread CreateThread(string entry, string threadName, ILogger? logger, Action body) =>
        new(() => Run(entry, logger, body)) { IsBackground = true, Name = threadName };

    /// <summary>Records a fault as the guard does, for a catch block of the library's own that must not fail either.</summary>
    internal static void Report(string entry, ILogger? logger, Exception exception)
    {
        long count;
        try
        {
            Interlocked.Increment(ref _faults);
            count = FaultsByEntry.AddOrUpdate(entry, 1, static (_, previous) => previous + 1);
            FaultCounter.Add(1, new KeyValuePair<string, object?>("entry", entry));
        }
#pragma warning disable CA1031 // Counting must not turn a contained fault into a crash (a meter listener may throw).
        catch (Exception)
#pragma warning restore CA1031
        {
            count = 1;
        }
        if (count > 1)
        {
            return;
        }
        var thread = Thread.CurrentThread.Name ?? "unnamed";
        try
        {
            if (logger is not null)
            {
                LogFault(logger, exception, entry, thread);
                return;
            }
        }
#pragma warning disable CA1031 // A logger that fails here must not turn a contained fault into a crash: standard error gets it instead.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        try
        {
            Console.Error.WriteLine($"Backpack: '{entry}' (thread {thread}) failed and was contained: {exception}");
        }
#pragma warning disable CA1031 // Even standard error may be gone (closed by the host).
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The library's background work '{Entry}' (thread {Thread}) failed; the exception was contained and the process goes on. Further failures of it are counted (backpack.background.faults), not logged")]
    private static partial void LogFault(ILogger logger, Exception exception, string entry, string thread);

    /// <summary>A body with its state and where its fault goes.</summary>
    private readonly struct Guarded<TState>(string entry, ILogger? logger, TState state, Action<TState> body)
    {
        internal void Invoke() => Run(entry, logger, state, body);
    }

    /// <summary>The state of a guarded timer: the timer's callback takes an object.</summary>
    private sealed class GuardedTimer<TState>(Guarded<TState> work)
    {
        internal void Invoke() => work.Invoke();
    }
}
