using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Kinesis;

/// <summary>
/// Makes sure one Kinesis video stream can take media and says where to send it: DescribeStream (CreateStream when
/// allowed, then waits for <c>ACTIVE</c>, bounded), the stream's retention, and its <c>PUT_MEDIA</c> data endpoint, cached.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="ResolveAsync"/> calls the service once and then answers from its cache, as the KVS producer SDK does. After a
/// failed connection to the data endpoint, <see cref="ReloadEndpointAsync"/> asks GetDataEndpoint again; several callers
/// reloading the same failed target share one call.
/// </para>
/// <para>
/// Errors name the stream, the region and what is expected: a missing stream without <see cref="KinesisVideoStreamResolverOptions.CreateIfMissing"/>,
/// a stream being deleted, one that does not become active in time, and a refused permission are
/// <see cref="KinesisVideoStreamException"/>s (the refused one carries the IAM action to grant). Throttling and 5xx
/// answers are retried by the client. A failed resolution is not cached: the next call tries again.
/// </para>
/// <para>Thread-safe. The client is the caller's: disposing the resolver does not dispose it.</para>
/// <example>
/// <code>
/// using var kinesis = new KinesisVideoClient(new AwsClientOptions { Region = "eu-west-1" });
/// using var resolver = new KinesisVideoStreamResolver(kinesis, new KinesisVideoStreamResolverOptions { StreamName = "dock-3", CreateIfMissing = true });
/// var target = await resolver.ResolveAsync();
/// // POST {target.PutMediaEndpoint}/putMedia; when target.Stream.PersistsMedia is false, RECEIVED is the last acknowledgement.
/// </code>
/// </example>
/// </remarks>
public sealed partial class KinesisVideoStreamResolver : IDisposable
{
    private readonly KinesisVideoClient _client;
    private readonly KinesisVideoStreamResolverOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private KinesisVideoStreamTarget? _target;

