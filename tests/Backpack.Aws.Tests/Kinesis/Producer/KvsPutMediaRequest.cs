namespace Backpack.Aws.Tests.Kinesis.Producer;

/// <summary>One PutMedia request as the local endpoint saw it, accepted or not.</summary>
internal sealed record KvsPutMediaRequest(IReadOnlyDictionary<string, string> Headers, int Status, string? ErrorType, string? Message, int? SessionIndex)
{
    /// <summary>The names in the Authorization header's SignedHeaders, or empty.</summary>
    public IReadOnlyList<string> SignedHeaders =>
        Headers.TryGetValue("Authorization", out var authorization) && authorization.IndexOf("SignedHeaders=", StringComparison.Ordinal) is var at and >= 0
            ? authorization[(at + "SignedHeaders=".Length)..].Split(',')[0].Split(';')
            : [];
}
