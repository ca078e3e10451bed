using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Backpack.Aws.Http;
using Backpack.Aws.Signing;
using Backpack.Streaming.Outputs;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Kinesis.Producer;

/// <summary>The supervisor: one PutMedia session at a time, opened when there is something to send, rotated and reconnected.</summary>
internal sealed partial class KinesisVideoProducer
{
    private const string UserAgent = "backpack-dotnet-kvs/1.0";
    private const string PutMediaPath = "/putMedia";

    /// <summary>Connecting and the TLS handshake together.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The shortest session (30 s) plus the rotation margin (30 s): credentials with less left are renewed before a session starts.</summary>
    private static readonly TimeSpan MinimumCredentialsLife = TimeSpan.FromSeconds(60);

    /// <summary>Nothing to send for this long at a fragment's end: the session ends (the service would close it after 30 s).</summary>
    private static readonly TimeSpan IdleEnd = TimeSpan.FromSeconds(5);

    /// <summary>How long a session that ended well may still take for its last acknowledgements.</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(15);

    /// <summary>How long acknowledgements are still read after an error acknowledgement or a failed write.</summary>
    private static readonly TimeSpan LastAcknowledgementsWait = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan RetryBase = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RetryMax = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _shutdown = new();
    private readonly SigV4Signer _signer = new();
    private readonly HashSet<int> _liveSessions = [];
    private readonly List<Task> _draining = [];
    private Task _supervisor;
    private Session? _active;
    private KinesisVideoStreamTarget? _target;
    private string? _lastError;
    private bool _failing;
    private bool _resendNeeded;
    private bool _disposed;
    private int _sessionIds;

    /// <summary>Starts the supervisor (idempotent); it connects once there is a frame to send.</summary>
    internal void Start()
    {
        lock (_gate)
        {
            if (!_disposed && _supervisor.IsCompleted)
            {
                _supervisor = BackgroundWork.RunAsync("Kinesis supervisor", _logger, SuperviseAsync);
            }
        }
    }

