using System.Collections.Concurrent;
using System.Text.Json;
using Backpack.Aws.Tests.Fakes;

namespace Backpack.Aws.Tests.Kinesis.ControlPlane;

/// <summary>
/// A stand-in for the Kinesis Video Streams control plane and the archived-media API of a data endpoint, on one
/// <see cref="FakeAwsService"/> (signing name <c>kinesisvideo</c>, every signature verified by AWSSDK.Core's signer).
/// Keeps streams in memory and answers as the API reference and botocore's models describe: <c>/describeStream</c>,
/// <c>/createStream</c> (CREATING, then ACTIVE after <see cref="DescribesWhileCreating"/> descriptions), <c>/getDataEndpoint</c>
/// and <c>/getHLSStreamingSessionURL</c>, with the service's error codes, statuses and messages.
/// </summary>
internal sealed class FakeKinesisVideoControlPlane : IAsyncDisposable
{
    public const string Account = "123456789012";

    /// <summary>The error type header as KVS sends it (seen in aws-sdk-ios issue #3420).</summary>
    private const string ErrorNamespace = ":https://kinesisvideo.amazonaws.com/doc/2017-09-30/";

    private readonly ConcurrentDictionary<string, Stream> _streams = new(StringComparer.Ordinal);
    private int _dataEndpointCalls;
    private FakeAwsService _service = null!;

    private FakeKinesisVideoControlPlane(string region) => Region = region;

    public string Region { get; }

    public Uri Url => _service.Url;

    public IReadOnlyList<CapturedRequest> Requests => _service.Requests;

    /// <summary>The paths of the requests, in order, e.g. <c>/describeStream</c>.</summary>
    public IReadOnlyList<string> Paths => Requests.Select(r => r.Path).ToList();

    /// <summary>How many DescribeStream calls see a new stream CREATING before it is ACTIVE.</summary>
    public int DescribesWhileCreating { get; set; } = 1;

    /// <summary>How many DescribeStream calls answer 404 right after CreateStream (eventual consistency).</summary>
    public int DescribesNotFoundAfterCreate { get; set; }

    /// <summary>The operations (e.g. <c>DescribeStream</c>) the caller's policy does not allow: answered 403 AccessDeniedException.</summary>
    public ConcurrentDictionary<string, bool> Denied { get; } = new(StringComparer.Ordinal);

    /// <summary>The data endpoint GetDataEndpoint answers for its n-th call (1-based); default: this server.</summary>
    public Func<int, string>? DataEndpoint { get; set; }

    /// <summary>When set and not returning null, answers instead of the fake's own logic.</summary>
    public Func<CapturedRequest, FakeAnswer?>? Override { get; set; }

    /// <summary>Streams with a fragment in the last 30 s (else GetHLSStreamingSessionURL in LIVE mode answers 404).</summary>
    public ConcurrentDictionary<string, bool> Streaming { get; } = new(StringComparer.Ordinal);

    public static async Task<FakeKinesisVideoControlPlane> StartAsync(string region = "eu-west-1", TestCredentials? credentials = null)
    {
        var fake = new FakeKinesisVideoControlPlane(region);
        fake._service = await FakeAwsService.StartAsync("kinesisvideo", region, credentials ?? TestCredentials.Default, fake.Answer);
        return fake;
    }

    /// <summary>Adds a stream as if created long ago.</summary>
    public void AddStream(string name, string status = "ACTIVE", int retentionHours = 24, string? mediaType = "video/h264") =>
        _streams[name] = new Stream(name, $"arn:aws:kinesisvideo:{Region}:{Account}:stream/{name}/1705489836421", retentionHours, mediaType, null) { Status = status, CreatingDescribes = DescribesWhileCreating };

    public string? StatusOf(string name) => _streams.TryGetValue(name, out var stream) ? stream.Status : null;

    /// <summary>The stream's DataRetentionInHours, or null when there is no such stream.</summary>
    public int? RetentionOf(string name) => _streams.TryGetValue(name, out var stream) ? stream.RetentionHours : null;

    public ValueTask DisposeAsync() => _service.DisposeAsync();

    public static FakeAnswer Error(int status, string errorType, string message, string? requestId = null) =>
        new(status, JsonSerializer.Serialize(new { Message = message }))
        {
            Headers = new Dictionary<string, string> { ["x-amzn-ErrorType"] = errorType + ErrorNamespace },
            RequestId = requestId ?? Guid.NewGuid().ToString(),
        };

