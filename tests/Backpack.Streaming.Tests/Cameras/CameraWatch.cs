using Backpack.Streaming.Cameras;

namespace Backpack.Streaming.Tests.Cameras;

/// <summary>Keeps the state changes a camera source raises, in order, and waits (boundedly) for one of them.</summary>
internal sealed class CameraWatch : IDisposable
{
    private readonly CameraSource _camera;
    private readonly List<CameraStateChangedEventArgs> _changes = [];
    private readonly CapturingLogger? _logger;

    /// <summary>Watches <paramref name="camera"/>; a timeout's message shows what <paramref name="logger"/> kept, when given.</summary>
    internal CameraWatch(CameraSource camera, CapturingLogger? logger = null)
    {
        _camera = camera;
        _logger = logger;
        camera.StateChanged += OnChanged;
    }

    /// <summary>The changes so far.</summary>
    internal IReadOnlyList<CameraStateChangedEventArgs> Changes
    {
        get
        {
            lock (_changes)
            {
                return [.. _changes];
            }
        }
    }

    /// <summary>The <paramref name="occurrence"/>-th change to <paramref name="state"/>, waiting up to <paramref name="seconds"/> for it.</summary>
    internal CameraStateChangedEventArgs WaitFor(CameraState state, int occurrence = 1, double seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        lock (_changes)
        {
            while (true)
            {
                var seen = _changes.Where(change => change.Current == state).ToList();
                if (seen.Count >= occurrence)
                {
                    return seen[occurrence - 1];
                }
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    throw new TimeoutException(
                        $"{_camera} did not reach {state} (occurrence {occurrence}) within {seconds} s; changes: {string.Join(", ", _changes.Select(change => $"{change.Current} ({change.Reason})"))}" +
                        (_logger is null ? string.Empty : $"; log:\n{string.Join('\n', _logger.Entries.Select(entry => $"{entry.Level}: {entry.Message}"))}"));
                }
                Monitor.Wait(_changes, left);
            }
        }
    }

    public void Dispose() => _camera.StateChanged -= OnChanged;

    private void OnChanged(object? sender, CameraStateChangedEventArgs change)
    {
        lock (_changes)
        {
            _changes.Add(change);
            Monitor.PulseAll(_changes);
        }
    }
}
