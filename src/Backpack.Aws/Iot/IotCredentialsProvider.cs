using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Amazon.Runtime;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Iot;

/// <summary>
/// Temporary AWS credentials from the AWS IoT credentials provider, authenticated by the device's X.509 certificate
/// instead of AWS keys: a mutual-TLS <c>GET /role-aliases/{alias}/credentials</c> with the thing name in
/// <c>x-amzn-iot-thingname</c>. Usable wherever AWSSDK.Core takes <see cref="AWSCredentials"/> (Kinesis, CloudWatch).
/// </summary>
/// <remarks>
/// <para>
/// The first request fetches credentials (or <see cref="StartAsync"/> does it at start, failing early on a wrong
/// configuration). From then on a background task fetches new ones at a random 80–95 % of each lifetime (as the AWS
/// SDKs do, so a fleet does not ask all at once), so no request waits for a refresh. A failed refresh keeps the current
/// credentials while they are valid and is retried with back-off (1 s doubling to 1 min); only when they have
/// expired does a request fetch itself, and fail with <see cref="IotCredentialsException"/> if that fails too.
/// </para>
/// <para>
/// The certificate and key are read once, at construction: a missing or unreadable file, or a key that does not
/// match the certificate, is an <see cref="ArgumentException"/> there. Neither the private key nor the secret key
/// or session token ever reaches a log, an exception or <see cref="ToString"/>.
/// </para>
/// <para>Thread safe. Dispose it to stop the background refresh and close its connections.</para>
/// </remarks>
public sealed partial class IotCredentialsProvider : AWSCredentials, IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);

    // Credentials closer than this to their expiry are not handed out: a request signed with them could arrive late.
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(5);

    private readonly IotCredentialsProviderOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly X509Certificate2 _certificate;
    private readonly X509Certificate2Collection? _roots;
    private readonly string _host;
    private readonly Uri _uri;
    private readonly SemaphoreSlim _fetchLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private volatile Snapshot? _current;
    private Task? _refresher;
    private int _disposed;

    /// <summary>Creates a provider for one thing; reads and checks the certificate and key now, fetches nothing yet.</summary>
    /// <param name="options">The endpoint, role alias, thing and files.</param>
    /// <param name="loggerFactory">Where fetches and failures are logged (never a secret). Default: nowhere.</param>
    /// <param name="timeProvider">The clock expiry and the refresh schedule are judged by. Default <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// An option is invalid (every problem is listed), a file cannot be read, or the private key does not match the
    /// certificate.
    /// </exception>
    public IotCredentialsProvider(IotCredentialsProviderOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentException("The IoT credentials options are not usable: " + string.Join(" ", problems), nameof(options));
        }
        _options = options;
        _clock = timeProvider ?? TimeProvider.System;
        _logger = ContainedLoggerFactory.Wrap(loggerFactory).CreateLogger<IotCredentialsProvider>();
        _certificate = DeviceCertificate.Load(options.CertificatePath, options.PrivateKeyPath, nameof(options));
        _roots = options.RootCaPath is { Length: > 0 } rootCa ? DeviceCertificate.LoadRoots(rootCa, nameof(options)) : null;
        if (!DeviceCertificate.TryParseEndpoint(options.CredentialsEndpoint, IotCredentialsProviderOptions.DefaultPort, out _host, out var port))
        {
            throw new ArgumentException($"CredentialsEndpoint '{options.CredentialsEndpoint}' is not a host or host:port.", nameof(options));
        }
        _uri = new UriBuilder(Uri.UriSchemeHttps, _host, port, $"/role-aliases/{Uri.EscapeDataString(options.RoleAlias)}/credentials").Uri;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.RequestTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            SslOptions = new SslClientAuthenticationOptions
            {
                TargetHost = _host,
                ClientCertificates = [_certificate],
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                RemoteCertificateValidationCallback = ValidateServer,
            },
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The thing these credentials are for.</summary>
    public string ThingName => _options.ThingName;

    /// <summary>The role alias these credentials are for.</summary>
    public string RoleAlias => _options.RoleAlias;

    /// <summary>When the credentials held expire (UTC); null before the first fetch.</summary>
    public override DateTime? Expiration => _current?.Expiration.UtcDateTime;

    /// <summary>When the background task fetches new credentials next; null before the first fetch.</summary>
    public DateTimeOffset? NextRefresh => _current?.RefreshAt;

    /// <summary>Fetches the first credentials and starts the background refresh; a wrong configuration fails here.</summary>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <exception cref="IotCredentialsException">The credentials provider refused or could not be reached.</exception>
    /// <exception cref="ObjectDisposedException">The provider was disposed.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default) =>
        _ = await GetCredentialsAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Returns valid credentials; blocks the calling thread only when none are held (the first request, or after expiry).</summary>
    /// <exception cref="IotCredentialsException">No valid credentials are held and fetching failed.</exception>
    public override ImmutableCredentials GetCredentials() => GetCredentialsAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Returns valid credentials, fetching only when none are held.</summary>
    /// <exception cref="IotCredentialsException">No valid credentials are held and fetching failed.</exception>
    public override Task<ImmutableCredentials> GetCredentialsAsync() => GetCredentialsAsync(CancellationToken.None);

    /// <summary>Returns valid credentials, fetching only when none are held.</summary>
    /// <param name="cancellationToken">Cancels waiting for a fetch.</param>
    /// <exception cref="IotCredentialsException">No valid credentials are held and fetching failed.</exception>
    /// <exception cref="ObjectDisposedException">No valid credentials are held and the provider was disposed.</exception>
    public async Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        if (Usable(_current) is { } usable)
        {
            return usable.Credentials;
        }
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _fetchLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Usable(_current) is { } fetchedMeanwhile)
            {
                return fetchedMeanwhile.Credentials;
            }
            var snapshot = await FetchAsync(cancellationToken).ConfigureAwait(false);
            _current = snapshot;
            StartRefresher();
            return snapshot.Credentials;
        }
        finally
        {
            _fetchLock.Release();
        }
    }

    /// <summary>
    /// Forgets the credentials held, so the next request fetches new ones: for a service that refused them as expired
    /// or revoked.
    /// </summary>
    public void Invalidate() => _current = null;

    /// <summary>The endpoint, thing, role alias and the access key id (masked); never a secret.</summary>
    public override string ToString()
    {
        var current = _current;
        var held = current is null ? "not fetched yet" : $"access key {Credentials.TemporaryCredentials.Mask(current.Credentials.AccessKey)}, expires {current.Expiration:O}";
        return $"IotCredentialsProvider(thing {_options.ThingName}, role alias {_options.RoleAlias}, endpoint {_options.CredentialsEndpoint}, {held})";
    }

    /// <summary>Stops the background refresh and closes the connections. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _refresher) is { } refresher)
        {
            await refresher.ConfigureAwait(false);
        }
        _http.Dispose();
        _certificate.Dispose();
    }

    /// <summary>As <see cref="DisposeAsync"/>, without waiting for a refresh in flight (it ends on its own).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stop.Cancel();
        _http.Dispose();
    }

    /// <summary>The moment to refresh credentials fetched at <paramref name="fetchedAt"/>: a random 80–95 % into their lifetime.</summary>
    /// <remarks>Whole seconds after the fetch, which is all the precision a refresh needs and reads well in logs.</remarks>
    internal static DateTimeOffset RefreshAt(DateTimeOffset fetchedAt, DateTimeOffset expiration, double random) =>
        fetchedAt + TimeSpan.FromSeconds(Math.Floor((expiration - fetchedAt).TotalSeconds * (0.80 + (0.15 * random))));

    private Snapshot? Usable(Snapshot? snapshot) =>
        snapshot is not null && _clock.GetUtcNow() < snapshot.Expiration - ExpiryMargin ? snapshot : null;

    private void StartRefresher()
    {
        if (Volatile.Read(ref _refresher) is null && Volatile.Read(ref _disposed) == 0)
        {
            Volatile.Write(ref _refresher, BackgroundWork.RunAsync("IoT credentials refresh", _logger, RefreshLoopAsync));
        }
    }

    private async Task RefreshLoopAsync()
    {
        var token = _stop.Token;
        var retryDelay = FirstRetryDelay;
        var failures = 0;
        DateTimeOffset? retryAt = null;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var due = retryAt ?? _current?.RefreshAt ?? _clock.GetUtcNow();
                var wait = due - _clock.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _clock, token).ConfigureAwait(false);
                }
                await _fetchLock.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    _current = await FetchAsync(token).ConfigureAwait(false);
                }
                finally
                {
                    _fetchLock.Release();
                }
                retryAt = null;
                retryDelay = FirstRetryDelay;
                failures = 0;
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                return; // disposed: a fetch in flight ends with it
            }
