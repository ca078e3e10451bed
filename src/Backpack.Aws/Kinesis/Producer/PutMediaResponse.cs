namespace Backpack.Aws.Kinesis.Producer;

/// <summary>The head of a PutMedia response, and the body when it is an error.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Headers">The headers, looked up without regard to case.</param>
/// <param name="ErrorBody">The error document (for a status other than 200), or null.</param>
internal sealed record PutMediaResponse(int Status, IReadOnlyDictionary<string, string> Headers, string? ErrorBody)
{
    /// <summary>The service's error type (<c>x-amzn-ErrorType</c> or <c>x-amz-ErrorType</c>, the part before any colon), or null.</summary>
    internal string? ErrorType =>
        (Headers.TryGetValue("x-amzn-ErrorType", out var type) || Headers.TryGetValue("x-amz-ErrorType", out type)) ? type.Split(':', 2)[0] : null;
}
