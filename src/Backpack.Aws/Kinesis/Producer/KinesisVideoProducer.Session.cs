using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Kinesis.Producer;

internal sealed partial class KinesisVideoProducer
{
    /// <summary>
    /// One PutMedia connection: how it ends (the first reason wins), and a watchdog that ends it when it stalls — a write
    /// that does not complete, or fragments sent in full that the service does not acknowledge within the ACK timeout.
    /// </summary>
#pragma warning disable CA1001 // Disposed by StopWatchdog once both halves of the session ended; no caller disposes it otherwise.
    private sealed class Session(KinesisVideoProducer owner, int id, PutMediaConnection connection, long startedAt, TimeSpan rotateAfter)
    {
        private readonly CancellationTokenSource _ended = new();
        private SessionEnd? _failure;
        private SessionEnd? _writingStopped;
        private bool _accepted;
        private ITimer? _watchdog;
        private long _writingSince;

#pragma warning restore CA1001
        internal int Id { get; } = id;

        internal PutMediaConnection Connection { get; } = connection;

        /// <summary>When it opened (monotonic timestamp).</summary>
        internal long StartedAt { get; } = startedAt;

        /// <summary>Its age at which the next fragment goes to a new session.</summary>
        internal TimeSpan RotateAfter { get; } = rotateAfter;

        /// <summary>Cancelled when the session ends.</summary>
        internal CancellationToken Token => _ended.Token;

        /// <summary>How it ended, once it did.</summary>
        internal SessionEnd? Failure => Volatile.Read(ref _failure);

        /// <summary>Set when the service answered an error: the writer stops, the reader takes the last acknowledgements.</summary>
        internal SessionEnd? WritingStopped => Volatile.Read(ref _writingStopped);

        /// <summary>Stops the writing half (it returns <paramref name="end"/>) while the reading half goes on for a moment.</summary>
        internal void StopWriting(SessionEnd end)
        {
            Interlocked.CompareExchange(ref _writingStopped, end, null);
            lock (owner._gate)
            {
                if (!owner._disposed)
                {
                    owner.WakeSenderLocked();
                }
            }
        }

        /// <summary>Whether the service answered 200 (set by the reading half).</summary>
        internal bool Accepted
        {
            get => Volatile.Read(ref _accepted);
            set => Volatile.Write(ref _accepted, value);
        }

        /// <summary>When the last acknowledgement (of any kind) came (monotonic timestamp), 0 before.</summary>
        internal long LastAckAt { get; set; }

        /// <summary>Ends the session (idempotent; the first reason stays): reading stops, and unless it ended well the connection is dropped.</summary>
        internal void Fail(SessionEnd end)
        {
            if (Interlocked.CompareExchange(ref _failure, end, null) is not null)
            {
                return;
            }
            if (end.Kind != SessionEndKind.Ended)
            {
                Connection.Abort();
            }
            try
            {
                _ended.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
            lock (owner._gate)
            {
                if (!owner._disposed)
                {
                    owner.WakeSenderLocked();
                }
            }
        }

        /// <summary>Sends the first <paramref name="count"/> bytes of the connection's chunk payload, watched and counted.</summary>
        /// <remarks>Blocks the sending thread; the session's end (the producer's stop, the watchdog) aborts a stalled write.</remarks>
        internal void Write(int count)
        {
            using (new Watch(this))
            {
                Connection.WriteChunk(count);
            }
            Sent(count);
        }

        /// <summary>Sends <paramref name="bytes"/> (a header, a tag), watched and counted like <see cref="Write(int)"/>.</summary>
        internal void Write(ReadOnlySpan<byte> bytes)
        {
            using (new Watch(this))
            {
                Connection.WriteChunks(bytes);
            }
            Sent(bytes.Length);
        }

        internal void StartWatchdog() =>
            _watchdog = BackgroundWork.CreateTimer(owner._clock, "Kinesis connection watchdog", owner._logger, this, static session => session.Check(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        /// <summary>Stops the watchdog and frees the session's cancellation source (after both halves ended).</summary>
        internal void StopWatchdog()
        {
            _watchdog?.Dispose();
            _ended.Dispose();
        }

        /// <summary>Ends the request body, watched like <see cref="Write(int)"/>.</summary>
        internal void EndBody()
        {
            using (new Watch(this))
            {
                Connection.EndBody();
            }
        }

        /// <summary>Marks a write in progress for the watchdog, for as long as the scope lasts.</summary>
        private readonly ref struct Watch
        {
            private readonly Session _session;

            internal Watch(Session session)
            {
                _session = session;
                Volatile.Write(ref session._writingSince, session.Now());
            }

            public void Dispose() => Volatile.Write(ref _session._writingSince, 0);
        }

        private long Now() => owner._clock.GetTimestamp();

        private void Sent(int count)
        {
            lock (owner._gate)
            {
                owner._counters.BytesSent += count;
            }
        }

        private void Check()
        {
            try
            {
                var timeout = owner._options.AckTimeout;
                var writing = Volatile.Read(ref _writingSince);
                if (writing != 0 && owner._clock.GetElapsedTime(writing) >= timeout)
                {
                    Fail(new SessionEnd($"a write did not complete in {timeout.TotalSeconds:0} s (the network or the service stalled)", SessionEndKind.Failed, ReloadEndpoint: true));
                    return;
                }
                var stalled = false;
                lock (owner._gate)
                {
                    foreach (var fragment in owner._fragments)
                    {
                        if (fragment.SentBy == Id && fragment.SentAt != 0 && !ReferenceEquals(fragment, owner._sending) &&
                            fragment.Progress is FragmentProgress.Pending or FragmentProgress.Buffering &&
                            owner._clock.GetElapsedTime(fragment.SentAt) >= timeout)
                        {
                            stalled = true;
                            break;
                        }
                    }
                }
                if (stalled)
                {
                    Fail(new SessionEnd($"the service acknowledged nothing for {timeout.TotalSeconds:0} s", SessionEndKind.Failed, ReloadEndpoint: true));
                }
            }
            catch (Exception exception)
            {
                // A timer callback must never throw.
                LogWatchdogFailed(owner._logger, owner._options.StreamName, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Kinesis stream {Stream}: the connection watchdog failed")]
    private static partial void LogWatchdogFailed(ILogger logger, string stream, Exception exception);
}
