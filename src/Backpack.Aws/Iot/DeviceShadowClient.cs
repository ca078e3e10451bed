using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Iot;

/// <summary>
/// Follows <c>desired.streaming</c> in one thing's device shadow (or in several named shadows of it, one per camera)
/// over one MQTT connection to AWS IoT Core, authenticated by the thing's X.509 certificate, and reports what the
/// stream really does as <c>reported</c>: <c>streaming</c>, <c>fps</c>, <c>since</c>, <c>lastError</c>.
/// </summary>
/// <remarks>
/// <para>
/// At every connection it subscribes to <c>update/delta</c>, <c>update/accepted</c>, <c>update/rejected</c>,
/// <c>get/accepted</c>, <c>get/rejected</c> and <c>delete/accepted</c> of each shadow (no wildcards, as AWS advises), asks for the whole shadow
/// (<c>get</c>, so a change made while the device was offline is applied) and publishes the last report. A change of
/// <c>desired.streaming</c> (from <c>get/accepted</c> or <c>update/delta</c>) is handed to the callback given at
/// construction, which starts or stops the camera's stream and returns the report to publish. A document whose
/// <c>version</c> is not above the last one applied is ignored, so a late or replayed delta never undoes a newer change;
/// only a deleted shadow (<c>delete/accepted</c>, or a lower version in the whole shadow read at connection) starts the
/// count again, as a shadow made again after 48 hours counts its versions from 0.
/// </para>
/// <para>
/// The callback runs on the client's own task, never on MQTT's, one change at a time in the order they came; a
/// callback that throws is logged, reported as <c>lastError</c>, and the client goes on (the change is tried again at
/// the next connection or when an operator sets <c>desired.streaming</c> again, not on the delta its own report causes). A lost or refused connection is retried with exponential back-off and jitter
/// (<see cref="DeviceShadowClientOptions.MinReconnectDelay"/> doubling to <see cref="DeviceShadowClientOptions.MaxReconnectDelay"/>);
/// the cameras keep their last state meanwhile. After <see cref="Start"/>, nothing the broker or the network does throws
/// into the application.
/// </para>
/// <para>
/// The certificate and key are read at construction: an unreadable file or a key that does not match is an
/// <see cref="ArgumentException"/> there. The private key never reaches a log, an exception or <see cref="ToString"/>.
/// Thread safe; dispose it (from any thread, any number of times) to disconnect.
/// </para>
/// <example>
/// <code>
/// await using var shadow = new DeviceShadowClient(options, async (change, ct) =>
/// {
///     if (change.Streaming) await camera.StartAsync(ct); else await camera.StopAsync(ct);
///     return new StreamingReport(camera.IsStreaming, camera.FramesPerSecond, camera.Since, camera.LastError);
/// }, loggerFactory);
/// await shadow.ReportAsync(new StreamingReport(false)); // the state to report before any change
/// shadow.Start();
/// </code>
/// </example>
/// </remarks>
public sealed partial class DeviceShadowClient : IAsyncDisposable, IDisposable
{
    private static readonly AsyncLocal<bool> InCallback = new();

