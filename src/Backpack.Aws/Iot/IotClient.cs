using System.Text.Json;
using Backpack.Aws.Http;

namespace Backpack.Aws.Iot;

/// <summary>
/// A thin client of the AWS IoT control plane (REST-JSON, signing name <c>iot</c>): DescribeEndpoint, to find the
/// account's credentials endpoint or MQTT data endpoint where ordinary AWS credentials exist (the machine that provisions
/// devices; a device itself has none). Needs the IAM permission <c>iot:DescribeEndpoint</c>.
/// </summary>
/// <remarks>Thread-safe; create one and share it. Dispose it to release its connections.</remarks>
public sealed class IotClient : IDisposable
{
    /// <summary>The endpoint type of the credentials provider (<see cref="IotCredentialsProviderOptions.CredentialsEndpoint"/>).</summary>
    public const string CredentialProviderEndpointType = "iot:CredentialProvider";

    /// <summary>The endpoint type of MQTT and device shadows with Amazon Trust Services certificates.</summary>
    public const string DataAtsEndpointType = "iot:Data-ATS";

    private static readonly string[] EndpointTypes = ["iot:Data", DataAtsEndpointType, CredentialProviderEndpointType, "iot:Jobs"];

    private readonly AwsServiceClient _client;

    /// <summary>Creates a client for the region and endpoint of <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid or no region is known.</exception>
    public IotClient(AwsClientOptions options)
    {
        _client = new AwsServiceClient("iot", "iot", options, nameof(options));
    }

    /// <summary>The region this client calls.</summary>
    public string Region => _client.Region;

    /// <summary>Returns the account's endpoint of one type (<c>GET /endpoint?endpointType=…</c>), a host name without a scheme.</summary>
    /// <param name="endpointType"><see cref="CredentialProviderEndpointType"/>, <see cref="DataAtsEndpointType"/>, <c>iot:Data</c> or <c>iot:Jobs</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException"><paramref name="endpointType"/> is not one of the types above.</exception>
    /// <exception cref="AwsServiceException">AWS IoT refused the call (e.g. <c>UnauthorizedException</c> without <c>iot:DescribeEndpoint</c>), or its answer could not be read (<c>MalformedResponse</c>).</exception>
    /// <exception cref="TimeoutException">No answer within the timeout.</exception>
    public async Task<string> DescribeEndpointAsync(string endpointType, CancellationToken cancellationToken = default)
    {
        if (!EndpointTypes.Contains(endpointType, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{endpointType}' is not an AWS IoT endpoint type; expected one of {string.Join(", ", EndpointTypes)}.", nameof(endpointType));
        }
        var response = await _client.SendAsync(new AwsRequest("DescribeEndpoint", HttpMethod.Get, "/endpoint", [new("endpointType", endpointType)]), cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(response.Body);
            var address = document.RootElement.GetProperty("endpointAddress").GetString();
            return string.IsNullOrEmpty(address) ? throw new FormatException("endpointAddress is empty") : address;
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new AwsServiceException("iot", "DescribeEndpoint", response.StatusCode, "MalformedResponse",
                $"the answer is not the JSON the API documents: {exception.Message}", response.RequestId, exception);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}
