using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backpack.Aws.Credentials;

/// <summary>
/// Temporary AWS credentials that expire and are fetched again before they do: from AWS STS, the AWS IoT
/// credentials provider, a vault, a file another process renews.
/// </summary>
/// <remarks>
/// <para>
/// The fetch delegate returns the credentials (with their session token) and their expiry. They are kept
/// until <see cref="RefreshBefore"/> ahead of that expiry; the next request after that fetches new ones.
/// When a refresh fails while the old credentials are still valid, the old ones are used and the failure is
/// logged; when it fails after they expired, the request fails with the fetch's exception.
/// </para>
/// <para>
/// Use it wherever AWSSDK.Core takes <see cref="AWSCredentials"/>, for instance
/// <see cref="AwsClientOptions.Credentials"/>. Thread-safe: concurrent requests share one fetch.
/// <see cref="ToString"/> shows neither the secret key nor the session token.
/// </para>
/// <example>
/// <code>
/// var credentials = new TemporaryCredentials(async cancellationToken =>
/// {
///     var answer = await myIotCredentialsProvider.FetchAsync(cancellationToken);
///     return (new ImmutableCredentials(answer.AccessKeyId, answer.SecretAccessKey, answer.SessionToken), answer.Expiration);
/// });
/// </code>
/// </example>
/// </remarks>
public sealed partial class TemporaryCredentials : AWSCredentials, IDisposable
{
    private readonly Func<CancellationToken, Task<(ImmutableCredentials Credentials, DateTimeOffset Expiration)>> _fetch;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    // Never disposed: a SemaphoreSlim whose AvailableWaitHandle is never asked for holds nothing to release, and
    // disposing it would fail a request still inside a fetch when it releases the lock.
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private volatile Snapshot? _current;
    private volatile bool _disposed;

    /// <summary>Creates credentials that call <paramref name="fetch"/> whenever new ones are needed.</summary>
    /// <param name="fetch">Returns fresh credentials and the time they expire; called at the first request and before each expiry.</param>
    /// <param name="refreshBefore">How long before expiry to fetch new credentials. Default 5 minutes; zero or more.</param>
    /// <param name="timeProvider">The clock expiry is judged by. Default <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Where refreshes and refresh failures are logged. Default: nowhere.</param>
    /// <exception cref="ArgumentNullException"><paramref name="fetch"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="refreshBefore"/> is negative.</exception>
    public TemporaryCredentials(
        Func<CancellationToken, Task<(ImmutableCredentials Credentials, DateTimeOffset Expiration)>> fetch,
        TimeSpan? refreshBefore = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        RefreshBefore = refreshBefore ?? TimeSpan.FromMinutes(5);
        ArgumentOutOfRangeException.ThrowIfLessThan(RefreshBefore, TimeSpan.Zero, nameof(refreshBefore));
        _fetch = fetch;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<TemporaryCredentials>();
    }

    /// <summary>How long before expiry new credentials are fetched.</summary>
    public TimeSpan RefreshBefore { get; }

    /// <summary>When the credentials now held expire (UTC); <see langword="null"/> before the first fetch.</summary>
    public override DateTime? Expiration => _current?.Expiration.UtcDateTime;

    /// <summary>Returns valid credentials, fetching new ones first if they are due (blocks the calling thread while fetching).</summary>
    /// <exception cref="InvalidOperationException">No valid credentials: the fetch failed or returned expired ones.</exception>
    public override ImmutableCredentials GetCredentials() => GetCredentialsAsync().GetAwaiter().GetResult();

    /// <summary>Returns valid credentials, fetching new ones first if they are due.</summary>
    /// <exception cref="InvalidOperationException">No valid credentials: the fetch failed or returned expired ones.</exception>
    public override Task<ImmutableCredentials> GetCredentialsAsync() => GetCredentialsAsync(CancellationToken.None);

    /// <summary>Returns valid credentials, fetching new ones first if they are due.</summary>
    /// <param name="cancellationToken">Cancels waiting for a fetch.</param>
    /// <exception cref="InvalidOperationException">No valid credentials: the fetch failed or returned expired ones.</exception>
    /// <exception cref="ObjectDisposedException">New credentials are due and the instance was disposed.</exception>
    public async Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        if (current is not null && !IsDue(current))
        {
            return current.Credentials;
        }
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = _current;
            if (current is not null && !IsDue(current))
            {
                return current.Credentials;
            }
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                var (credentials, expiration) = await _fetch(cancellationToken).ConfigureAwait(false);
                if (credentials is null || string.IsNullOrEmpty(credentials.AccessKey) || string.IsNullOrEmpty(credentials.SecretKey))
                {
                    throw new InvalidOperationException("The credentials fetch returned no access key or secret key.");
                }
                if (expiration <= _timeProvider.GetUtcNow())
                {
                    throw new InvalidOperationException($"The credentials fetch returned credentials that expired at {expiration:O}.");
                }
                _current = new Snapshot(credentials, expiration);
                var maskedKey = Mask(credentials.AccessKey);
                LogRefreshed(_logger, maskedKey, expiration);
                return credentials;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                if (current is not null && current.Expiration > _timeProvider.GetUtcNow())
                {
                    LogRefreshFailedKeepingOld(_logger, exception.GetType().Name, exception.Message, current.Expiration);
                    return current.Credentials;
                }
                throw new InvalidOperationException($"No valid temporary AWS credentials: {exception.Message}", exception);
            }
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <summary>Forgets the credentials held, so that the next request fetches new ones.</summary>
    public void Invalidate() => _current = null;

    /// <summary>
    /// Stops fetching: later requests get the credentials held while they are valid, and then
    /// <see cref="ObjectDisposedException"/>. A fetch in flight finishes and its callers get its credentials. Idempotent.
    /// </summary>
    public void Dispose() => _disposed = true;

    /// <summary>The access key id (masked) and expiry; never the secret key or session token.</summary>
    public override string ToString()
    {
        var current = _current;
        return current is null
            ? "TemporaryCredentials(not fetched yet)"
            : $"TemporaryCredentials(access key {Mask(current.Credentials.AccessKey)}, expires {current.Expiration:O})";
    }

    /// <summary>Shows the first four and last two characters of an access key id.</summary>
    internal static string Mask(string accessKeyId) =>
        accessKeyId.Length <= 8 ? "****" : $"{accessKeyId[..4]}****{accessKeyId[^2..]}";

    private bool IsDue(Snapshot snapshot) => _timeProvider.GetUtcNow() >= snapshot.Expiration - RefreshBefore;

    private sealed record Snapshot(ImmutableCredentials Credentials, DateTimeOffset Expiration);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetched temporary AWS credentials {AccessKey}, valid until {Expiration:O}")]
    private static partial void LogRefreshed(ILogger logger, string accessKey, DateTimeOffset expiration);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing temporary AWS credentials failed ({ErrorType}: {ErrorMessage}); keeping the current ones, valid until {Expiration:O}")]
    private static partial void LogRefreshFailedKeepingOld(ILogger logger, string errorType, string errorMessage, DateTimeOffset expiration);
}
