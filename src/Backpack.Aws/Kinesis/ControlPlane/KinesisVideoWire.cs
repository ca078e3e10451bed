using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Backpack.Aws.Kinesis;

/// <summary>
/// The REST-JSON bodies of the control-plane and archived-media calls and the reading of their answers.
/// </summary>
/// <remarks>
/// Shapes, paths and constraints are those of botocore's service models (boto/botocore cd92077,
/// <c>botocore/data/kinesisvideo/2017-09-30/service-2.json</c> and
/// <c>botocore/data/kinesis-video-archived-media/2017-09-30/service-2.json</c>, the same in Debian's python3-botocore 1.43),
/// cross-checked with the request templates of the KVS producer SDK (amazon-kinesis-video-streams-producer-c
/// <c>CurlApiCallbacks.h</c>) and the developer guide (awsdocs/AWS-Kinesis-Video-Documentation
/// <c>API_reader_GetHLSStreamingSessionURL.md</c>). Real answers in public logs (producer-c issue #429) carry JSON nulls
/// (<c>"MediaType":null</c>) and <c>CreationTime</c> as a float in exponent notation (<c>1.705489836421E9</c>): both are read.
/// </remarks>
internal static partial class KinesisVideoWire
{
    /// <summary>The content type botocore and the SDK send with every call.</summary>
    internal const string ContentType = "application/json";

    /// <summary>Expires of GetHLSStreamingSessionURL: 300 to 43200 seconds (shape <c>Expires</c>); the service's default is 300.</summary>
    internal static readonly TimeSpan MinExpires = TimeSpan.FromSeconds(300);

    /// <summary>The longest Expires the service takes: 12 hours.</summary>
    internal static readonly TimeSpan MaxExpires = TimeSpan.FromSeconds(43200);

    /// <summary>What the service would reject in a stream name (shape <c>StreamName</c>: 1 to 256 of <c>[a-zA-Z0-9_.-]</c>), or <see langword="null"/>.</summary>
    internal static string? StreamNameProblem(string? streamName) =>
        streamName is null || streamName.Length is < 1 or > 256 || !StreamNamePattern().IsMatch(streamName)
            ? $"A Kinesis video stream name has 1 to 256 letters, digits, '_', '.' or '-'; \"{streamName}\" does not qualify."
            : null;

    /// <summary>Throws <see cref="ArgumentException"/> naming the parameter for a name the service would reject.</summary>
    internal static void CheckStreamName(string? streamName, string parameterName)
    {
        if (StreamNameProblem(streamName) is { } problem)
        {
            throw new ArgumentException(problem, parameterName);
        }
    }

    /// <summary>What the service would reject in the settings of a new stream (shapes of <c>CreateStreamInput</c>), or <see langword="null"/>.</summary>
    internal static string? SettingsProblem(KinesisVideoStreamSettings settings)
    {
        if (settings.DataRetentionInHours < 0)
        {
            return $"KinesisVideoStreamSettings.DataRetentionInHours must be 0 or more; it was {settings.DataRetentionInHours}.";
        }
        if (settings.KmsKeyId is { } key && (key.Length is < 1 or > 2048 || string.IsNullOrWhiteSpace(key)))
        {
            return $"KinesisVideoStreamSettings.KmsKeyId must be a KMS key id, ARN or alias of 1 to 2048 characters, or null for the service's key; it was \"{key}\".";
        }
        if (settings.MediaType is null || settings.MediaType.Length is < 1 or > 128 || !MediaTypePattern().IsMatch(settings.MediaType))
        {
            return $"KinesisVideoStreamSettings.MediaType must be type/subtype (e.g. video/h264), several separated by commas, at most 128 characters; it was \"{settings.MediaType}\".";
        }
        if (settings.Tags is { } tags)
        {
            if (tags.Count is < 1 or > 50)
            {
                return $"KinesisVideoStreamSettings.Tags must hold 1 to 50 tags, or be null for none; it held {tags.Count}.";
            }
            foreach (var (name, value) in tags)
            {
                if (name is null || name.Length is < 1 or > 128 || !TagPattern().IsMatch(name) || value is null || value.Length > 256 || !TagPattern().IsMatch(value))
                {
                    return $"The tag \"{name}\"=\"{value}\" is invalid: keys have 1 to 128 and values at most 256 letters, digits, spaces or _ . : / = + - @.";
                }
            }
        }
        return null;
    }

    /// <summary><c>POST /describeStream</c>: <c>{"StreamName":"..."}</c> (DescribeStreamInput).</summary>
    internal static byte[] DescribeStreamBody(string streamName) =>
        Write(writer => writer.WriteString("StreamName", streamName));

    /// <summary>
    /// <c>POST /createStream</c> (CreateStreamInput): StreamName, MediaType, DataRetentionInHours, and KmsKeyId and Tags when
    /// given. DeviceName, which the service does not use, is left out.
    /// </summary>
    internal static byte[] CreateStreamBody(string streamName, KinesisVideoStreamSettings settings) => Write(writer =>
    {
        writer.WriteString("StreamName", streamName);
        writer.WriteString("MediaType", settings.MediaType);
        writer.WriteNumber("DataRetentionInHours", settings.DataRetentionInHours);
        if (settings.KmsKeyId is not null)
        {
            writer.WriteString("KmsKeyId", settings.KmsKeyId);
        }
        if (settings.Tags is not null)
        {
            writer.WriteStartObject("Tags");
            foreach (var (name, value) in settings.Tags)
            {
                writer.WriteString(name, value);
            }
            writer.WriteEndObject();
        }
    });

