using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Backpack.Aws.Signing;

namespace Backpack.Aws.Tests.Signing;

/// <summary>The signer against AWSSDK.Core's own SigV4 signer, for the same requests.</summary>
public sealed class SigV4SignerMatchesAwsSdkTests
{
    private static readonly DateTimeOffset SignedAt = new(2026, 3, 14, 9, 26, 53, TimeSpan.Zero);

    public static TheoryData<string, string, string, string?, string?> Requests() => new()
    {
        // method, url, region/service, body, session token
        { "GET", "https://panorama.us-east-1.amazonaws.com/application-instances?statusFilter=DEPLOYMENT_SUCCEEDED", "us-east-1/panorama", null, null },
        { "GET", "https://panorama.eu-west-1.amazonaws.com/application-instances?nextToken=AAE%2Ba%2Fb%3Dc%26d%20e~&statusFilter=DEPLOYMENT_SUCCEEDED", "eu-west-1/panorama", null, "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==" },
        { "POST", "https://monitoring.us-east-1.amazonaws.com/", "us-east-1/monitoring", "Action=PutMetricData&Version=2010-08-01&Namespace=Backpack&MetricData.member.1.MetricName=frame+time", null },
        { "POST", "https://monitoring.ap-southeast-2.amazonaws.com/", "ap-southeast-2/monitoring", "Action=PutMetricData&Version=2010-08-01", "FwoGZXIvYXdzEB==" },
        { "GET", "https://kinesisvideo.us-west-2.amazonaws.com/a%20b/c%3Ad/%C3%A9t%C3%A9", "us-west-2/kinesisvideo", null, null },
        { "GET", "https://example.amazonaws.com/?b=2&a=1&empty=&%E1%88%B4=x&~tilde=%7E", "us-east-1/service", null, null },
        { "GET", "https://example.amazonaws.com/?a=2&a=10&a=1", "us-east-1/service", null, null },
        { "PUT", "http://127.0.0.1:8123/things/one?x=y", "us-east-1/iot", "{\"thing\": \"body with unicode \u00e9\"}", null },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Each_request_gets_the_authorization_AWSSDK_Core_computes(string method, string url, string scope, string? body, string? token)
    {
        var uri = new Uri(url);
        var (region, service) = (scope.Split('/')[0], scope.Split('/')[1]);
        var payload = Encoding.UTF8.GetBytes(body ?? "");
        var contentType = body is null ? null : "application/x-www-form-urlencoded; charset=utf-8";
        const string accessKey = "AKIAIOSFODNN7EXAMPLE";
        const string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

        var sdkRequest = new AWSSigningRequest { HttpMethod = new HttpMethod(method), RequestUri = uri, Content = body is null ? null : payload };
        if (contentType is not null)
        {
            sdkRequest.Headers["Content-Type"] = contentType;
        }
        AWSCredentials credentials = token is null ? new BasicAWSCredentials(accessKey, secret) : new SessionAWSCredentials(accessKey, secret, token);
        var sdk = AWSSigV4Signer.Sign(sdkRequest, new AWSSigV4Parameters
        {
            Credentials = credentials,
            Region = RegionEndpoint.GetBySystemName(region),
            Service = service,
            SignedAt = SignedAt.UtcDateTime,
            SignPayload = true,
        });

        var payloadHash = SigV4Signer.HexSha256(payload);
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Host", uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}"),
            new("X-Amz-Date", SigV4Signer.FormatAmzDate(SignedAt)),
            new("X-Amz-Content-SHA256", payloadHash),
        };
        if (token is not null)
        {
            headers.Add(new("X-Amz-Security-Token", token));
        }
        if (contentType is not null)
        {
            headers.Add(new("Content-Type", contentType));
        }
        var ours = new SigV4Signer().Sign(method, uri.AbsolutePath, uri.Query.TrimStart('?'), headers, payloadHash, accessKey, secret, region, service, SignedAt);

        ours.Authorization.Should().Be(sdk.Headers["Authorization"]);
        sdk.Headers["X-Amz-Date"].Should().Be(SigV4Signer.FormatAmzDate(SignedAt));
    }
}
