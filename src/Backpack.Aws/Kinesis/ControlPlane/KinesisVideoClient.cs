using System.Text.Json;
using Amazon.Runtime;
using Backpack.Aws.Http;

namespace Backpack.Aws.Kinesis;

/// <summary>
/// A thin client of the Amazon Kinesis Video Streams control plane (REST-JSON, API version 2017-09-30, signing name
/// <c>kinesisvideo</c>): DescribeStream, CreateStream, GetDataEndpoint, and the archived-media call
/// GetHLSStreamingSessionURL that a data endpoint answers.
/// </summary>
/// <remarks>
/// <para>
/// IAM actions: <c>kinesisvideo:DescribeStream</c>, <c>kinesisvideo:CreateStream</c>, <c>kinesisvideo:GetDataEndpoint</c>,
/// <c>kinesisvideo:GetHLSStreamingSessionURL</c>, one per operation, on the stream's ARN
/// (<c>arn:aws:kinesisvideo:{region}:{account}:stream/{name}/*</c>). A refusal, a missing stream and a stream with no data
/// to play are <see cref="KinesisVideoStreamException"/>s that name the stream, the region and the action; other
/// refusals are <see cref="AwsServiceException"/>s. Throttling (<c>ClientLimitExceededException</c>), 5xx answers and
/// network failures are retried as <see cref="AwsClientOptions"/> says.
/// </para>
/// <para>
/// <see cref="AwsClientOptions.EndpointUrl"/> replaces the control-plane endpoint (<c>https://kinesisvideo.{region}.amazonaws.com</c>)
/// only; data endpoints are whatever GetDataEndpoint answers.
/// </para>
/// <para>Thread-safe; create one and share it. Dispose it to release its connections.</para>
/// <example>
/// <code>
/// using var kinesis = new KinesisVideoClient(new AwsClientOptions { Region = "eu-west-1" });
/// var endpoint = await kinesis.GetDataEndpointAsync("dock-3", KinesisVideoDataApi.GetHlsStreamingSessionUrl);
/// var url = await kinesis.GetHlsStreamingSessionUrlAsync(endpoint, "dock-3", TimeSpan.FromHours(1));
/// Console.WriteLine(url); // open it in any HLS player
/// </code>
/// </example>
/// </remarks>
public sealed class KinesisVideoClient : IDisposable
{
    /// <summary>The signing name of the control plane and of every data endpoint, and the control plane's host prefix.</summary>
    internal const string SigningName = "kinesisvideo";

    internal const string GetHlsStreamingSessionUrlOperation = "GetHLSStreamingSessionURL";

    /// <summary>How many data endpoints keep a client of their own; calls to further ones use a client for that call alone.</summary>
    private const int MaxCachedDataClients = 16;

    private readonly AwsClientOptions _options;
    private readonly AwsServiceClient _client;
    private readonly Dictionary<Uri, AwsServiceClient> _dataClients = [];
    private bool _disposed;

    /// <summary>Creates a client for the region and control-plane endpoint of <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid or no region is known.</exception>
    public KinesisVideoClient(AwsClientOptions options)
    {
        _client = new AwsServiceClient(SigningName, SigningName, options, nameof(options));
        _options = options;
    }

