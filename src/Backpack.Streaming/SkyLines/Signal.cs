namespace Backpack.Streaming.SkyLines;

/// <summary>
/// A flag one thread sets and another waits for, synchronously or asynchronously. It holds no
/// operating-system handle and is never disposed, so a late <see cref="Set"/> (from Put, a timer or
/// the bus thread, after the session that owned it ended) is always harmless.
/// </summary>
/// <remarks>Thread safe. <see cref="Set"/> allocates nothing and takes no lock when the flag is already set.</remarks>
internal sealed class Signal(bool autoReset)
{
    // A monitor rather than a Lock: waiting needs Monitor.Wait.
    private readonly object _gate = new();
    private volatile bool _set;
    private int _waiters;
    private TaskCompletionSource? _completion;

    /// <summary>Whether the flag is set now.</summary>
    internal bool IsSet => _set;

    /// <summary>Sets the flag and wakes whoever waits.</summary>
    internal void Set()
    {
        if (_set)
        {
            return;
        }
        TaskCompletionSource? completion;
        lock (_gate)
        {
            _set = true;
            if (_waiters > 0)
            {
                Monitor.Pulse(_gate);
            }
            completion = autoReset ? null : _completion;
        }
        completion?.TrySetResult();
    }

    /// <summary>Waits until the flag is set (and, for an auto-reset signal, clears it); false on timeout.</summary>
    internal bool Wait(TimeSpan timeout)
    {
        lock (_gate)
        {
            if (!_set)
            {
                _waiters++;
                try
                {
                    var deadline = Environment.TickCount64 + (long)Math.Max(0, timeout.TotalMilliseconds);
                    while (!_set)
                    {
                        var left = deadline - Environment.TickCount64;
                        if (timeout == Timeout.InfiniteTimeSpan)
                        {
                            Monitor.Wait(_gate);
                        }
                        else if (left <= 0 || !Monitor.Wait(_gate, TimeSpan.FromMilliseconds(left)))
                        {
                            if (!_set)
                            {
                                return false;
                            }
                        }
                    }
                }
                finally
                {
                    _waiters--;
                }
            }
            if (autoReset)
            {
                _set = false;
            }
            return true;
        }
    }

    /// <summary>Completes when a manual-reset signal is set; false when <paramref name="timeout"/> passes first.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    internal async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (autoReset)
        {
            throw new InvalidOperationException("Only a manual-reset signal can be awaited.");
        }
        Task task;
        lock (_gate)
        {
            if (_set)
            {
                return true;
            }
            _completion ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            task = _completion.Task;
        }
        try
        {
            await task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return _set;
        }
    }
}