    private FakeAnswer Answer(CapturedRequest request)
    {
        if (Override?.Invoke(request) is { } answer)
        {
            return answer;
        }
        if (request.Method != "POST" || request.Headers.GetValueOrDefault("Content-Type") != "application/json")
        {
            return Error(400, "SerializationException", "expected a POST with a JSON body");
        }
        using var document = JsonDocument.Parse(request.Body);
        var body = document.RootElement;
        var name = body.TryGetProperty("StreamName", out var n) ? n.GetString()! : "";
        var operation = request.Path switch
        {
            "/describeStream" => "DescribeStream",
            "/createStream" => "CreateStream",
            "/getDataEndpoint" => "GetDataEndpoint",
            "/getHLSStreamingSessionURL" => "GetHLSStreamingSessionURL",
            _ => null,
        };
        if (operation is null)
        {
            return new FakeAnswer(404, "<UnknownOperationException/>", "application/xml");
        }
        if (Denied.ContainsKey(operation))
        {
            return Error(403, "AccessDeniedException",
                $"User: arn:aws:iam::{Account}:user/backpack-device is not authorized to perform: kinesisvideo:{operation} on resource: arn:aws:kinesisvideo:{Region}:{Account}:stream/{name}/1705489836421");
        }
        _streams.TryGetValue(name, out var stream);
        switch (operation)
        {
            case "DescribeStream":
                if (stream is null || stream.NotFoundDescribes-- > 0)
                {
                    return NotFound();
                }
                if (stream.Status == "CREATING" && stream.CreatingDescribes-- <= 0)
                {
                    stream.Status = "ACTIVE";
                }
                return FakeAnswer.Json(JsonSerializer.Serialize(new
                {
                    StreamInfo = new
                    {
                        CreationTime = 1.705489836421E9,
                        DataRetentionInHours = stream.RetentionHours,
                        DeviceName = (string?)null,
                        IngestionConfiguration = (string?)null,
                        KmsKeyId = stream.KmsKeyId ?? $"arn:aws:kms:{Region}:{Account}:alias/aws/kinesisvideo",
                        MediaType = stream.MediaType,
                        Status = stream.Status,
                        StreamARN = stream.Arn,
                        StreamName = stream.Name,
                        Version = "davN9FKg4vjyKdCSs0f4",
                    },
                }));
            case "CreateStream":
                if (stream is not null)
                {
                    return Error(400, "ResourceInUseException", $"The stream {name} already exists.");
                }
                var created = new Stream(name, $"arn:aws:kinesisvideo:{Region}:{Account}:stream/{name}/1767000000000",
                    body.TryGetProperty("DataRetentionInHours", out var hours) ? hours.GetInt32() : 0,
                    body.TryGetProperty("MediaType", out var media) ? media.GetString() : null,
                    body.TryGetProperty("KmsKeyId", out var key) ? key.GetString() : null)
                {
                    Status = "CREATING",
                    CreatingDescribes = DescribesWhileCreating,
                    NotFoundDescribes = DescribesNotFoundAfterCreate,
                };
                _streams[name] = created;
                return FakeAnswer.Json(JsonSerializer.Serialize(new { StreamARN = created.Arn }));
            case "GetDataEndpoint":
                if (stream is null)
                {
                    return NotFound();
                }
                var call = Interlocked.Increment(ref _dataEndpointCalls);
                return FakeAnswer.Json(JsonSerializer.Serialize(new { DataEndpoint = DataEndpoint?.Invoke(call) ?? Url.GetLeftPart(UriPartial.Authority) }));
            default:
                if (stream is null || !Streaming.ContainsKey(name))
                {
                    return Error(404, "ResourceNotFoundException", "No fragments found in the stream for the streaming request.");
                }
                if (stream.RetentionHours == 0)
                {
                    return Error(400, "NoDataRetentionException", "The stream does not retain data.");
                }
                return FakeAnswer.Json(JsonSerializer.Serialize(new
                {
                    HLSStreamingSessionURL = $"{Url.GetLeftPart(UriPartial.Authority)}/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=CiAzNTlhZjRiZS1{name}",
                }));
        }
    }

    private static FakeAnswer NotFound() => Error(404, "ResourceNotFoundException", "The requested stream is not found or not active.");

    private sealed class Stream(string name, string arn, int retentionHours, string? mediaType, string? kmsKeyId)
    {
        public string Name { get; } = name;

        public string Arn { get; } = arn;

        public int RetentionHours { get; } = retentionHours;

        public string? MediaType { get; } = mediaType;

        public string? KmsKeyId { get; } = kmsKeyId;

        public string Status { get; set; } = "ACTIVE";

        public int CreatingDescribes { get; set; }

        public int NotFoundDescribes { get; set; }
    }
}
