using Backpack.Streaming.GStreamer;
using Backpack.Threading;

namespace Backpack.Streaming.Cameras;

/// <summary>The life of pipelines: connecting, frames in, failures, back-off and the stall watchdog.</summary>
public sealed partial class CameraSource
{
    /// <summary>Builds and plays a new pipeline, unless one runs or the source was disposed. On a thread-pool or timer thread.</summary>
    private void Connect(bool followsGap)
    {
        lock (_lifecycle)
        {
            if (_disposed || _connection is not null)
            {
                return;
            }
            var connection = new CameraConnection(this, _plan, ++_connections, _clock.GetTimestamp(), followsGap);
            Volatile.Write(ref _connection, connection);
            try
            {
                // Under the lock, so that a Dispose meanwhile waits rather than freeing a pipeline being built.
                connection.Start();
                return;
            }
#pragma warning disable CA1031 // Whatever made the pipeline fail to start is reported, and the source retries.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                if (connection.TryEnd())
                {
                    OnConnectionEnded(connection, PipelineDescription.Redact(exception.Message), endOfStream: false);
                }
            }
        }
    }

    /// <summary>On the streaming thread: the newest frame takes the slot; an unread one it replaces is dropped.</summary>
    internal void Deliver(CameraConnection connection, byte[] pixels, int width, int height, TimeSpan? presentationTime)
    {
        if (!ReferenceEquals(Volatile.Read(ref _connection), connection) || _disposed)
        {
            Pool.Return(pixels);
            return;
        }
        var now = _clock.GetTimestamp();
        Volatile.Write(ref _lastFrameAt, now);
        var sequence = Interlocked.Increment(ref _received);
        var first = connection.CountFrame() == 1;
        var frame = new CameraFrame(Pool, pixels, width, height, presentationTime, _wallAnchor + _clock.GetElapsedTime(_monoAnchor, now), sequence, first && connection.FollowsGap);
        if (Interlocked.Exchange(ref _latest, frame) is { } unread)
        {
            unread.Dispose();
            Interlocked.Increment(ref _dropped);
        }
        if (_disposed)
        {
            // A Dispose emptied the slot just before this frame took it.
            Interlocked.Exchange(ref _latest, null)?.Dispose();
        }
        if (first)
        {
            BackgroundWork.Queue("camera first frame", Logger, (Owner: this, Connection: connection), static state => state.Owner.OnFirstFrame(state.Connection));
        }
        WakeReaders();
    }

    /// <summary>
    /// A connection failed, ended or went silent (called once per connection, from its bus thread, the watchdog or a
    /// failed start): the rest happens on the thread pool, where tearing it down cannot deadlock its own threads.
    /// </summary>
    internal void OnConnectionEnded(CameraConnection connection, string reason, bool endOfStream) =>
        BackgroundWork.Queue(
            "camera connection ended", Logger, (Owner: this, Connection: connection, Reason: reason, EndOfStream: endOfStream),
            static state => state.Owner.EndConnection(state.Connection, state.Reason, state.EndOfStream));

    private void EndConnection(CameraConnection connection, string reason, bool endOfStream)
    {
        CameraStateChangedEventArgs? change = null;
        var loop = false;
        lock (_lifecycle)
        {
            if (_disposed || !ReferenceEquals(_connection, connection))
            {
                return;
            }
            Volatile.Write(ref _connection, null);
            // Counted under the lock, so that a Dispose that comes now waits for this teardown too.
            Interlocked.Increment(ref _teardowns);
            if (endOfStream && _plan.Kind == CameraPlan.SourceKind.File)
            {
                loop = _options.LoopFile;
                if (!loop)
                {
                    LogEnded(Logger, Name);
                    change = SetStateLocked(CameraState.Ended, null);
                }
            }
            else
            {
                _lastError = reason;
                change = SetStateLocked(CameraState.Reconnecting, reason);
                var delay = TimeSpan.FromTicks((long)Math.Min(_options.MaxReconnectDelay.Ticks, _options.ReconnectDelay.Ticks * Math.Pow(2, _attempt)));
                _attempt++;
                LogReconnectScheduled(Logger, Name, reason, delay.TotalSeconds, _attempt);
                _reconnectTimer?.Dispose();
                _reconnectTimer = BackgroundWork.CreateTimer(_clock, "camera reconnect timer", Logger, this, static camera => camera.Reconnect(), delay, Timeout.InfiniteTimeSpan);
            }
        }
        Raise(change);
        // Outside the lock: stopping a pipeline waits for its threads, and neither a Dispose of the source nor the
        // next connection must wait for that.
        var started = _clock.GetTimestamp();
        try
        {
            connection.Dispose();
        }
        finally
        {
            Interlocked.Decrement(ref _teardowns);
        }
        var milliseconds = _clock.GetElapsedTime(started).TotalMilliseconds;
        LogTornDown(Logger, Name, connection.Id, milliseconds);
        if (loop)
        {
            LogLooped(Logger, Name);
            Connect(followsGap: false);
        }
        WakeReaders();
    }

    private void Reconnect()
    {
        lock (_lifecycle)
        {
            if (_disposed || _connection is not null)
            {
                return;
            }
            _reconnectTimer?.Dispose();
            _reconnectTimer = null;
            Interlocked.Increment(ref _reconnects);
        }
        Connect(followsGap: true);
    }

    private void OnFirstFrame(CameraConnection connection)
    {
        CameraStateChangedEventArgs? change;
        lock (_lifecycle)
        {
            if (_disposed || !ReferenceEquals(_connection, connection))
            {
                return;
            }
            _attempt = 0;
            change = SetStateLocked(CameraState.Streaming, null);
        }
        if (change is not null)
        {
            LogStreaming(Logger, Name, connection.Id);
        }
        Raise(change);
    }

    /// <summary>On the watchdog's timer: a connection without a frame for the stall timeout is ended like a failed one.</summary>
    private void CheckStall()
    {
        var connection = Volatile.Read(ref _connection);
        if (connection is null)
        {
            return;
        }
        var since = Math.Max(Volatile.Read(ref _lastFrameAt), connection.StartedAt);
        if (_clock.GetElapsedTime(since) >= _options.StallTimeout && connection.TryEnd())
        {
            OnConnectionEnded(connection, $"no frame for {_options.StallTimeout.TotalSeconds:0.#} s", endOfStream: false);
        }
    }

    private CameraStateChangedEventArgs? SetStateLocked(CameraState state, string? reason)
    {
        var previous = (CameraState)Interlocked.Exchange(ref _state, (int)state);
        return previous == state ? null : new CameraStateChangedEventArgs(previous, state, reason) { Sequence = _events.Reserve() };
    }

    private void Raise(CameraStateChangedEventArgs? change)
    {
        if (change is null)
        {
            return;
        }
        _events.Post(change.Sequence, StateChanged, change);
        LogStateChanged(Logger, Name, change.Previous, change.Current);
    }

    private void WakeReaders()
    {
        TaskCompletionSource<bool>? waiter;
        lock (_readGate)
        {
            waiter = _waiter;
            _waiter = null;
        }
        waiter?.TrySetResult(true);
    }
}