    /// <summary><c>POST /getDataEndpoint</c>: <c>{"StreamName":"...","APIName":"PUT_MEDIA"}</c> (GetDataEndpointInput, enum APIName).</summary>
    internal static byte[] GetDataEndpointBody(string streamName, KinesisVideoDataApi api) => Write(writer =>
    {
        writer.WriteString("StreamName", streamName);
        writer.WriteString("APIName", ApiName(api));
    });

    /// <summary>
    /// <c>POST {data endpoint}/getHLSStreamingSessionURL</c> (GetHLSStreamingSessionURLInput): StreamName, PlaybackMode
    /// <c>LIVE</c>, and Expires in whole seconds when given.
    /// </summary>
    internal static byte[] GetHlsStreamingSessionUrlBody(string streamName, TimeSpan? expires) => Write(writer =>
    {
        writer.WriteString("StreamName", streamName);
        writer.WriteString("PlaybackMode", "LIVE");
        if (expires is { } value)
        {
            writer.WriteNumber("Expires", (int)value.TotalSeconds);
        }
    });

    /// <summary>The wire name of a data-plane API (enum <c>APIName</c>).</summary>
    internal static string ApiName(KinesisVideoDataApi api) => api switch
    {
        KinesisVideoDataApi.PutMedia => "PUT_MEDIA",
        KinesisVideoDataApi.GetHlsStreamingSessionUrl => "GET_HLS_STREAMING_SESSION_URL",
        _ => throw new ArgumentOutOfRangeException(nameof(api), api, "Expected PutMedia or GetHlsStreamingSessionUrl."),
    };

    /// <summary>Reads <c>{"StreamInfo":{...}}</c> (DescribeStreamOutput); the stream's name defaults to the one asked for.</summary>
    /// <exception cref="FormatException">The answer is not that shape.</exception>
    internal static KinesisVideoStreamInfo ParseDescribeStream(byte[] body, string requestedName)
    {
        using var document = Parse(body);
        if (!document.RootElement.TryGetProperty("StreamInfo", out var info) || info.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("the answer has no StreamInfo object");
        }
        var status = String(info, "Status") ?? throw new FormatException("StreamInfo has no Status");
        return new KinesisVideoStreamInfo(
            String(info, "StreamName") ?? requestedName,
            String(info, "StreamARN"),
            status switch
            {
                "CREATING" => KinesisVideoStreamStatus.Creating,
                "ACTIVE" => KinesisVideoStreamStatus.Active,
                "UPDATING" => KinesisVideoStreamStatus.Updating,
                "DELETING" => KinesisVideoStreamStatus.Deleting,
                _ => KinesisVideoStreamStatus.Unknown,
            },
            Integer(info, "DataRetentionInHours") ?? 0,
            String(info, "MediaType"),
            String(info, "KmsKeyId"),
            String(info, "DeviceName"),
            String(info, "Version"),
            Timestamp(info, "CreationTime"));
    }

    /// <summary>Reads <c>{"StreamARN":"..."}</c> (CreateStreamOutput).</summary>
    /// <exception cref="FormatException">The answer has no StreamARN.</exception>
    internal static string ParseCreateStream(byte[] body)
    {
        using var document = Parse(body);
        return String(document.RootElement, "StreamARN") ?? throw new FormatException("the answer has no StreamARN");
    }

    /// <summary>Reads <c>{"DataEndpoint":"https://..."}</c> (GetDataEndpointOutput): an absolute http or https URL without the API path.</summary>
    /// <exception cref="FormatException">The answer has no such URL.</exception>
    internal static Uri ParseDataEndpoint(byte[] body)
    {
        using var document = Parse(body);
        return HttpUrl(String(document.RootElement, "DataEndpoint"), "DataEndpoint");
    }

    /// <summary>Reads <c>{"HLSStreamingSessionURL":"https://..."}</c> (GetHLSStreamingSessionURLOutput).</summary>
    /// <exception cref="FormatException">The answer has no such URL.</exception>
    internal static Uri ParseHlsStreamingSessionUrl(byte[] body)
    {
        using var document = Parse(body);
        return HttpUrl(String(document.RootElement, "HLSStreamingSessionURL"), "HLSStreamingSessionURL");
    }

    private static byte[] Write(Action<Utf8JsonWriter> members)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static JsonDocument Parse(byte[] body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException exception)
        {
            throw new FormatException($"the answer is not JSON: {exception.Message}", exception);
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind;
            document.Dispose();
            throw new FormatException($"expected a JSON object, found {kind}");
        }
        return document;
    }

    private static Uri HttpUrl(string? text, string member) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
            ? url
            : throw new FormatException(text is null ? $"the answer has no {member}" : $"{member} is not an absolute http or https URL");

    private static string? String(JsonElement item, string name) =>
        !item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null
            ? null
            : value.ValueKind == JsonValueKind.String ? value.GetString() : throw new FormatException($"{name} is a {value.ValueKind}, not a string");

    private static int? Integer(JsonElement item, string name) =>
        !item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null
            ? null
            : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : throw new FormatException($"{name} is not a whole number");

    /// <summary>REST-JSON timestamps are epoch seconds with a fraction; ISO 8601 text is read too.</summary>
    private static DateTimeOffset? Timestamp(JsonElement item, string name)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(value.GetDouble() * 1000d));
        }
        return value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.ToUniversalTime()
            : throw new FormatException($"{name} is not a timestamp");
    }

    [GeneratedRegex(@"^[a-zA-Z0-9_.-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex StreamNamePattern();

    [GeneratedRegex(@"^[\w\-\.\+]+/[\w\-\.\+]+(,[\w\-\.\+]+/[\w\-\.\+]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex MediaTypePattern();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();
}
