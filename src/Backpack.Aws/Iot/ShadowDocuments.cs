using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backpack.Aws.Iot;

/// <summary>
/// The device shadow documents the client reads and writes (device-shadow-document.md), through source-generated
/// System.Text.Json: no reflection. Only the attributes the client uses are declared; others are ignored.
/// </summary>
internal static class ShadowDocuments
{
    /// <summary>The longest client token AWS IoT accepts, in bytes.</summary>
    internal const int MaxClientTokenBytes = 64;

    /// <summary>The <c>update</c> request that reports <paramref name="report"/>.</summary>
    internal static byte[] ReportRequest(StreamingReport report, string clientToken) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new ShadowReportRequest(
                new ShadowReportState(new ReportedStreaming(report.Streaming, report.FramesPerSecond, report.Since?.ToUnixTimeSeconds(), report.LastError)),
                clientToken),
            ShadowJsonContext.Default.ShadowReportRequest);

    /// <summary>The whole shadow of a <c>get/accepted</c>; null when it is not the documented JSON.</summary>
    internal static ShadowGetResponse? ParseGet(byte[] payload) => Parse(payload, ShadowJsonContext.Default.ShadowGetResponse);

    /// <summary>An <c>update/delta</c>; null when it is not the documented JSON.</summary>
    internal static ShadowDelta? ParseDelta(byte[] payload) => Parse(payload, ShadowJsonContext.Default.ShadowDelta);

    /// <summary>An error document (<c>get/rejected</c>, <c>update/rejected</c>); null when it is not the documented JSON.</summary>
    internal static ShadowError? ParseError(byte[] payload) => Parse(payload, ShadowJsonContext.Default.ShadowError);

    /// <summary>The client token of an <c>update/accepted</c>, null when it has none.</summary>
    internal static string? ClientTokenOf(byte[] payload) => Parse(payload, ShadowJsonContext.Default.ShadowAccepted)?.ClientToken;

    /// <summary><c>true</c>/<c>false</c> of an attribute; null when absent, JSON null or not a boolean.</summary>
    internal static bool? Boolean(JsonElement? value) => value?.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>Whether an attribute is present with a value that is not a boolean (an operator's typo worth a warning).</summary>
    internal static bool IsMistyped(JsonElement? value) =>
        value is { } element && element.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null or JsonValueKind.Undefined);

    private static T? Parse<T>(byte[] payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(payload, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

internal sealed record ShadowReportRequest(
    [property: JsonPropertyName("state")] ShadowReportState State,
    [property: JsonPropertyName("clientToken")] string ClientToken);

internal sealed record ShadowReportState([property: JsonPropertyName("reported")] ReportedStreaming Reported);

internal sealed record ReportedStreaming(
    [property: JsonPropertyName("streaming")] bool Streaming,
    [property: JsonPropertyName("fps")] double? FramesPerSecond,
    [property: JsonPropertyName("since")] long? Since,
    [property: JsonPropertyName("lastError")] string? LastError);

/// <summary>The attributes of a shadow section the client reads.</summary>
internal sealed class StreamingAttributes
{
    [JsonPropertyName("streaming")]
    public JsonElement? Streaming { get; init; }
}

internal sealed class ShadowGetState
{
    [JsonPropertyName("desired")]
    public StreamingAttributes? Desired { get; init; }

    [JsonPropertyName("reported")]
    public StreamingAttributes? Reported { get; init; }
}

internal sealed class ShadowGetResponse
{
    [JsonPropertyName("state")]
    public ShadowGetState? State { get; init; }

    [JsonPropertyName("version")]
    public long Version { get; init; }
}

/// <summary>An <c>update/delta</c>: <c>state</c> holds the changed desired attributes directly, without a <c>desired</c> wrapper.</summary>
internal sealed class ShadowDelta
{
    [JsonPropertyName("state")]
    public StreamingAttributes? State { get; init; }

    /// <summary>The client token of the update that caused the delta.</summary>
    [JsonPropertyName("clientToken")]
    public string? ClientToken { get; init; }

    [JsonPropertyName("version")]
    public long Version { get; init; }
}

internal sealed class ShadowError
{
    [JsonPropertyName("code")]
    public int Code { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }

    [JsonPropertyName("clientToken")]
    public string? ClientToken { get; init; }
}

internal sealed class ShadowAccepted
{
    [JsonPropertyName("clientToken")]
    public string? ClientToken { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ShadowReportRequest))]
[JsonSerializable(typeof(ShadowGetResponse))]
[JsonSerializable(typeof(ShadowDelta))]
[JsonSerializable(typeof(ShadowError))]
[JsonSerializable(typeof(ShadowAccepted))]
internal sealed partial class ShadowJsonContext : JsonSerializerContext;
