namespace Backpack.Aws.Tests.Fakes;

/// <summary>What a fake service answers to one request.</summary>
internal sealed record FakeAnswer(int Status, string Body, string ContentType = "application/json")
{
    /// <summary>Extra headers, e.g. <c>x-amzn-ErrorType</c> or <c>Retry-After</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>How long the server waits before answering.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>The request id the answer carries.</summary>
    public string RequestId { get; init; } = Guid.NewGuid().ToString();

    public static FakeAnswer Json(string body) => new(200, body);

    /// <summary>A REST-JSON error as Panorama sends it: status, <c>x-amzn-ErrorType</c> and a JSON message.</summary>
    public static FakeAnswer RestJsonError(int status, string errorType, string message) =>
        new(status, $$"""{"Message":"{{message}}"}""") { Headers = new Dictionary<string, string> { ["x-amzn-ErrorType"] = errorType + ":http://internal.amazon.com/coral/com.amazonaws.panorama/" } };

    /// <summary>A Query-protocol error as CloudWatch sends it: an XML ErrorResponse with its RequestId.</summary>
    public static FakeAnswer QueryError(int status, string code, string message, string requestId = "11111111-2222-3333-4444-555555555555") =>
        new(status, $"""<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>{requestId}</RequestId></ErrorResponse>""", "text/xml") { RequestId = requestId };
}