    /// <summary>
    /// Sends what is left and waits for its acknowledgement for at most <paramref name="wait"/> (abandoning the rest),
    /// then stops the supervisor and hands every buffer back. Idempotent.
    /// </summary>
    internal async ValueTask DisposeAsync(TimeSpan wait)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
        }
        var started = _clock.GetTimestamp();
        await FlushAsync(wait).ConfigureAwait(false);
        Task supervisor;
        Task[] draining;
        lock (_gate)
        {
            _disposed = true;
            supervisor = _supervisor;
        }
        await _shutdown.CancelAsync().ConfigureAwait(false);
        AbortSession();
        lock (_gate)
        {
            draining = [.. _draining];
        }
        var left = wait - _clock.GetElapsedTime(started);
        try
        {
            await Task.WhenAll([supervisor, .. draining]).WaitAsync(left > TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogSlowShutdown(_logger, _options.StreamName);
        }
        lock (_gate)
        {
            foreach (var fragment in _fragments)
            {
                _bufferedBytes -= fragment.Release();
            }
            _fragments.Clear();
            _current = null;
        }
        _wake.Dispose();
        _shutdown.Dispose();
    }

    /// <inheritdoc cref="DisposeAsync(TimeSpan)"/>
    public ValueTask DisposeAsync() => DisposeAsync(TimeSpan.FromSeconds(2));

    /// <summary>Ends the active session at once (a stop that cannot wait, a dispose).</summary>
    private void AbortSession()
    {
        Session? active;
        lock (_gate)
        {
            active = _active;
        }
        active?.Fail(new SessionEnd("the producer stopped", SessionEndKind.Stopped));
    }

    private async Task SuperviseAsync()
    {
        var token = _shutdown.Token;
        var failures = 0;
        var refreshedCredentials = false;
        while (!token.IsCancellationRequested)
        {
            SessionEnd end;
            try
            {
                await WaitForSomethingToSendAsync(token).ConfigureAwait(false);
                var target = await _resolver.ResolveAsync(token).ConfigureAwait(false);
                lock (_gate)
                {
                    _target = target;
                }
                end = await RunSessionAsync(target, token).ConfigureAwait(false);
                if (end.Kind == SessionEndKind.Failed && end.Status is 401 or 403 && !refreshedCredentials)
                {
                    // Expired credentials: one refresh and one retry before it counts as a failure.
                    refreshedCredentials = true;
                    _client.ExpireCredentials();
                    LogRefreshingCredentials(_logger, _options.StreamName, end.Status.Value);
                    continue;
                }
                if (end.ReloadEndpoint)
                {
                    await ReloadEndpointAsync(target, token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // The control plane refused (the stream, a permission) or credentials could not be had: its message says which.
                end = new SessionEnd(exception.Message, SessionEndKind.Failed);
            }
            if (end.Kind != SessionEndKind.Failed)
            {
                failures = 0;
                refreshedCredentials = false;
                continue;
            }
            failures++;
            OnFailed(end.Reason);
            var delay = end.Immediate ? TimeSpan.Zero : RetryBackoff.Delay(failures, RetryBase, RetryMax, Random.Shared.NextDouble(), end.RetryAfter);
            LogRetrying(_logger, _options.StreamName, end.Reason, failures, delay.TotalMilliseconds);
            try
            {
                await Task.Delay(delay, _clock, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task ReloadEndpointAsync(KinesisVideoStreamTarget target, CancellationToken token)
    {
        try
        {
            var reloaded = await _resolver.ReloadEndpointAsync(target, token).ConfigureAwait(false);
            lock (_gate)
            {
                _target = reloaded;
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !token.IsCancellationRequested)
        {
            var reason = exception.Message;
            LogReloadFailed(_logger, _options.StreamName, reason);
        }
    }

    private async Task WaitForSomethingToSendAsync(CancellationToken token)
    {
        while (true)
        {
            lock (_gate)
            {
                if (FirstToSendLocked() is not null)
                {
                    return;
                }
            }
            await _wake.WaitAsync(token).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a fragment should be sent by a new session: unacknowledged, with a frame, and not in flight on a live session.</summary>
    private bool IsToSendLocked(Fragment fragment) =>
        fragment.Progress is FragmentProgress.Pending or FragmentProgress.Buffering && !fragment.IsReleased && fragment.Frames > 0 &&
        (fragment.SentBy == 0 || !_liveSessions.Contains(fragment.SentBy));

    private Fragment? FirstToSendLocked() => _fragments.Find(IsToSendLocked);

    private Fragment? NextToSendLocked(Fragment after)
    {
        var index = _fragments.IndexOf(after);
        for (var i = index + 1; i < _fragments.Count; i++)
        {
            if (IsToSendLocked(_fragments[i]))
            {
                return _fragments[i];
            }
        }
        return null;
    }

    private void OnFailed(string reason)
    {
        lock (_gate)
        {
            _lastError = reason;
            _failing = true;
        }
        try
        {
            Failed?.Invoke(reason);
        }
        catch (Exception exception)
        {
            LogHandlerFailed(_logger, _options.StreamName, exception);
        }
    }

    private void OnWorking()
    {
        bool wasFailing;
        lock (_gate)
        {
            wasFailing = _failing;
            _failing = false;
        }
        if (wasFailing)
        {
            LogRecovered(_logger, _options.StreamName);
            try
            {
                Recovered?.Invoke();
            }
            catch (Exception exception)
            {
                LogHandlerFailed(_logger, _options.StreamName, exception);
            }
        }
    }

    private async Task<SessionEnd> RunSessionAsync(KinesisVideoStreamTarget target, CancellationToken token)
    {
        var credentials = await _client.GetCredentialsAsync(token).ConfigureAwait(false);
        if (_client.CredentialsExpiration is { } expiration && expiration - _clock.GetUtcNow() < MinimumCredentialsLife)
        {
            // A provider that renews late would hand a session credentials that expire before it can rotate (a session
            // lives at least 30 s): renew them now, once.
            _client.ExpireCredentials();
            credentials = await _client.GetCredentialsAsync(token).ConfigureAwait(false);
        }
        var signedAt = _clock.GetUtcNow();
        var headers = Headers(target, credentials, signedAt);
        PutMediaConnection connection;
        using (var connect = CancellationTokenSource.CreateLinkedTokenSource(token))
        {
            connect.CancelAfter(ConnectTimeout);
            try
            {
                connection = await PutMediaConnection.OpenAsync(target.PutMediaEndpoint, PutMediaPath, headers, connect.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (!token.IsCancellationRequested)
            {
                var reason = exception is OperationCanceledException ? $"timed out after {ConnectTimeout.TotalSeconds:0} s" : exception.Message;
                return new SessionEnd($"could not connect to {target.PutMediaEndpoint.Host}:{target.PutMediaEndpoint.Port}: {reason}", SessionEndKind.Failed, ReloadEndpoint: true);
            }
        }
        Session session;
        lock (_gate)
        {
            session = new Session(this, ++_sessionIds, connection, _clock.GetTimestamp(), RotationAge());
            _liveSessions.Add(session.Id);
            _active = session;
        }
        LogSessionOpening(_logger, _options.StreamName, session.Id, target.PutMediaEndpoint.Host);
        // One registration per session, not a linked token per chunk: the producer's stop ends the session's writes.
        using var stopping = token.Register(() => session.Fail(new SessionEnd("the producer stopped", SessionEndKind.Stopped)));
        session.StartWatchdog();
        var reader = Task.Run(() => ReadAcknowledgementsAsync(session, token), CancellationToken.None); // observed: awaited below or by DrainAsync
        SessionEnd end;
        try
        {
            end = await SendOnThreadAsync(session, token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            if (session.Failure is null && !token.IsCancellationRequested)
            {
                // The service may have closed after an error: the acknowledgements it sent before still count.
                await Task.WhenAny(reader, Task.Delay(LastAcknowledgementsWait, _clock, CancellationToken.None)).ConfigureAwait(false);
            }
            end = session.Failure ?? new SessionEnd(
                token.IsCancellationRequested ? "the producer stopped" : $"the connection failed: {exception.Message}",
                token.IsCancellationRequested ? SessionEndKind.Stopped : SessionEndKind.Failed);
        }
        lock (_gate)
        {
            _active = null;
        }
        if (end.Kind == SessionEndKind.Failed || end.Kind == SessionEndKind.Stopped)
        {
            if (ReferenceEquals(end, session.WritingStopped))
            {
                // The reader takes the last acknowledgements and then ends the session itself.
                await Task.WhenAny(reader, Task.Delay(LastAcknowledgementsWait * 2, _clock, CancellationToken.None)).ConfigureAwait(false);
            }
            session.Fail(end);
            await reader.ConfigureAwait(false);
            await CloseAsync(session).ConfigureAwait(false);
            if (end.Kind == SessionEndKind.Failed)
            {
                lock (_gate)
                {
                    _counters.SessionsFailed++;
                }
            }
            return end;
        }
        // Ended well: its last acknowledgements come while the next session may already send.
        var drain = DrainAsync(session, reader);
        lock (_gate)
        {
            _draining.RemoveAll(task => task.IsCompleted);
            _draining.Add(drain);
        }
        return end;
    }

    private async Task DrainAsync(Session session, Task reader)
    {
        try
        {
            var started = _clock.GetTimestamp();
            while (!reader.IsCompleted && _clock.GetElapsedTime(started) < DrainLimit)
            {
                lock (_gate)
                {
                    if (!_fragments.Exists(fragment => fragment.SentBy == session.Id && !IsAcknowledgedLocked(fragment)))
                    {
                        break;
                    }
                }
                await Task.WhenAny(reader, Task.Delay(TimeSpan.FromMilliseconds(20), _clock)).ConfigureAwait(false);
            }
            session.Fail(new SessionEnd("ended", SessionEndKind.Ended));
            await reader.ConfigureAwait(false);
        }
        finally
        {
            await CloseAsync(session).ConfigureAwait(false);
        }
    }

    /// <summary>The service has what it needs of a fragment: it will not be sent again by this session's successors.</summary>
    /// <remarks>
    /// A RECEIVED fragment whose connection is gone counts too: the service has all of it, and its PERSISTED would only
    /// have come on that connection.
    /// </remarks>
    private bool IsAcknowledgedLocked(Fragment fragment) =>
        fragment.IsSettled || (fragment.Progress == FragmentProgress.Received && (!PersistsLocked || !_liveSessions.Contains(fragment.SentBy)));

    private async Task CloseAsync(Session session)
    {
        session.StopWatchdog();
        await session.Connection.DisposeAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _liveSessions.Remove(session.Id);
            if (_fragments.Exists(fragment => fragment.SentBy == session.Id && IsToSendLocked(fragment)))
            {
                // Some of what it sent was not received: a new session sends it again.
                _resendNeeded = true;
                WakeSenderLocked();
            }
        }
    }

    /// <summary>Runs the writing half of <paramref name="session"/> on a thread of its own; completes with how it ended.</summary>
    /// <remarks>
    /// The writer wakes for every frame: on a blocking thread of its own that costs a fraction of what a thread-pool
    /// continuation costs per wake (measured: the pool's workers spent about four times the CPU of the whole sender).
    /// </remarks>
    private Task<SessionEnd> SendOnThreadAsync(Session session, CancellationToken token)
    {
        var done = new TaskCompletionSource<SessionEnd>(TaskCreationOptions.RunContinuationsAsynchronously);
        BackgroundWork.CreateThread("Kinesis sender", $"kvs-send-{session.Id}", _logger, () =>
        {
            try
            {
                done.TrySetResult(Send(session, token));
            }
#pragma warning disable CA1031 // Every failure is the session's end, handed to the supervisor that awaits it.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                done.TrySetException(exception);
            }
        }).Start();
        return done.Task;
    }

    /// <summary>The writing half of a session: the header, then fragments in order as their bytes come.</summary>
    private SessionEnd Send(Session session, CancellationToken token)
    {
        try
        {
            Fragment? fragment;
            lock (_gate)
            {
                fragment = FirstToSendLocked();
                if (fragment is null)
                {
                    return new SessionEnd("nothing to send", SessionEndKind.Ended);
                }
                BeginSendingLocked(session, fragment);
                _resendNeeded = false;
            }
            var configuration = fragment.Configuration;
            var header = new byte[MatroskaWriter.HeaderLength(configuration.DecoderConfigurationRecord.Length)];
            var segmentUid = RandomNumberGenerator.GetBytes(16);
            var headerLength = MatroskaWriter.WriteHeader(header, configuration.DecoderConfigurationRecord.Span, configuration.Width, configuration.Height, segmentUid);
            session.Write(header.AsSpan(0, headerLength));
            var offset = 0;
            var idleSince = _clock.GetTimestamp();
            while (true)
            {
                if ((session.Failure ?? session.WritingStopped) is { } failure)
                {
                    return failure;
                }
                int count;
                var endReason = (string?)null;
                lock (_gate)
                {
                    if (fragment!.IsReleased && offset < fragment.Length)
                    {
                        // Abandoned by a stop while being sent: the cluster cannot be finished.
                        return new SessionEnd("the producer stopped", SessionEndKind.Stopped);
                    }
                    count = fragment.CopyTo(offset, session.Connection.ChunkPayload);
                    if (count == 0 && fragment.IsComplete)
                    {
                        fragment.SentAt = _clock.GetTimestamp();
                        var next = _resendNeeded ? null : NextToSendLocked(fragment);
                        if (_resendNeeded)
                        {
                            endReason = "fragments to send again";
                        }
                        else if (_clock.GetElapsedTime(session.StartedAt) >= session.RotateAfter)
                        {
                            endReason = "rotation";
                        }
                        else if (next is not null && !ReferenceEquals(next.Configuration, configuration) && !next.Configuration.Equals(configuration))
                        {
                            endReason = "a new codec configuration";
                        }
                        else if (next is not null)
                        {
                            fragment = next;
                            offset = 0;
                            BeginSendingLocked(session, fragment);
                            continue;
                        }
                        else if (_flushes > 0)
                        {
                            endReason = "a stop";
                        }
                        else if (_clock.GetElapsedTime(idleSince) >= IdleEnd)
                        {
                            endReason = "nothing to send";
                        }
                        if (endReason is null)
                        {
                            _sending = null;
                        }
                    }
                }
                if (endReason is not null)
                {
                    session.Write(MatroskaWriter.EndOfFragmentTags);
                    session.EndBody();
                    lock (_gate)
                    {
                        _sending = null;
                    }
                    LogSessionEnded(_logger, _options.StreamName, session.Id, endReason);
                    return new SessionEnd(endReason, SessionEndKind.Ended);
                }
                if (count > 0)
                {
                    session.Write(count);
                    offset += count;
                    lock (_gate)
                    {
                        fragment.WentOut |= session.Accepted;
                        WrittenLocked(fragment, offset);
                    }
                    idleSince = _clock.GetTimestamp();
                    continue;
                }
                WaitForSenderWake(TimeSpan.FromMilliseconds(500));
            }
        }
        finally
        {
            lock (_gate)
            {
                _sending = null;
            }
        }
    }

    private void BeginSendingLocked(Session session, Fragment fragment)
    {
        // A resend is a fragment of which bytes went out before on a connection the service accepted; attempts that
        // were refused before that (a connection reset at once, a 4xx) are not.
        if (fragment.WentOut)
        {
            _counters.FragmentsResent++;
        }
        fragment.Sends++;
        fragment.SentBy = session.Id;
        _sending = fragment;
        _counters.FragmentsSent++;
    }

    /// <summary>The reading half: the response head, then one acknowledgement per line.</summary>
    private async Task ReadAcknowledgementsAsync(Session session, CancellationToken token)
    {
        try
        {
            var response = await session.Connection.ReadResponseAsync(session.Token).ConfigureAwait(false);
            if (response.Status != 200)
            {
                session.Fail(Refusal(response));
                return;
            }
            lock (_gate)
            {
                _counters.SessionsOpened++;
            }
            session.Accepted = true;
            OnWorking();
            var line = new ArrayBufferWriter<byte>(256);
            SessionEnd? ending = null;
            while (await session.Connection.ReadLineAsync(line, session.Token).ConfigureAwait(false))
            {
                session.LastAckAt = _clock.GetTimestamp();
                if (line.WrittenCount == 0 || line.WrittenSpan.Trim((byte)'\r').IsEmpty)
                {
                    continue;
                }
                if (!FragmentAckParser.TryParse(line.WrittenSpan, out var ack))
                {
                    lock (_gate)
                    {
                        _counters.UnmatchedAcks++;
                    }
                    LogUnreadableAck(_logger, _options.StreamName, line.WrittenCount);
                    continue;
                }
                if (Acknowledge(session, ack) is { } failure && ending is null)
                {
                    // The service closes after an error; what it acknowledged before it does so still counts.
                    ending = failure;
                    session.StopWriting(failure);
                    using var last = CancellationTokenSource.CreateLinkedTokenSource(session.Token);
                    last.CancelAfter(LastAcknowledgementsWait);
                    try
                    {
                        while (await session.Connection.ReadLineAsync(line, last.Token).ConfigureAwait(false))
                        {
                            if (FragmentAckParser.TryParse(line.WrittenSpan, out var late))
                            {
                                Acknowledge(session, late);
                            }
                        }
                    }
                    catch (Exception exception) when (exception is OperationCanceledException or IOException)
                    {
                    }
                    break;
                }
            }
            session.Fail(ending ?? new SessionEnd("the service closed the connection", SessionEndKind.Failed));
        }
        catch (Exception exception)
        {
            session.Fail(new SessionEnd(
                token.IsCancellationRequested ? "the producer stopped" : $"the connection failed: {exception.Message}",
                token.IsCancellationRequested ? SessionEndKind.Stopped : SessionEndKind.Failed));
        }
    }

    private static SessionEnd Refusal(PutMediaResponse response)
    {
        var type = response.ErrorType;
        var message = ErrorMessage(response.ErrorBody);
        var reason = $"PutMedia answered {response.Status} {type ?? "(no error type)"}{(message is null ? string.Empty : ": " + message)}";
        TimeSpan? retryAfter = response.Headers.TryGetValue("retry-after", out var after) &&
            int.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : null;
        return new SessionEnd(reason, SessionEndKind.Failed, response.Status, retryAfter, ReloadEndpoint: response.Status is 404 or >= 500);
    }

    private static string? ErrorMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name.Equals("message", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                {
                    return property.Value.GetString();
                }
            }
        }
        catch (JsonException)
        {
        }
        return body.Length <= 200 ? body : body[..200];
    }

    /// <summary>Applies one acknowledgement; returns how the session ends when it must.</summary>
    private SessionEnd? Acknowledge(Session session, FragmentAck ack)
    {
        var now = _clock.GetTimestamp();
        lock (_gate)
        {
            Fragment? fragment = null;
            if (ack.FragmentTimecode is { } timecode)
            {
                for (var i = _fragments.Count - 1; i >= 0; i--)
                {
                    if (_fragments[i].Timecode == timecode)
                    {
                        fragment = _fragments[i];
                        break;
                    }
                }
            }
            switch (ack.Type)
            {
                case FragmentAckType.Idle:
                    return null;
                case FragmentAckType.Buffering when fragment is not null:
                    _counters.Buffering++;
                    if (fragment.Progress == FragmentProgress.Pending)
                    {
                        fragment.Progress = FragmentProgress.Buffering;
                    }
                    return null;
                case FragmentAckType.Received when fragment is not null:
                    _counters.Received++;
                    if (fragment.Progress is FragmentProgress.Pending or FragmentProgress.Buffering)
                    {
                        fragment.Progress = FragmentProgress.Received;
                        // Never sent again: its bytes are not needed any more.
                        _bufferedBytes -= fragment.Release();
                        if (!PersistsLocked)
                        {
                            _counters.Latency(_clock.GetElapsedTime(fragment.LastFrameAt, now));
                        }
                    }
                    ForgetSettledLocked();
                    return null;
                case FragmentAckType.Persisted when fragment is not null:
                    _counters.Persisted++;
                    if (fragment.Progress != FragmentProgress.Persisted)
                    {
                        fragment.Progress = FragmentProgress.Persisted;
                        _bufferedBytes -= fragment.Release();
                        _counters.Latency(_clock.GetElapsedTime(fragment.LastFrameAt, now));
                    }
                    ForgetSettledLocked();
                    return null;
                case FragmentAckType.Error:
                    return ErrorAcknowledgedLocked(fragment, ack);
                default:
                    _counters.UnmatchedAcks++;
                    var type = ack.Type.ToString();
                    LogUnmatchedAck(_logger, _options.StreamName, type, ack.FragmentTimecode);
                    return null;
            }
        }
    }

    private SessionEnd? ErrorAcknowledgedLocked(Fragment? fragment, FragmentAck ack)
    {
        _counters.ErrorAcks++;
        var id = ack.ErrorId ?? 0;
        var name = ack.ErrorCode ?? KinesisVideoAckErrors.NameOf(id);
        if (ack.ErrorId is { } known && KinesisVideoAckErrors.IsRetriable(known))
        {
            LogRetriableError(_logger, _options.StreamName, id, name, ack.FragmentTimecode);
            // 4003: the connection is old, not broken; a new one at once.
            return new SessionEnd($"the service answered error {id} {name}", SessionEndKind.Failed, Immediate: id == 4003);
        }
        if (fragment is null)
        {
            _counters.UnmatchedAcks++;
            LogUnmatchedError(_logger, _options.StreamName, id, name, ack.FragmentTimecode);
            return new SessionEnd($"the service answered error {id} {name}", SessionEndKind.Failed);
        }
        fragment.Progress = FragmentProgress.Skipped;
        _bufferedBytes -= fragment.Release();
        _counters.Skipped(name);
        LogSkipped(_logger, _options.StreamName, fragment.Timecode, id, name);
        ForgetSettledLocked();
        // The service ends the connection after an error: the next session goes on with the next fragment.
        return new SessionEnd($"the service refused fragment {fragment.Timecode}: {id} {name}", SessionEndKind.Failed, Immediate: true);
    }

    /// <summary>When the session should end: before the service's connection limit (with jitter) and before the credentials expire.</summary>
    private TimeSpan RotationAge()
    {
        if (_options.SessionRotationForTests is { } exact)
        {
            return exact;
        }
        var jitter = TimeSpan.FromTicks((long)(Math.Min(TimeSpan.FromMinutes(3).Ticks, _options.MaxSessionDuration.Ticks / 10) * Random.Shared.NextDouble()));
        var age = _options.MaxSessionDuration - jitter;
        if (_client.CredentialsExpiration is { } expiration)
        {
            var left = expiration - _clock.GetUtcNow() - TimeSpan.FromSeconds(30);
            if (left < age)
            {
                age = left > TimeSpan.FromSeconds(30) ? left : TimeSpan.FromSeconds(30);
            }
        }
        return age;
    }

    private List<KeyValuePair<string, string>> Headers(KinesisVideoStreamTarget target, Amazon.Runtime.ImmutableCredentials credentials, DateTimeOffset signedAt)
    {
        var endpoint = target.PutMediaEndpoint;
        var headers = new List<KeyValuePair<string, string>>
        {
            new("host", endpoint.IsDefaultPort ? endpoint.Host : $"{endpoint.Host}:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}"),
            new("connection", "keep-alive"),
            new("transfer-encoding", "chunked"),
            new("user-agent", UserAgent),
            new("x-amz-date", SigV4Signer.FormatAmzDate(signedAt)),
            new("x-amzn-fragment-acknowledgment-required", "1"),
            new("x-amzn-fragment-timecode-type", "ABSOLUTE"),
            new("x-amzn-producer-start-timestamp", ProducerStartTimestamp(signedAt)),
            new("x-amzn-stream-name", _options.StreamName),
        };
        if (!string.IsNullOrEmpty(credentials.Token))
        {
            headers.Add(new("x-amz-security-token", credentials.Token));
        }
        var signature = _signer.Sign(
            "POST", PutMediaPath, string.Empty, headers, SigV4Signer.EmptyPayloadHash,
            credentials.AccessKey, credentials.SecretKey, target.Region, KinesisVideoClient.SigningName, signedAt);
        headers.Add(new("authorization", signature.Authorization));
        return headers;
    }

    /// <summary>Epoch seconds with exactly three decimals, such as <c>1722481464.065</c>.</summary>
    internal static string ProducerStartTimestamp(DateTimeOffset time)
    {
        var milliseconds = time.ToUnixTimeMilliseconds();
        return string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 1000}.{milliseconds % 1000:D3}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Kinesis stream {Stream}: PutMedia session {Session} connecting to {Host}")]
    private static partial void LogSessionOpening(ILogger logger, string stream, int session, string host);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kinesis stream {Stream}: PutMedia session {Session} ended with the end-of-fragment tag ({Reason})")]
    private static partial void LogSessionEnded(ILogger logger, string stream, int session, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kinesis stream {Stream}: {Reason}; retry {Failures} in {DelayMs:0} ms")]
    private static partial void LogRetrying(ILogger logger, string stream, string reason, int failures, double delayMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kinesis stream {Stream}: sending again")]
    private static partial void LogRecovered(ILogger logger, string stream);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kinesis stream {Stream}: PutMedia answered {Status}; refreshing the credentials and trying once more")]
    private static partial void LogRefreshingCredentials(ILogger logger, string stream, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kinesis stream {Stream}: GetDataEndpoint failed again: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string stream, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kinesis stream {Stream}: the service refused fragment {Timecode} with {ErrorId} {ErrorName}; skipped, not sent again")]
    private static partial void LogSkipped(ILogger logger, string stream, long timecode, int errorId, string errorName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kinesis stream {Stream}: the service answered {ErrorId} {ErrorName} (fragment {Timecode}); sending again on a new connection")]
    private static partial void LogRetriableError(ILogger logger, string stream, int errorId, string errorName, long? timecode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kinesis stream {Stream}: error {ErrorId} {ErrorName} for no buffered fragment (timecode {Timecode})")]
    private static partial void LogUnmatchedError(ILogger logger, string stream, int errorId, string errorName, long? timecode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kinesis stream {Stream}: a {Type} acknowledgement for no buffered fragment (timecode {Timecode})")]
    private static partial void LogUnmatchedAck(ILogger logger, string stream, string type, long? timecode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kinesis stream {Stream}: an acknowledgement of {Length} bytes could not be read")]
    private static partial void LogUnreadableAck(ILogger logger, string stream, int length);

    [LoggerMessage(Level = LogLevel.Error, Message = "Kinesis stream {Stream}: a failure handler threw")]
    private static partial void LogHandlerFailed(ILogger logger, string stream, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kinesis stream {Stream}: the producer did not stop in time; its connections were closed")]
    private static partial void LogSlowShutdown(ILogger logger, string stream);
}
