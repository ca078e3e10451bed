using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Backpack.Aws.Signing;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Http;

/// <summary>
/// Sends signed requests to one AWS service: SigV4 signing, one timeout per call, retries of throttling,
/// 5xx answers and network failures with jittered exponential backoff, and errors turned into
/// <see cref="AwsServiceException"/>. Thread-safe; one instance per typed client.
/// </summary>
internal sealed partial class AwsServiceClient : IDisposable
{
    private static readonly string UserAgent =
        $"backpack-dotnet/{typeof(AwsServiceClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0"} dotnet/{Environment.Version}";

    private readonly HttpClient _http;
    private readonly AwsClientOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _credentialsLock = new(1, 1);
    private readonly SigV4Signer _signer = new();
    private AWSCredentials? _credentials;
    private DefaultAWSCredentialsIdentityResolver? _defaultChain;

    /// <summary>Creates the client of one service.</summary>
    /// <param name="signingName">The SigV4 signing name, e.g. <c>monitoring</c>.</param>
    /// <param name="endpointPrefix">The host prefix of the public endpoint, e.g. <c>monitoring</c>.</param>
    /// <param name="options">The validated options.</param>
    /// <param name="parameterName">The name of the caller's options parameter, for argument errors.</param>
    internal AwsServiceClient(string signingName, string endpointPrefix, AwsClientOptions options, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(options, parameterName);
        Region = options.Validate(parameterName);
        _options = options;
        SigningName = signingName;
        Endpoint = options.EndpointUrl ?? AwsRegions.Endpoint(endpointPrefix, Region);
        _credentials = options.Credentials;
        _logger = options.LoggerFactory.CreateLogger("Backpack.Aws." + signingName);
        _http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = options.ConnectTimeout ?? (options.Timeout < TimeSpan.FromSeconds(10) ? options.Timeout : TimeSpan.FromSeconds(10)),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            UseCookies = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The region requests are signed for.</summary>
    internal string Region { get; }

    /// <summary>The service's signing name.</summary>
    internal string SigningName { get; }

    /// <summary>The endpoint requests go to.</summary>
    internal Uri Endpoint { get; }

    /// <summary>Sends a request, retrying what is worth retrying, within the call timeout.</summary>
    /// <remarks>
    /// A network failure is any failure to exchange the request: a refused or reset connection, and a cancellation
    /// nobody asked for, such as the handler's connect timeout. It is retried like a throttled answer while attempts and
    /// time remain. Only <paramref name="cancellationToken"/> ends a call with <see cref="OperationCanceledException"/>.
    /// </remarks>
    /// <exception cref="AwsServiceException">The service answered with an error.</exception>
    /// <exception cref="TimeoutException">No answer within <see cref="AwsClientOptions.Timeout"/>, waits between attempts included.</exception>
    /// <exception cref="HttpRequestException">The endpoint could not be reached in any attempt.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    internal async Task<AwsResponse> SendAsync(AwsRequest request, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_options.Timeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var token = linked.Token;
        string? lastProblem = null;
        for (var attempt = 1; ; attempt++)
        {
            RetryConditionHeaderValue? retryAfter = null;
            try
            {
                var credentials = await CredentialsAsync(request.Operation, token).ConfigureAwait(false);
                using var message = BuildMessage(request, credentials);
                using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
                var body = await response.Content.ReadAsByteArrayAsync(token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return new AwsResponse((int)response.StatusCode, body, AwsErrors.RequestId(response));
                }
                var error = AwsErrors.Read(SigningName, request.Operation, response, body);
                if (!AwsErrors.IsRetryable(error.StatusCode, error.ErrorCode) || attempt >= _options.MaxAttempts)
                {
                    LogFailed(_logger, SigningName, request.Operation, error.ErrorCode, error.StatusCode, error.RequestId, attempt);
                    throw error;
                }
                lastProblem = $"{error.ErrorCode} (HTTP {error.StatusCode})";
                retryAfter = response.Headers.RetryAfter;
            }
            catch (Exception exception) when ((exception is OperationCanceledException && !cancellationToken.IsCancellationRequested) || exception is HttpRequestException)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (deadline.IsCancellationRequested)
                {
                    throw TimedOut(request, attempt, lastProblem);
                }
                lastProblem = NetworkProblem(exception);
                if (attempt >= _options.MaxAttempts)
                {
                    LogUnreachable(_logger, SigningName, request.Operation, Endpoint.Host, lastProblem, attempt);
                    throw new HttpRequestException(
                        (exception as HttpRequestException)?.HttpRequestError ?? HttpRequestError.ConnectionError,
                        $"{SigningName} {request.Operation} could not reach {Endpoint.GetLeftPart(UriPartial.Authority)} in {attempt} attempt(s): {NetworkMessage(exception)}",
                        exception);
                }
            }
            try
            {
                await WaitBeforeRetryAsync(request, attempt, lastProblem, retryAfter, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw TimedOut(request, attempt, lastProblem);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _http.Dispose();
        _credentialsLock.Dispose();
        _defaultChain?.Dispose();
    }

    private TimeoutException TimedOut(AwsRequest request, int attempts, string? lastProblem)
    {
        LogTimedOut(_logger, SigningName, request.Operation, _options.Timeout.TotalSeconds, attempts);
        return new TimeoutException(
            $"{SigningName} {request.Operation} did not complete within {_options.Timeout.TotalSeconds:0.###} s " +
            $"({attempts} attempt(s) to {Endpoint.Host}{(lastProblem is null ? "" : "; last problem: " + lastProblem)}).");
    }

    /// <summary>A short name of a network failure for logs: the <see cref="HttpRequestError"/>, <c>ConnectTimeout</c>, or the exception's type.</summary>
    private static string NetworkProblem(Exception exception) => exception switch
    {
        HttpRequestException http => http.HttpRequestError.ToString(),
        OperationCanceledException { InnerException: TimeoutException } => "ConnectTimeout",
        _ => exception.GetType().Name,
    };

    /// <summary>What went wrong, in words: a cancellation nobody asked for says why through its inner exception.</summary>
    private static string NetworkMessage(Exception exception) =>
        exception is OperationCanceledException { InnerException: { } inner } ? inner.Message : exception.Message;

    private async Task WaitBeforeRetryAsync(AwsRequest request, int attempt, string problem, RetryConditionHeaderValue? retryAfterHeader, CancellationToken token)
    {
        TimeSpan? retryAfter = retryAfterHeader?.Delta;
        if (retryAfterHeader?.Date is { } date)
        {
            retryAfter = date - _options.TimeProvider.GetUtcNow();
        }
        var delay = RetryBackoff.Delay(attempt, _options.RetryBaseDelay, _options.MaxRetryDelay, Random.Shared.NextDouble(), retryAfter);
        LogRetrying(_logger, SigningName, request.Operation, attempt, _options.MaxAttempts, problem, delay.TotalMilliseconds);
        await Task.Delay(delay, _options.TimeProvider, token).ConfigureAwait(false);
    }

    /// <summary>The credentials requests are signed with now (resolving the default chain the first time).</summary>
    internal async Task<ImmutableCredentials> CredentialsAsync(string operation, CancellationToken token)
    {
        var source = _credentials;
        if (source is null)
        {
            await _credentialsLock.WaitAsync(token).ConfigureAwait(false);
            try
            {
                // Not cached on failure: container or instance credentials may appear later.
                source = _credentials ??= await ResolveDefaultChainAsync(operation, token).ConfigureAwait(false);
            }
            finally
            {
                _credentialsLock.Release();
            }
        }
        try
        {
            return await source.GetCredentialsAsync().WaitAsync(token).ConfigureAwait(false);
        }
        catch (AmazonClientException exception)
        {
            throw new InvalidOperationException($"{SigningName} {operation}: the AWS credentials could not be obtained: {exception.Message}", exception);
        }
    }

    /// <summary>When the credentials in use expire, if they say (temporary credentials), else null.</summary>
    internal DateTimeOffset? CredentialsExpiration => _credentials?.Expiration is { } expiration
        ? new DateTimeOffset(DateTime.SpecifyKind(expiration, DateTimeKind.Utc))
        : null;

    /// <summary>
    /// Forgets the cached credentials after the service refused them as expired: refreshing ones fetch anew at the next
    /// request; static ones cannot be renewed and stay.
    /// </summary>
    internal void ExpireCredentials()
    {
        switch (_credentials)
        {
            case RefreshingAWSCredentials refreshing:
                refreshing.ClearCredentials();
                break;
            case Credentials.TemporaryCredentials temporary:
                temporary.Invalidate();
                break;
            case Iot.IotCredentialsProvider iot:
                iot.Invalidate();
                break;
        }
    }

    private async Task<AWSCredentials> ResolveDefaultChainAsync(string operation, CancellationToken token)
    {
        try
        {
            // Kept for the client's lifetime: the credentials it resolves (container, instance) refresh through it.
            _defaultChain ??= new DefaultAWSCredentialsIdentityResolver();
            return await _defaultChain.ResolveIdentityAsync(null, token).ConfigureAwait(false);
        }
        catch (AmazonClientException exception)
        {
            throw new InvalidOperationException(
                $"{SigningName} {operation}: no AWS credentials found in the default chain (environment, shared profile, " +
                $"web identity, container, EC2 instance): {exception.Message}", exception);
        }
    }

    private HttpRequestMessage BuildMessage(AwsRequest request, ImmutableCredentials credentials)
    {
        var query = EncodeQuery(request.Query);
        var basePath = Endpoint.AbsolutePath.TrimEnd('/');
        var path = basePath + request.Path;
        var uri = new UriBuilder(Endpoint) { Path = path, Query = query }.Uri;
        var body = request.Body ?? [];
        var payloadHash = SigV4Signer.HexSha256(body);
        var signedAt = _options.TimeProvider.GetUtcNow();
        var amzDate = SigV4Signer.FormatAmzDate(signedAt);

        var headers = new List<KeyValuePair<string, string>>(6)
        {
            new("Host", uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}"),
            new("X-Amz-Date", amzDate),
            new("X-Amz-Content-SHA256", payloadHash),
        };
        if (credentials.UseToken)
        {
            headers.Add(new("X-Amz-Security-Token", credentials.Token));
        }
        if (request.ContentType is not null)
        {
            headers.Add(new("Content-Type", request.ContentType));
        }
        var signature = _signer.Sign(
            request.Method.Method, uri.AbsolutePath, query, headers, payloadHash,
            credentials.AccessKey, credentials.SecretKey, Region, SigningName, signedAt);

        var message = new HttpRequestMessage(request.Method, uri);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(body);
            message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        }
        foreach (var (name, value) in headers)
        {
            if (name is "Host" or "Content-Type")
            {
                continue;
            }
            message.Headers.TryAddWithoutValidation(name, value);
        }
        message.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        message.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        return message;
    }

    /// <summary>Encodes query parameters strictly, in the order given.</summary>
    internal static string EncodeQuery(IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        if (parameters.Count == 0)
        {
            return string.Empty;
        }
        var builder = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }
            AwsUriEncoding.Encode(name, builder);
            builder.Append('=');
            AwsUriEncoding.Encode(value, builder);
        }
        return builder.ToString();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service} {Operation}: attempt {Attempt} of {MaxAttempts} failed with {Problem}; retrying in {DelayMs:0} ms")]
    private static partial void LogRetrying(ILogger logger, string service, string operation, int attempt, int maxAttempts, string problem, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service} {Operation} failed with {ErrorCode} (HTTP {StatusCode}, request id {RequestId}) after {Attempts} attempt(s)")]
    private static partial void LogFailed(ILogger logger, string service, string operation, string errorCode, int statusCode, string? requestId, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service} {Operation} timed out after {TimeoutSeconds} s and {Attempts} attempt(s)")]
    private static partial void LogTimedOut(ILogger logger, string service, string operation, double timeoutSeconds, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service} {Operation} could not reach {Host} ({Problem}) in {Attempts} attempt(s)")]
    private static partial void LogUnreachable(ILogger logger, string service, string operation, string host, string problem, int attempts);
}
