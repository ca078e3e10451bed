using System.Globalization;
using System.Text.Json;
using Backpack.Aws.Http;

namespace Backpack.Aws.Panorama;

/// <summary>
/// A thin client of the AWS Panorama management API (REST-JSON, signing name <c>panorama</c>): the one call
/// AutoIdentity needs. Needs the IAM permission <c>panorama:ListApplicationInstances</c>.
/// </summary>
/// <remarks>Thread-safe; create one and share it. Dispose it to release its connections.</remarks>
public sealed class PanoramaClient : IDisposable
{
    private readonly AwsServiceClient _client;

    /// <summary>Creates a client for the region and endpoint of <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid or no region is known.</exception>
    public PanoramaClient(AwsClientOptions options)
    {
        _client = new AwsServiceClient("panorama", "panorama", options, nameof(options));
    }

    /// <summary>The region this client calls.</summary>
    public string Region => _client.Region;

    /// <summary>The endpoint this client calls.</summary>
    public Uri Endpoint => _client.Endpoint;

    /// <summary>Lists one page of application instances (<c>GET /application-instances</c>).</summary>
    /// <param name="statusFilter">Only instances with this status, e.g. <c>DEPLOYMENT_SUCCEEDED</c>; <see langword="null"/> for all.</param>
    /// <param name="nextToken">The <see cref="ApplicationInstancesPage.NextToken"/> of the previous page; <see langword="null"/> for the first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="AwsServiceException">Panorama refused the call, or its answer could not be read (<c>MalformedResponse</c>).</exception>
    /// <exception cref="TimeoutException">No answer within the timeout.</exception>
    public async Task<ApplicationInstancesPage> ListApplicationInstancesAsync(string? statusFilter = null, string? nextToken = null, CancellationToken cancellationToken = default)
    {
        var query = new List<KeyValuePair<string, string>>(2);
        if (!string.IsNullOrEmpty(nextToken))
        {
            query.Add(new("nextToken", nextToken));
        }
        if (!string.IsNullOrEmpty(statusFilter))
        {
            query.Add(new("statusFilter", statusFilter));
        }
        var response = await _client.SendAsync(new AwsRequest("ListApplicationInstances", HttpMethod.Get, "/application-instances", query), cancellationToken).ConfigureAwait(false);
        try
        {
            return ParsePage(response.Body);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            throw new AwsServiceException("panorama", "ListApplicationInstances", response.StatusCode, "MalformedResponse",
                $"the answer is not the JSON the API documents: {exception.Message}", response.RequestId, exception);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    internal static ApplicationInstancesPage ParsePage(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException($"expected a JSON object, found {root.ValueKind}");
        }
        var instances = new List<ApplicationInstance>();
        if (root.TryGetProperty("ApplicationInstances", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            foreach (var item in list.EnumerateArray())
            {
                instances.Add(ParseInstance(item));
            }
        }
        var nextToken = root.TryGetProperty("NextToken", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
        return new ApplicationInstancesPage(instances, string.IsNullOrEmpty(nextToken) ? null : nextToken);
    }

    private static ApplicationInstance ParseInstance(JsonElement item)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (item.TryGetProperty("Tags", out var tagMap) && tagMap.ValueKind == JsonValueKind.Object)
        {
            foreach (var tag in tagMap.EnumerateObject())
            {
                tags[tag.Name] = tag.Value.GetString() ?? string.Empty;
            }
        }
        return new ApplicationInstance(
            String(item, "ApplicationInstanceId") ?? throw new InvalidOperationException("an application instance has no ApplicationInstanceId"),
            String(item, "Name"),
            String(item, "Description"),
            String(item, "DefaultRuntimeContextDevice"),
            String(item, "DefaultRuntimeContextDeviceName"),
            Timestamp(item, "CreatedTime"),
            String(item, "HealthStatus"),
            String(item, "Status"),
            String(item, "StatusDescription"),
            String(item, "Arn"),
            tags);
    }

    private static string? String(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetString() : null;

    /// <summary>REST-JSON timestamps are epoch seconds (with a fraction); ISO 8601 text is accepted too.</summary>
    private static DateTimeOffset? Timestamp(JsonElement item, string name)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number)
        {
            var microseconds = (long)Math.Round(value.GetDouble() * 1_000_000d);
            return DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10);
        }
        return DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();
    }
}