#pragma warning disable CA1031 // A background task: every failure is logged and retried; none may end the process.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failures++;
                var expiration = _current?.Expiration;
                retryAt = _clock.GetUtcNow() + retryDelay;
                LogRefreshFailed(_logger, _options.ThingName, failures, exception.Message, expiration, retryDelay.TotalSeconds);
                retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    private async Task<Snapshot> FetchAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, _uri);
        request.Headers.Add("x-amzn-iot-thingname", _options.ThingName);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("backpack-dotnet-iot", "1.0"));
        HttpResponseMessage response;
        byte[] body;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure($"no answer from {_options.CredentialsEndpoint} within {_options.RequestTimeout.TotalSeconds:0.#} s", null, null);
        }
        catch (HttpRequestException exception)
        {
            var tls = exception.InnerException is AuthenticationException or IOException || exception.HttpRequestError == HttpRequestError.SecureConnectionError;
            throw Failure(
                tls
                    ? $"the mutual-TLS connection to {_options.CredentialsEndpoint} failed ({exception.Message}): check that it is the account's credentials endpoint (iot:CredentialProvider, not the data endpoint), that the certificate is registered and ACTIVE in AWS IoT, and that {(_roots is null ? "the system trusts" : $"RootCaPath {_options.RootCaPath} holds")} the endpoint's root CA"
                    : $"{_options.CredentialsEndpoint} could not be reached: {exception.Message}",
                null, exception);
        }
        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var status = (int)response.StatusCode;
                var message = ServiceMessage(body);
                throw Failure(status switch
                {
                    403 => $"refused (403{message}): check that the certificate is attached to the thing {_options.ThingName} and ACTIVE, and that its IoT policy allows iot:AssumeRoleWithCertificate on the role alias {_options.RoleAlias}",
                    404 => $"refused (404{message}): check that the role alias {_options.RoleAlias} exists in this account and region",
                    _ => $"answered {status}{message}",
                }, status, null);
            }
            var snapshot = Parse(body);
            if (snapshot.Expiration <= _clock.GetUtcNow() + ExpiryMargin)
            {
                throw Failure($"answered credentials that expire at {snapshot.Expiration:O}, before now: check the device's clock (NTP)", 200, null);
            }
            var maskedKey = Credentials.TemporaryCredentials.Mask(snapshot.Credentials.AccessKey);
            LogFetched(_logger, _options.ThingName, maskedKey, snapshot.Expiration, snapshot.RefreshAt);
            return snapshot;
        }
    }

    private Snapshot Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var credentials = document.RootElement.GetProperty("credentials");
            var accessKey = credentials.GetProperty("accessKeyId").GetString();
            var secretKey = credentials.GetProperty("secretAccessKey").GetString();
            var token = credentials.GetProperty("sessionToken").GetString();
            var expirationText = credentials.GetProperty("expiration").GetString();
            if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey) || string.IsNullOrEmpty(token) ||
                !DateTimeOffset.TryParse(expirationText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expiration))
            {
                throw new FormatException("a credential field is empty or the expiration is not an ISO-8601 time");
            }
            var now = _clock.GetUtcNow();
            return new Snapshot(new ImmutableCredentials(accessKey, secretKey, token), expiration, RefreshAt(now, expiration, Random.Shared.NextDouble()));
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // The body holds secrets: the message says what was wrong, never what was there.
            throw Failure($"answered 200 with a body that is not the documented credentials JSON ({exception.GetType().Name})", 200, null);
        }
    }

    private IotCredentialsException Failure(string what, int? status, Exception? inner) =>
        new($"AWS IoT credentials for thing {_options.ThingName} (role alias {_options.RoleAlias}): {what}.", status, _options.ThingName, _options.RoleAlias, inner);

    /// <summary>The <c>message</c> of an error body, as <c>: text</c>; empty when there is none.</summary>
    private static string ServiceMessage(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                ? $": {message.GetString()}"
                : string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }

    private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        DeviceCertificate.ValidateServer(_roots, certificate, chain, errors);

    private sealed record Snapshot(ImmutableCredentials Credentials, DateTimeOffset Expiration, DateTimeOffset RefreshAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "AWS IoT credentials for thing {Thing}: {AccessKey}, valid until {Expiration:O}, next refresh at {RefreshAt:O}")]
    private static partial void LogFetched(ILogger logger, string thing, string accessKey, DateTimeOffset expiration, DateTimeOffset refreshAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "AWS IoT credentials for thing {Thing}: refresh failed ({Failures} in a row): {Reason}; the current ones stay valid until {Expiration:O}; next try in {RetrySeconds} s")]
    private static partial void LogRefreshFailed(ILogger logger, string thing, int failures, string reason, DateTimeOffset? expiration, double retrySeconds);
}
