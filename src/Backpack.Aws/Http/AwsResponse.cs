namespace Backpack.Aws.Http;

/// <summary>A successful answer: its body and request id.</summary>
internal sealed record AwsResponse(int StatusCode, byte[] Body, string? RequestId);
