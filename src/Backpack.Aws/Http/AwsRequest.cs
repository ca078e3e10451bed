namespace Backpack.Aws.Http;

/// <summary>One call to a service, before signing.</summary>
/// <param name="Operation">The operation name, for errors and logs.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path below the endpoint, starting with <c>/</c>, made of unreserved characters and <c>/</c>.</param>
/// <param name="Query">Query parameters, unencoded; encoded strictly when sent.</param>
/// <param name="Body">The body, or <see langword="null"/> for none.</param>
/// <param name="ContentType">The body's content type, or <see langword="null"/>.</param>
internal sealed record AwsRequest(
    string Operation,
    HttpMethod Method,
    string Path,
    IReadOnlyList<KeyValuePair<string, string>> Query,
    byte[]? Body = null,
    string? ContentType = null);
