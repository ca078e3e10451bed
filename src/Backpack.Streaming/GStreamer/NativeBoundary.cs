using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// The one way native code enters managed code. Every <c>[UnmanagedCallersOnly]</c> method of this
/// assembly is a single call to <see cref="Enter{TTarget, TArgs, TResult}"/> (or a sibling) with a static
/// body: the body runs inside a guard that catches every exception, logs the first one of each callback
/// with its name and what its target is, counts all of them (<see cref="Faults"/> and the meter
/// <see cref="MeterName"/>) and hands native code a harmless answer. An exception that reached GStreamer
/// would end the process; a test checks the IL of every such method, so the rule holds by construction.
/// </summary>
/// <remarks>
/// <para>
/// Callbacks that carry managed state receive a <see cref="GCHandle"/> as their user data; the guard
/// resolves it (a freed or foreign handle is a fault like any other) and skips the body when the state
/// is gone or not of the expected type. Registrations free that handle with <see cref="FreeGCHandle"/>
/// or <see cref="FreeGCHandleClosure"/> as their destroy notify, so the state lives exactly as long as
/// GStreamer may call back.
/// </para>
/// <para>Thread safe; the path without a fault allocates nothing.</para>
/// </remarks>
internal static unsafe partial class NativeBoundary
{
    /// <summary>The meter that counts callbacks that failed.</summary>
    internal const string MeterName = "Backpack.Streaming.Native";

    private static readonly Meter FaultMeter = new(MeterName);
    private static readonly Counter<long> FaultCounter = FaultMeter.CreateCounter<long>(
        "backpack.native.callback.faults", "{exception}", "Exceptions thrown in callbacks from native code, caught before they reached it.");
    private static readonly ConcurrentDictionary<string, long> FaultsByCallback = new(StringComparer.Ordinal);
    private static long _faults;
    private static ILogger? _fallbackLogger;

    /// <summary>Exceptions caught at the boundary since the process started.</summary>
    internal static long Faults => Interlocked.Read(ref _faults);

    /// <summary>Where faults of callbacks whose target has no logger of its own go; null writes one line to standard error.</summary>
    internal static ILogger? FallbackLogger
    {
        get => Volatile.Read(ref _fallbackLogger);
        set => Volatile.Write(ref _fallbackLogger, value);
    }

    /// <summary>Exceptions caught for one callback since the process started.</summary>
    /// <param name="callback">The callback's name, as passed to the guard.</param>
    internal static long FaultsOf(string callback) => FaultsByCallback.TryGetValue(callback, out var count) ? count : 0;

    /// <summary>Runs <paramref name="body"/> with the target behind <paramref name="state"/>; any exception is caught and <paramref name="fallback"/> returned.</summary>
    /// <param name="callback">What native code called, for the log (a constant: the path without a fault allocates nothing).</param>
    /// <param name="state">The callback's user data: a <see cref="GCHandle"/> to a <typeparamref name="TTarget"/>.</param>
    /// <param name="args">The callback's other arguments.</param>
    /// <param name="body">A static method doing the work.</param>
    /// <param name="fallback">The answer when the target is gone or the body failed.</param>
    internal static TResult Enter<TTarget, TArgs, TResult>(string callback, nint state, TArgs args, delegate*<TTarget, TArgs, TResult> body, TResult fallback)
        where TTarget : class
    {
        TTarget? target = null;
        try
        {
            target = Resolve<TTarget>(state);
            return target is null ? fallback : body(target, args);
        }
#pragma warning disable CA1031 // This is the boundary: nothing may cross into native code.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Report(callback, target, exception);
            return fallback;
        }
    }

    /// <summary>As <see cref="Enter{TTarget, TArgs, TResult}"/>, for callbacks that return nothing.</summary>
    internal static void Enter<TTarget, TArgs>(string callback, nint state, TArgs args, delegate*<TTarget, TArgs, void> body)
        where TTarget : class
    {
        TTarget? target = null;
        try
        {
            target = Resolve<TTarget>(state);
            if (target is not null)
            {
                body(target, args);
            }
        }
#pragma warning disable CA1031 // This is the boundary: nothing may cross into native code.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Report(callback, target, exception);
        }
    }

    /// <summary>Runs <paramref name="body"/>, for callbacks without managed state; any exception is caught and <paramref name="fallback"/> returned.</summary>
    internal static TResult Run<TArgs, TResult>(string callback, TArgs args, delegate*<TArgs, TResult> body, TResult fallback)
    {
        try
        {
            return body(args);
        }
#pragma warning disable CA1031 // This is the boundary: nothing may cross into native code.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Report(callback, null, exception);
            return fallback;
        }
    }

    /// <summary>As <see cref="Run{TArgs, TResult}"/>, for callbacks that return nothing.</summary>
    internal static void Run<TArgs>(string callback, TArgs args, delegate*<TArgs, void> body)
    {
        try
        {
            body(args);
        }
#pragma warning disable CA1031 // This is the boundary: nothing may cross into native code.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Report(callback, null, exception);
        }
    }

    /// <summary>The managed state behind a callback's user data, or null when there is none of that type.</summary>
    internal static T? Target<T>(nint state)
        where T : class => Resolve<T>(state);

    /// <summary>GDestroyNotify that frees the GCHandle passed as user data.</summary>
    [UnmanagedCallersOnly]
    internal static void FreeGCHandle(nint state) => Run("GDestroyNotify (free GCHandle)", state, &Free);

    /// <summary>GClosureNotify (data, closure) that frees the GCHandle passed as data.</summary>
    [UnmanagedCallersOnly]
    internal static void FreeGCHandleClosure(nint state, nint closure) => Run("GClosureNotify (free GCHandle)", state, &Free);

    /// <summary>Records a fault caught outside a guard (a managed thread of the library that must not die), as the guard does.</summary>
    internal static void Report(string callback, object? target, Exception exception)
    {
        try
        {
            Interlocked.Increment(ref _faults);
            var count = FaultsByCallback.AddOrUpdate(callback, 1, static (_, previous) => previous + 1);
            FaultCounter.Add(1, new KeyValuePair<string, object?>("callback", callback));
            if (count > 1)
            {
                return;
            }
            var known = target as INativeCallbackTarget;
            var logger = known?.CallbackLogger ?? FallbackLogger;
            var targetName = known?.CallbackContext ?? target?.GetType().Name ?? "none";
            if (logger is null)
            {
                Console.Error.WriteLine($"Backpack: the native callback '{callback}' (target {targetName}) failed and was contained: {exception}");
            }
            else
            {
                LogFault(logger, exception, callback, targetName);
            }
        }
#pragma warning disable CA1031 // A logger that fails here must not turn a contained fault into a crash.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private static T? Resolve<T>(nint state)
        where T : class => state == 0 ? null : GCHandle.FromIntPtr(state).Target as T;

    private static void Free(nint state)
    {
        if (state != 0)
        {
            GCHandle.FromIntPtr(state).Free();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The native callback '{Callback}' (target {Target}) failed; the exception was contained and native code got a harmless answer. Further failures of this callback are counted (backpack.native.callback.faults), not logged")]
    private static partial void LogFault(ILogger logger, Exception exception, string callback, string target);
}