    /// <summary>Creates the resolver of one stream.</summary>
    /// <param name="client">The client to call the control plane with; not disposed by the resolver.</param>
    /// <param name="options">The stream and how to resolve it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public KinesisVideoStreamResolver(KinesisVideoClient client, KinesisVideoStreamResolverOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(nameof(options));
        _client = client;
        _options = options;
        _logger = options.LoggerFactory.CreateLogger<KinesisVideoStreamResolver>();
    }

    /// <summary>The stream's name.</summary>
    public string StreamName => _options.StreamName;

    /// <summary>The last successful resolution, or <see langword="null"/> before the first one.</summary>
    public KinesisVideoStreamTarget? Current => Volatile.Read(ref _target);

    /// <summary>
    /// The stream and its <c>PUT_MEDIA</c> endpoint: from the cache when resolved before, otherwise DescribeStream (and
    /// CreateStream and the wait for <c>ACTIVE</c> when allowed) then GetDataEndpoint.
    /// </summary>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <exception cref="KinesisVideoStreamException">
    /// The stream is missing and may not be created (<see cref="KinesisVideoStreamProblem.NotFound"/>), is being deleted
    /// (<see cref="KinesisVideoStreamProblem.Deleting"/>), did not become active within <see cref="KinesisVideoStreamResolverOptions.ActiveTimeout"/>
    /// (<see cref="KinesisVideoStreamProblem.NotActive"/>), or a call was refused (<see cref="KinesisVideoStreamProblem.AccessDenied"/>, naming its IAM action).
    /// </exception>
    /// <exception cref="AwsServiceException">The service refused a call otherwise.</exception>
    /// <exception cref="TimeoutException">A call had no answer within the client's timeout.</exception>
    /// <exception cref="HttpRequestException">The control plane could not be reached.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The resolver was disposed before anything was resolved.</exception>
    public async Task<KinesisVideoStreamTarget> ResolveAsync(CancellationToken cancellationToken = default)
    {
        if (Current is { } cached)
        {
            return cached;
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Current ?? Publish(await ResolveStreamAsync(cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Asks GetDataEndpoint again for the <c>PUT_MEDIA</c> endpoint after a connection to <paramref name="failed"/>'s endpoint
    /// failed, and caches the answer. When the cached target is no longer <paramref name="failed"/> (another caller reloaded
    /// it meanwhile), that newer target is returned without another call: several connections failing at once reload once.
    /// </summary>
    /// <param name="failed">The target whose endpoint failed, as <see cref="ResolveAsync"/> or an earlier reload returned it; <see cref="Current"/> to reload whatever is cached.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentNullException"><paramref name="failed"/> is null.</exception>
    /// <exception cref="KinesisVideoStreamException">The stream no longer exists (<see cref="KinesisVideoStreamProblem.NotFound"/>) or the call was refused (<see cref="KinesisVideoStreamProblem.AccessDenied"/>); the cached target stays.</exception>
    /// <exception cref="AwsServiceException">The service refused the call otherwise.</exception>
    /// <exception cref="TimeoutException">The call had no answer within the client's timeout.</exception>
    /// <exception cref="HttpRequestException">The control plane could not be reached.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The resolver was disposed.</exception>
    public async Task<KinesisVideoStreamTarget> ReloadEndpointAsync(KinesisVideoStreamTarget failed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(failed);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Current is { } current && !ReferenceEquals(current, failed))
            {
                return current;
            }
            var endpoint = await _client.GetDataEndpointAsync(StreamName, KinesisVideoDataApi.PutMedia, cancellationToken).ConfigureAwait(false);
            LogReloaded(_logger, StreamName, _client.Region, failed.PutMediaEndpoint.Host, endpoint.Host);
            return Publish(failed with { PutMediaEndpoint = endpoint });
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Releases the resolver's lock; calls that need the service afterwards throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _gate.Dispose();

    private KinesisVideoStreamTarget Publish(KinesisVideoStreamTarget target)
    {
        Volatile.Write(ref _target, target);
        return target;
    }

    private async Task<KinesisVideoStreamTarget> ResolveStreamAsync(CancellationToken cancellationToken)
    {
        var stream = await ActiveStreamAsync(cancellationToken).ConfigureAwait(false);
        var endpoint = await _client.GetDataEndpointAsync(StreamName, KinesisVideoDataApi.PutMedia, cancellationToken).ConfigureAwait(false);
        LogResolved(_logger, StreamName, _client.Region, stream.DataRetentionInHours, endpoint.Host);
        return new KinesisVideoStreamTarget(stream, _client.Region, endpoint);
    }

    /// <summary>Describes the stream, creates it when missing and allowed, and waits until it is ACTIVE.</summary>
    private async Task<KinesisVideoStreamInfo> ActiveStreamAsync(CancellationToken cancellationToken)
    {
        var created = false;
        KinesisVideoStreamInfo? stream;
        try
        {
            stream = await _client.DescribeStreamAsync(StreamName, cancellationToken).ConfigureAwait(false);
        }
        catch (KinesisVideoStreamException missing) when (missing.Problem == KinesisVideoStreamProblem.NotFound)
        {
            if (!_options.CreateIfMissing)
            {
                throw new KinesisVideoStreamException(KinesisVideoStreamProblem.NotFound, StreamName, _client.Region, missing.Operation,
                    "Or let Backpack create it (CreateIfMissing, which needs kinesisvideo:CreateStream).", missing.InnerException);
            }
            await CreateAsync(cancellationToken).ConfigureAwait(false);
            created = true;
            stream = null;
        }

        long? waitingSince = null;
        while (true)
        {
            if (stream is not null)
            {
                switch (stream.Status)
                {
                    case KinesisVideoStreamStatus.Active:
                        return stream;
                    case KinesisVideoStreamStatus.Deleting:
                        throw new KinesisVideoStreamException(KinesisVideoStreamProblem.Deleting, StreamName, _client.Region, "DescribeStream");
                }
            }
            var clock = _options.TimeProvider;
            waitingSince ??= clock.GetTimestamp();
            var waited = clock.GetElapsedTime(waitingSince.Value);
            var status = stream is null ? "not yet visible after CreateStream" : "status " + stream.Status.ToString().ToUpperInvariant();
            if (waited >= _options.ActiveTimeout)
            {
                throw new KinesisVideoStreamException(KinesisVideoStreamProblem.NotActive, StreamName, _client.Region, "DescribeStream",
                    $"It was still {status} after {_options.ActiveTimeout.TotalSeconds:0.###} s (KinesisVideoStreamResolverOptions.ActiveTimeout); " +
                    "expected ACTIVE. Look at the stream in the console, or allow more time.");
            }
            LogWaiting(_logger, StreamName, _client.Region, status, waited.TotalSeconds);
            var pause = _options.ActiveTimeout - waited < _options.PollInterval ? _options.ActiveTimeout - waited : _options.PollInterval;
            await Task.Delay(pause, clock, cancellationToken).ConfigureAwait(false);
            try
            {
                stream = await _client.DescribeStreamAsync(StreamName, cancellationToken).ConfigureAwait(false);
            }
            catch (KinesisVideoStreamException missing) when (created && missing.Problem == KinesisVideoStreamProblem.NotFound)
            {
                // Just created: DescribeStream may not see the new stream yet.
                stream = null;
            }
        }
    }

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        try
        {
            var arn = await _client.CreateStreamAsync(StreamName, _options.Creation, cancellationToken).ConfigureAwait(false);
            LogCreated(_logger, StreamName, _client.Region, arn, _options.Creation.DataRetentionInHours);
        }
        catch (AwsServiceException error) when (error.ErrorCode == "ResourceInUseException")
        {
            // Created by someone else between DescribeStream and CreateStream: wait for it like for our own.
            LogCreatedMeanwhile(_logger, StreamName, _client.Region);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Kinesis video stream {Stream} in {Region}: ACTIVE, {RetentionHours} h of retention, PUT_MEDIA endpoint {EndpointHost}")]
    private static partial void LogResolved(ILogger logger, string stream, string region, int retentionHours, string endpointHost);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kinesis video stream {Stream} in {Region}: PUT_MEDIA endpoint reloaded, {OldHost} -> {NewHost}")]
    private static partial void LogReloaded(ILogger logger, string stream, string region, string oldHost, string newHost);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kinesis video stream {Stream} did not exist in {Region}: created it ({Arn}, {RetentionHours} h of retention)")]
    private static partial void LogCreated(ILogger logger, string stream, string region, string arn, int retentionHours);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kinesis video stream {Stream} in {Region} was created by someone else meanwhile (ResourceInUseException); waiting for it")]
    private static partial void LogCreatedMeanwhile(ILogger logger, string stream, string region);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kinesis video stream {Stream} in {Region}: {Status}; waiting for ACTIVE ({WaitedSeconds:0.#} s so far)")]
    private static partial void LogWaiting(ILogger logger, string stream, string region, string status, double waitedSeconds);
}