    /// <summary>The credentials this client signs with now: PutMedia is signed with the same ones.</summary>
    internal Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken) =>
        _client.CredentialsAsync("PutMedia", cancellationToken);

    /// <inheritdoc cref="AwsServiceClient.CredentialsExpiration"/>
    internal DateTimeOffset? CredentialsExpiration => _client.CredentialsExpiration;

    /// <inheritdoc cref="AwsServiceClient.ExpireCredentials"/>
    internal void ExpireCredentials() => _client.ExpireCredentials();

    /// <summary>The region this client calls and signs for.</summary>
    public string Region => _client.Region;

    /// <summary>The control-plane endpoint this client calls.</summary>
    public Uri Endpoint => _client.Endpoint;

    /// <summary>Describes a stream (<c>POST /describeStream</c>; IAM action <c>kinesisvideo:DescribeStream</c>).</summary>
    /// <param name="streamName">The stream's name: 1 to 256 letters, digits, <c>_</c>, <c>.</c> or <c>-</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stream as the service describes it now.</returns>
    /// <exception cref="ArgumentException"><paramref name="streamName"/> is not a valid stream name.</exception>
    /// <exception cref="KinesisVideoStreamException">The stream does not exist (<see cref="KinesisVideoStreamProblem.NotFound"/>) or the call is not allowed (<see cref="KinesisVideoStreamProblem.AccessDenied"/>).</exception>
    /// <exception cref="AwsServiceException">The service refused the call otherwise, or its answer could not be read (<c>MalformedResponse</c>).</exception>
    /// <exception cref="TimeoutException">No answer within <see cref="AwsClientOptions.Timeout"/>.</exception>
    /// <exception cref="HttpRequestException">The endpoint could not be reached.</exception>
    public async Task<KinesisVideoStreamInfo> DescribeStreamAsync(string streamName, CancellationToken cancellationToken = default)
    {
        KinesisVideoWire.CheckStreamName(streamName, nameof(streamName));
        var response = await SendAsync(_client, "DescribeStream", "/describeStream", streamName, KinesisVideoWire.DescribeStreamBody(streamName), cancellationToken).ConfigureAwait(false);
        return Read(response, "DescribeStream", body => KinesisVideoWire.ParseDescribeStream(body, streamName));
    }

    /// <summary>
    /// Creates a stream (<c>POST /createStream</c>; IAM action <c>kinesisvideo:CreateStream</c>; a policy that restricts tagging
    /// may also want <c>kinesisvideo:TagStream</c> for tags given here). The call is asynchronous: the stream is <c>CREATING</c> at first and takes media once
    /// <see cref="DescribeStreamAsync"/> reports it <c>ACTIVE</c>.
    /// </summary>
    /// <param name="streamName">The stream's name: 1 to 256 letters, digits, <c>_</c>, <c>.</c> or <c>-</c>.</param>
    /// <param name="settings">Retention, KMS key, tags and media type; <see langword="null"/>: the defaults of <see cref="KinesisVideoStreamSettings"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new stream's ARN.</returns>
    /// <exception cref="ArgumentException">The name or a setting is not what the service accepts.</exception>
    /// <exception cref="KinesisVideoStreamException">The call is not allowed (<see cref="KinesisVideoStreamProblem.AccessDenied"/>).</exception>
    /// <exception cref="AwsServiceException">
    /// The service refused the call otherwise, e.g. <c>ResourceInUseException</c> (a stream of that name exists),
    /// <c>AccountStreamLimitExceededException</c>, <c>TagsPerResourceExceededLimitException</c>.
    /// </exception>
    /// <exception cref="TimeoutException">No answer within <see cref="AwsClientOptions.Timeout"/>.</exception>
    /// <exception cref="HttpRequestException">The endpoint could not be reached.</exception>
    public async Task<string> CreateStreamAsync(string streamName, KinesisVideoStreamSettings? settings = null, CancellationToken cancellationToken = default)
    {
        KinesisVideoWire.CheckStreamName(streamName, nameof(streamName));
        settings ??= new KinesisVideoStreamSettings();
        if (KinesisVideoWire.SettingsProblem(settings) is { } problem)
        {
            throw new ArgumentException(problem, nameof(settings));
        }
        var response = await SendAsync(_client, "CreateStream", "/createStream", streamName, KinesisVideoWire.CreateStreamBody(streamName, settings), cancellationToken).ConfigureAwait(false);
        return Read(response, "CreateStream", KinesisVideoWire.ParseCreateStream);
    }

    /// <summary>
    /// Gets the data endpoint that serves one API of a stream (<c>POST /getDataEndpoint</c>; IAM action
    /// <c>kinesisvideo:GetDataEndpoint</c>). The service's quota is 5 calls per second per stream: cache the endpoint and
    /// ask again when a connection to it fails (<see cref="KinesisVideoStreamResolver"/> does).
    /// </summary>
    /// <param name="streamName">The stream's name.</param>
    /// <param name="api">The API the endpoint is for.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The endpoint, e.g. <c>https://s-0123abcd.kinesisvideo.us-east-1.amazonaws.com</c>, without the API's path.</returns>
    /// <exception cref="ArgumentException"><paramref name="streamName"/> is not a valid stream name.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="api"/> is not a defined value.</exception>
    /// <exception cref="KinesisVideoStreamException">The stream does not exist (<see cref="KinesisVideoStreamProblem.NotFound"/>) or the call is not allowed (<see cref="KinesisVideoStreamProblem.AccessDenied"/>).</exception>
    /// <exception cref="AwsServiceException">The service refused the call otherwise, or its answer has no usable URL (<c>MalformedResponse</c>).</exception>
    /// <exception cref="TimeoutException">No answer within <see cref="AwsClientOptions.Timeout"/>.</exception>
    /// <exception cref="HttpRequestException">The endpoint could not be reached.</exception>
    public async Task<Uri> GetDataEndpointAsync(string streamName, KinesisVideoDataApi api, CancellationToken cancellationToken = default)
    {
        KinesisVideoWire.CheckStreamName(streamName, nameof(streamName));
        var body = KinesisVideoWire.GetDataEndpointBody(streamName, api);
        var response = await SendAsync(_client, "GetDataEndpoint", "/getDataEndpoint", streamName, body, cancellationToken).ConfigureAwait(false);
        return Read(response, "GetDataEndpoint", KinesisVideoWire.ParseDataEndpoint);
    }

    /// <summary>
    /// Gets a URL that plays the live stream in any HLS player (<c>POST {dataEndpoint}/getHLSStreamingSessionURL</c>, Kinesis
    /// Video Streams Archived Media, <c>PlaybackMode</c> <c>LIVE</c>; IAM action <c>kinesisvideo:GetHLSStreamingSessionURL</c>).
    /// </summary>
    /// <remarks>
    /// The URL carries a session token that gives access to the stream's media until it expires: hand it only to those
    /// who may watch, one player per URL. The stream must keep data (retention above 0 hours) and have received a fragment
    /// within the last 30 seconds.
    /// </remarks>
    /// <param name="dataEndpoint">The stream's data endpoint for <see cref="KinesisVideoDataApi.GetHlsStreamingSessionUrl"/>, from <see cref="GetDataEndpointAsync"/>.</param>
    /// <param name="streamName">The stream's name.</param>
    /// <param name="expires">How long the session lasts, 300 to 43200 seconds in whole seconds; <see langword="null"/> (default): the service's default of 300 s.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The URL of the session's HLS master playlist.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataEndpoint"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="dataEndpoint"/> is not an absolute http or https URL, or <paramref name="streamName"/> is not a valid stream name.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expires"/> is outside 300 to 43200 seconds or not whole seconds.</exception>
    /// <exception cref="KinesisVideoStreamException">
    /// The call is not allowed (<see cref="KinesisVideoStreamProblem.AccessDenied"/>), nothing was streamed in the last 30 s
    /// (<see cref="KinesisVideoStreamProblem.NoRecentMedia"/>) or the stream keeps no data (<see cref="KinesisVideoStreamProblem.NoDataRetention"/>).
    /// </exception>
    /// <exception cref="AwsServiceException">
    /// The service refused the call otherwise, e.g. <c>UnsupportedStreamMediaTypeException</c>, <c>MissingCodecPrivateDataException</c>.
    /// </exception>
    /// <exception cref="TimeoutException">No answer within <see cref="AwsClientOptions.Timeout"/>.</exception>
    /// <exception cref="HttpRequestException">The endpoint could not be reached.</exception>
    public async Task<Uri> GetHlsStreamingSessionUrlAsync(Uri dataEndpoint, string streamName, TimeSpan? expires = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataEndpoint);
        if (!dataEndpoint.IsAbsoluteUri || (dataEndpoint.Scheme != Uri.UriSchemeHttps && dataEndpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"The data endpoint \"{dataEndpoint}\" must be an absolute http or https URL, as GetDataEndpoint answers it.", nameof(dataEndpoint));
        }
        KinesisVideoWire.CheckStreamName(streamName, nameof(streamName));
        if (expires is { } value && (value < KinesisVideoWire.MinExpires || value > KinesisVideoWire.MaxExpires || value.Ticks % TimeSpan.TicksPerSecond != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(expires), value, "An HLS session lasts 300 to 43200 whole seconds (5 minutes to 12 hours).");
        }
        var body = KinesisVideoWire.GetHlsStreamingSessionUrlBody(streamName, expires);
        var (client, owned) = DataClient(dataEndpoint);
        try
        {
            var response = await SendAsync(client, GetHlsStreamingSessionUrlOperation, "/getHLSStreamingSessionURL", streamName, body, cancellationToken).ConfigureAwait(false);
            return Read(response, GetHlsStreamingSessionUrlOperation, KinesisVideoWire.ParseHlsStreamingSessionUrl);
        }
        finally
        {
            if (owned)
            {
                client.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_dataClients)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var client in _dataClients.Values)
            {
                client.Dispose();
            }
            _dataClients.Clear();
        }
        _client.Dispose();
    }

    /// <summary>The options of this client with another endpoint: every other setting, the resolved region included, kept.</summary>
    internal static AwsClientOptions WithEndpoint(AwsClientOptions options, string region, Uri endpoint) => new()
    {
        Region = region,
        EndpointUrl = endpoint,
        Credentials = options.Credentials,
        Timeout = options.Timeout,
        MaxAttempts = options.MaxAttempts,
        RetryBaseDelay = options.RetryBaseDelay,
        MaxRetryDelay = options.MaxRetryDelay,
        ConnectTimeout = options.ConnectTimeout,
        TimeProvider = options.TimeProvider,
        LoggerFactory = options.LoggerFactory,
    };

    /// <summary>The client of a data endpoint, and whether the caller must dispose it (when the cache is full).</summary>
    private (AwsServiceClient Client, bool Owned) DataClient(Uri dataEndpoint)
    {
        lock (_dataClients)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_dataClients.TryGetValue(dataEndpoint, out var cached))
            {
                return (cached, false);
            }
            var client = new AwsServiceClient(SigningName, SigningName, WithEndpoint(_options, Region, dataEndpoint), nameof(dataEndpoint));
            if (_dataClients.Count >= MaxCachedDataClients)
            {
                return (client, true);
            }
            _dataClients.Add(dataEndpoint, client);
            return (client, false);
        }
    }

    private async Task<AwsResponse> SendAsync(AwsServiceClient client, string operation, string path, string streamName, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            return await client.SendAsync(new AwsRequest(operation, HttpMethod.Post, path, [], body, KinesisVideoWire.ContentType), cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException error) when (KinesisVideoErrors.Problem(operation, error) is { } problem)
        {
            throw new KinesisVideoStreamException(problem, streamName, Region, operation, innerException: error);
        }
    }

    private static T Read<T>(AwsResponse response, string operation, Func<byte[], T> parse)
    {
        try
        {
            return parse(response.Body);
        }
        catch (FormatException exception)
        {
            throw new AwsServiceException(SigningName, operation, response.StatusCode, "MalformedResponse",
                $"the answer is not the JSON the API documents: {exception.Message}", response.RequestId, exception);
        }
    }
}