    private readonly DeviceShadowClientOptions _options;
    private readonly Func<DesiredStreamingChange, CancellationToken, ValueTask<StreamingReport>> _apply;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly X509Certificate2 _certificate;
    private readonly ShadowConnection _connection;
    private readonly Dictionary<string, (FollowedShadow Shadow, Topic Kind)> _topics = new(StringComparer.Ordinal);
    private readonly FollowedShadow[] _shadows;
    private readonly Channel<(string Topic, byte[] Payload)> _inbox = Channel.CreateUnbounded<(string, byte[])>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly string _tokenPrefix = "bp-" + Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64()));
    private readonly Lock _errorLock = new();
    private long _tokens;
    private long _applied;
    private long _stale;
    private long _callbackFailures;
    private long _published;
    private long _rejected;
    private (string Text, DateTimeOffset At)? _lastError;
    private Task _connectionLoop = Task.CompletedTask;
    private Task _dispatchLoop = Task.CompletedTask;
    private Task? _teardown;
    private int _started;

    /// <summary>Creates a client for one thing; reads and checks the certificate and key now, connects only at <see cref="Start"/>.</summary>
    /// <param name="options">The endpoint, thing, shadows and files.</param>
    /// <param name="applyAsync">
    /// Applies a change of <c>desired.streaming</c> (starts or stops that camera's stream) and returns what to report;
    /// called on the client's task, one change at a time; its token is cancelled at disposal.
    /// </param>
    /// <param name="loggerFactory">Where connections, changes and failures are logged (never key material). Default: nowhere.</param>
    /// <param name="timeProvider">The clock of the back-off and of error times. Default <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="applyAsync"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// An option is invalid (every problem is listed), a file cannot be read, or the private key does not match the certificate.
    /// </exception>
    public DeviceShadowClient(
        DeviceShadowClientOptions options,
        Func<DesiredStreamingChange, CancellationToken, ValueTask<StreamingReport>> applyAsync,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(applyAsync);
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentException("The device shadow options are not usable: " + string.Join(" ", problems), nameof(options));
        }
        _options = options;
        _apply = applyAsync;
        _clock = timeProvider ?? TimeProvider.System;
        _logger = ContainedLoggerFactory.Wrap(loggerFactory).CreateLogger<DeviceShadowClient>();
        var roots = options.RootCaPath is { Length: > 0 } rootCa ? DeviceCertificate.LoadRoots(rootCa, nameof(options)) : null;
        _certificate = DeviceCertificate.Load(options.CertificatePath, options.PrivateKeyPath, nameof(options));
        ShadowNames = [.. options.ShadowNames ?? []]; // a copy: the options' list may change later
        _shadows = ShadowNames.Count == 0
            ? [new FollowedShadow(null, ShadowTopics.Prefix(options.ThingName, null))]
            : [.. ShadowNames.Select(name => new FollowedShadow(name, ShadowTopics.Prefix(options.ThingName, name)))];
        var filters = new List<string>();
        foreach (var shadow in _shadows)
        {
            foreach (var (suffix, kind) in ShadowTopics.Subscriptions)
            {
                _topics.Add(shadow.Prefix + suffix, (shadow, kind));
                filters.Add(shadow.Prefix + suffix);
            }
        }
        _connection = new ShadowConnection(options, _certificate, roots, filters, OnMessage, OnConnectedAsync, RecordError, _logger, _clock);
    }

    /// <summary>The thing whose shadows this client follows.</summary>
    public string ThingName => _options.ThingName;

    /// <summary>The named shadows followed; empty for the thing's classic shadow.</summary>
    public IReadOnlyList<string> ShadowNames { get; }

    /// <summary>The connection and the traffic so far.</summary>
    public DeviceShadowStatistics Statistics
    {
        get
        {
            (string Text, DateTimeOffset At)? error;
            lock (_errorLock)
            {
                error = _lastError;
            }
            return new DeviceShadowStatistics(
                _connection.IsConnected, _connection.Attempts, _connection.Connections, Interlocked.Read(ref _applied), Interlocked.Read(ref _stale),
                Interlocked.Read(ref _callbackFailures), Interlocked.Read(ref _published), Interlocked.Read(ref _rejected), error?.Text, error?.At);
        }
    }

    /// <summary>The last <c>desired.streaming</c> applied for a shadow; null before any.</summary>
    /// <param name="shadowName">The named shadow, or null for the classic shadow.</param>
    /// <exception cref="ArgumentException">The client does not follow that shadow.</exception>
    public bool? AppliedStreaming(string? shadowName = null) => Find(shadowName).Applied;

    /// <summary>Starts connecting, in the background; returns at once. Idempotent.</summary>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _teardown) is not null, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }
        var token = _stop.Token;
        _dispatchLoop = BackgroundWork.RunAsync("Device shadow dispatch", _logger, () => DispatchAsync(token));
        _connectionLoop = BackgroundWork.RunAsync("Device shadow connection", _logger, () => _connection.RunAsync(token));
    }

    /// <summary>
    /// Sets what a shadow reports and publishes it now when connected; it is published again at every connection.
    /// For changes of the stream's own (a new frame rate, an error); a change the callback applied is reported by its return value.
    /// </summary>
    /// <param name="report">What the stream does now.</param>
    /// <param name="shadowName">The named shadow, or null for the classic shadow.</param>
    /// <param name="cancellationToken">Cancels waiting for the broker's acknowledgement.</param>
    /// <returns>True when the broker acknowledged it; false when not connected or disposed (it goes out at the next connection).</returns>
    /// <exception cref="ArgumentException">The client does not follow that shadow.</exception>
    public Task<bool> ReportAsync(StreamingReport report, string? shadowName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var shadow = Find(shadowName);
        shadow.Report = report;
        return PublishReportAsync(shadow, cancellationToken);
    }

    /// <summary>The thing, the endpoint, the shadows and the connection state; never key material.</summary>
    public override string ToString() =>
        $"DeviceShadowClient(thing {_options.ThingName}, endpoint {_options.Endpoint}, client id {_options.EffectiveClientId}, " +
        $"shadows {(_shadows[0].Name is null ? "classic" : string.Join(",", ShadowNames))}, {(_connection.IsConnected ? "connected" : "not connected")})";

    /// <summary>Disconnects and waits for the client's tasks to end (not when called from the callback, which cannot wait for itself). Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        var teardown = Teardown();
        if (!InCallback.Value)
        {
            await teardown.ConfigureAwait(false);
        }
    }

    /// <summary>As <see cref="DisposeAsync"/>, waiting at most 5 s for the disconnection.</summary>
    public void Dispose()
    {
        var teardown = Teardown();
        if (!InCallback.Value)
        {
            teardown.Wait(TimeSpan.FromSeconds(5));
        }
    }

    private FollowedShadow Find(string? shadowName)
    {
        foreach (var shadow in _shadows)
        {
            if (string.Equals(shadow.Name, shadowName, StringComparison.Ordinal))
            {
                return shadow;
            }
        }
        throw new ArgumentException(
            $"This client follows {(_shadows[0].Name is null ? "the classic shadow (shadow name null)" : "the named shadows " + string.Join(", ", ShadowNames))}, not '{shadowName ?? "(classic)"}'.",
            nameof(shadowName));
    }

    private Task Teardown()
    {
        if (Volatile.Read(ref _teardown) is { } existing)
        {
            return existing;
        }
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _teardown, done.Task, null) is { } other)
        {
            return other;
        }
        _stop.Cancel();
        _inbox.Writer.TryComplete();
        _ = BackgroundWork.RunAsync("Device shadow teardown", _logger, async () =>
        {
            try
            {
                await _connectionLoop.ConfigureAwait(false);
                await _dispatchLoop.ConfigureAwait(false);
                await _connection.DisposeAsync().ConfigureAwait(false);
                _certificate.Dispose();
            }
            finally
            {
                done.TrySetResult();
            }
        });
        return done.Task;
    }

    private void OnMessage(string topic, byte[] payload) => _inbox.Writer.TryWrite((topic, payload));

    /// <summary>At every connection: ask for each whole shadow, then report what is known.</summary>
    private async Task OnConnectedAsync(CancellationToken cancellationToken)
    {
        _inbox.Writer.TryWrite((ShadowTopics.ConnectedMark, []));
        foreach (var shadow in _shadows)
        {
            await _connection.PublishAsync(shadow.Prefix + ShadowTopics.Get, [], cancellationToken).ConfigureAwait(false);
        }
        foreach (var shadow in _shadows)
        {
            if (shadow.Report is not null)
            {
                await PublishReportAsync(shadow, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Publishes the shadow's latest report, one publication at a time per shadow: whoever publishes last publishes the
    /// latest report, so a report from the callback and one from the application never land in the wrong order.
    /// </summary>
    private async Task<bool> PublishReportAsync(FollowedShadow shadow, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _teardown) is not null)
        {
            return false;
        }
        await shadow.Publishing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (shadow.Report is not { } report)
            {
                return false;
            }
            var token = ClientToken();
            var published = await _connection.PublishAsync(shadow.Prefix + ShadowTopics.Update, ShadowDocuments.ReportRequest(report, token), cancellationToken).ConfigureAwait(false);
            if (published)
            {
                Interlocked.Increment(ref _published);
            }
            return published;
        }
        finally
        {
            shadow.Publishing.Release();
        }
    }

    /// <summary>A client token unique to this client and request, well within the 64 bytes AWS IoT allows.</summary>
    private string ClientToken()
    {
        var token = string.Create(CultureInfo.InvariantCulture, $"{_tokenPrefix}-{Interlocked.Increment(ref _tokens)}");
        return Encoding.UTF8.GetByteCount(token) <= ShadowDocuments.MaxClientTokenBytes ? token : token[..ShadowDocuments.MaxClientTokenBytes];
    }

    private async Task DispatchAsync(CancellationToken cancellationToken)
    {
        await foreach (var (topic, payload) in _inbox.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (topic.Length == 0)
            {
                foreach (var shadow in _shadows)
                {
                    shadow.AwaitingGet = true;
                    shadow.DeltaSinceConnect = false;
                }
                continue;
            }
            if (!_topics.TryGetValue(topic, out var route))
            {
                continue;
            }
            try
            {
                await HandleAsync(route.Shadow, route.Kind, payload, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task HandleAsync(FollowedShadow shadow, Topic kind, byte[] payload, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case Topic.GetAccepted when ShadowDocuments.ParseGet(payload) is { } whole:
                await ConsiderAsync(shadow, whole.Version, whole.State?.Desired?.Streaming, fromGet: true, ownReport: false, cancellationToken).ConfigureAwait(false);
                break;
            case Topic.Delta when ShadowDocuments.ParseDelta(payload) is { } delta:
                await ConsiderAsync(shadow, delta.Version, delta.State?.Streaming, fromGet: false, IsOwn(delta.ClientToken), cancellationToken).ConfigureAwait(false);
                break;
            case Topic.GetRejected or Topic.UpdateRejected when ShadowDocuments.ParseError(payload) is { } error:
                if (kind == Topic.GetRejected && error.Code == 404)
                {
                    shadow.Version = long.MinValue; // none exists: whatever is made next is new
                    shadow.AwaitingGet = false;
                    LogNoShadow(_logger, _options.ThingName, shadow.Describe);
                    break;
                }
                if (kind == Topic.UpdateRejected && IsOwn(error.ClientToken))
                {
                    Interlocked.Increment(ref _rejected);
                }
                var what = $"the shadow service rejected {(kind == Topic.GetRejected ? "get" : "update")} of {shadow.Describe} ({error.Code}: {error.Message})";
                RecordError(what, null);
                LogRejected(_logger, _options.ThingName, what);
                break;
            case Topic.DeleteAccepted:
                shadow.Version = long.MinValue; // a shadow made again later may count its versions from 0 again
                LogDeleted(_logger, _options.ThingName, shadow.Describe);
                break;
            case Topic.UpdateAccepted:
                break; // acknowledged reports are counted at PUBACK; the accepted document adds nothing the client needs
            default:
                LogMalformed(_logger, _options.ThingName, shadow.Describe, kind.ToString());
                break;
        }
    }

    private async Task ConsiderAsync(FollowedShadow shadow, long version, System.Text.Json.JsonElement? desired, bool fromGet, bool ownReport, CancellationToken cancellationToken)
    {
        var firstGet = fromGet && shadow.AwaitingGet;
        if (fromGet)
        {
            shadow.AwaitingGet = false;
        }
        else
        {
            shadow.DeltaSinceConnect = true;
        }
        if (version <= shadow.Version)
        {
            if (firstGet && !shadow.DeltaSinceConnect && version < shadow.Version)
            {
                // The whole shadow read at connection is the current one: a lower version means it was deleted and made again.
                LogVersionWentBack(_logger, _options.ThingName, shadow.Describe, shadow.Version, version);
            }
            else
            {
                Interlocked.Increment(ref _stale);
                LogStale(_logger, _options.ThingName, shadow.Describe, version, shadow.Version);
                return;
            }
        }
        shadow.Version = version;
        if (ShadowDocuments.IsMistyped(desired))
        {
            LogMistyped(_logger, _options.ThingName, shadow.Describe, desired!.Value.GetRawText());
            return;
        }
        if (ShadowDocuments.Boolean(desired) is not { } streaming || streaming == shadow.Applied)
        {
            return;
        }
        if (shadow.Failed == streaming && ownReport)
        {
            // The delta that the report of a failure caused: trying again at once would loop as fast as the callback fails.
            LogNotRetried(_logger, _options.ThingName, shadow.Describe, streaming);
            return;
        }
        shadow.Failed = null;
        var change = new DesiredStreamingChange(shadow.Name, streaming, version, fromGet);
        LogApplying(_logger, _options.ThingName, shadow.Describe, streaming, version, fromGet ? "the shadow read at connection" : "a delta");
        StreamingReport report;
        InCallback.Value = true;
        try
        {
            report = await _apply(change, cancellationToken).ConfigureAwait(false) ?? new StreamingReport(streaming);
            shadow.Applied = streaming;
            Interlocked.Increment(ref _applied);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // The application's callback: a failure is logged and reported, and the client goes on.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _callbackFailures);
            shadow.Failed = streaming;
            var what = $"applying streaming={(streaming ? "true" : "false")} failed: {exception.Message}";
            RecordError(what, exception);
            LogCallbackFailed(_logger, exception, _options.ThingName, shadow.Describe, streaming);
            report = (shadow.Report ?? new StreamingReport(!streaming)) with { LastError = what };
        }
        finally
        {
            InCallback.Value = false;
        }
        shadow.Report = report;
        await PublishReportAsync(shadow, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a message answers (or was caused by) one of this client's own requests.</summary>
    private bool IsOwn(string? clientToken) => clientToken?.StartsWith(_tokenPrefix, StringComparison.Ordinal) == true;

    private void RecordError(string what, Exception? exception)
    {
        lock (_errorLock)
        {
            _lastError = (what, _clock.GetUtcNow());
        }
    }
}
