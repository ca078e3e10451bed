using System.Text.Json;

namespace Backpack.Aws.Identity;

/// <summary>Reads the EC2 instance identity document through IMDSv2 (a session token first, then the document), with short timeouts.</summary>
internal static class InstanceMetadataClient
{
    internal static readonly Uri DefaultEndpoint = new("http://169.254.169.254/");

    /// <summary>Reads <c>/latest/dynamic/instance-identity/document</c>.</summary>
    /// <exception cref="HttpRequestException">The service is not there or refused.</exception>
    /// <exception cref="TimeoutException">The service did not answer in time.</exception>
    /// <exception cref="JsonException">The document is not a JSON object.</exception>
    internal static async Task<IReadOnlyDictionary<string, string>> IdentityDocumentAsync(Uri endpoint, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = timeout }) { Timeout = Timeout.InfiniteTimeSpan };
        var root = endpoint.AbsoluteUri.TrimEnd('/');

        using var tokenRequest = new HttpRequestMessage(HttpMethod.Put, root + "/latest/api/token");
        tokenRequest.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token-ttl-seconds", "60");
        var token = await SendAsync(http, tokenRequest, timeout, timeProvider, cancellationToken).ConfigureAwait(false);

        using var documentRequest = new HttpRequestMessage(HttpMethod.Get, root + "/latest/dynamic/instance-identity/document");
        documentRequest.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token", token);
        var document = await SendAsync(http, documentRequest, timeout, timeProvider, cancellationToken).ConfigureAwait(false);

        using var json = JsonDocument.Parse(document);
        if (json.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"The document is a JSON {json.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object.");
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in json.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                values[property.Name] = property.Value.GetString()!;
            }
        }
        return values;
    }

    private static async Task<string> SendAsync(HttpClient http, HttpRequestMessage request, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var response = await http.SendAsync(request, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{request.Method} {request.RequestUri!.AbsolutePath} answered HTTP {(int)response.StatusCode}", null, response.StatusCode);
            }
            return await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {timeout.TotalSeconds:0.###} s");
        }
    }
}
