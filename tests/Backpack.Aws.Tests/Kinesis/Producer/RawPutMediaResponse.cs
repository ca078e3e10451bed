namespace Backpack.Aws.Tests.Kinesis.Producer;

/// <summary>The status line and headers of a PutMedia answer, and for an error its whole body.</summary>
internal sealed record RawPutMediaResponse(int Status, IReadOnlyDictionary<string, string> Headers, string? ErrorBody);
