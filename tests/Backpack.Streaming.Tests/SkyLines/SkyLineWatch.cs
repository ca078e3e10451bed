using System.Collections.Concurrent;
using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

/// <summary>Records a SkyLine's state changes and waits, boundedly, for a state.</summary>
internal sealed class SkyLineWatch : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly SkyLine _skyLine;
    private readonly BlockingCollection<SkyLineStateChangedEventArgs> _changes = [];
    private readonly ConcurrentQueue<SkyLineStateChangedEventArgs> _all = new();

    internal SkyLineWatch(SkyLine skyLine)
    {
        _skyLine = skyLine;
        skyLine.StateChanged += OnStateChanged;
    }

    /// <summary>Every change seen, in order.</summary>
    internal IReadOnlyList<SkyLineStateChangedEventArgs> Changes => [.. _all];

    /// <summary>Waits until the SkyLine reaches <paramref name="state"/>; returns the change that got it there (null when it already was).</summary>
    internal SkyLineStateChangedEventArgs? WaitFor(SkyLineState state)
    {
        if (_skyLine.State == state)
        {
            return null;
        }
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_changes.TryTake(out var change, TimeSpan.FromMilliseconds(100)) && change.Current == state)
            {
                return change;
            }
            if (_skyLine.State == state)
            {
                return null;
            }
        }
        throw new TimeoutException($"The SkyLine did not reach {state} within {Timeout.TotalSeconds} s; it is {_skyLine.State}.");
    }

    /// <summary>
    /// Waits for the event of the <paramref name="occurrence"/>-th change to <paramref name="state"/>
    /// (raised once the transition is complete, after the state is set).
    /// </summary>
    internal SkyLineStateChangedEventArgs WaitForChange(SkyLineState state, int occurrence = 1)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            var seen = _all.Where(change => change.Current == state).ToList();
            if (seen.Count >= occurrence)
            {
                return seen[occurrence - 1];
            }
            _changes.TryTake(out _, TimeSpan.FromMilliseconds(50));
        }
        throw new TimeoutException($"No change to {state} within {Timeout.TotalSeconds} s; the SkyLine is {_skyLine.State}.");
    }

    public void Dispose()
    {
        _skyLine.StateChanged -= OnStateChanged;
        _changes.Dispose();
    }

    private void OnStateChanged(object? sender, SkyLineStateChangedEventArgs change)
    {
        _all.Enqueue(change);
        _changes.Add(change);
    }
}
