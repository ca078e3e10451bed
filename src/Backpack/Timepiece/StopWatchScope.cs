using System.Diagnostics.CodeAnalysis;

namespace Backpack.Timepiece;

/// <summary>
/// One measurement of a <see cref="StopWatch"/> or <see cref="StopWatchTachometer"/>, from
/// <see cref="StopWatch.Start"/> until <see cref="Dispose"/>: meant for a <c>using</c> statement.
/// A struct, so measuring a block allocates nothing.
/// </summary>
/// <remarks>
/// Dispose it exactly once (a <c>using</c> statement does); every <see cref="Dispose"/> records an
/// interval. The <see langword="default"/> scope measures nothing. Scopes of one stopwatch may nest and
/// overlap: each one remembers its own start.
/// </remarks>
/// <example>
/// <code>
/// using (watch.Start())
/// {
///     RunInference(frame);
/// }
/// </code>
/// </example>
[SuppressMessage("Performance", "CA1815:Override equals and operator equals on value types",
    Justification = "A scope is a using-statement handle, never compared.")]
public readonly struct StopWatchScope : IDisposable
{
    private readonly IIntervalRecorder? _recorder;
    private readonly long _startTimestamp;

    private StopWatchScope(IIntervalRecorder recorder, long startTimestamp)
    {
        _recorder = recorder;
        _startTimestamp = startTimestamp;
    }

    /// <summary>Ends the measurement and records the time since the scope started.</summary>
    public void Dispose() => _recorder?.Stop(_startTimestamp);

    /// <summary>Starts measuring now, for <paramref name="recorder"/>.</summary>
    internal static StopWatchScope Start(IIntervalRecorder recorder) => new(recorder, recorder.Time.GetTimestamp());

    /// <summary>An action that runs <paramref name="action"/> inside a scope of <paramref name="recorder"/>.</summary>
    internal static Action Wrap(IIntervalRecorder recorder, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return () =>
        {
            using (Start(recorder))
            {
                action();
            }
        };
    }

    /// <summary>A function that runs <paramref name="function"/> inside a scope of <paramref name="recorder"/>.</summary>
    internal static Func<TResult> Wrap<TResult>(IIntervalRecorder recorder, Func<TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return () =>
        {
            using (Start(recorder))
            {
                return function();
            }
        };
    }
}
