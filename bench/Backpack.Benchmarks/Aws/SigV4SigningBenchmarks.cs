using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Backpack.Aws.Signing;
using BenchmarkDotNet.Attributes;

namespace Backpack.Benchmarks.Aws;

/// <summary>
/// Signing one CloudWatch PutMetricData request (the CWTachometer's call): Backpack's SigV4 signer against
/// AWSSDK.Core's own <c>AWSSigV4Signer</c>, which the reference SDK uses, with the same headers and body.
/// </summary>
[MemoryDiagnoser]
public class SigV4SigningBenchmarks
{
    private static readonly DateTimeOffset SignedAt = new(2026, 3, 14, 9, 26, 53, TimeSpan.Zero);
    private static readonly Uri Endpoint = new("https://monitoring.us-east-1.amazonaws.com/");
    private const string AccessKey = "ASIAIOSFODNN7EXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private const string Token = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==";
    private const string ContentType = "application/x-www-form-urlencoded; charset=utf-8";
    private readonly byte[] _body = Encoding.UTF8.GetBytes(
        "Action=PutMetricData&Version=2010-08-01&Namespace=MyPanoramaMetrics&MetricData.member.1.MetricName=frame_processing_time" +
        "&MetricData.member.1.Dimensions.member.1.Name=device_id&MetricData.member.1.Dimensions.member.1.Value=device-0123456789abcdefghijklmn" +
        "&MetricData.member.1.Timestamp=2026-03-14T09%3A26%3A00Z&MetricData.member.1.StatisticValues.SampleCount=1500" +
        "&MetricData.member.1.StatisticValues.Sum=59.96&MetricData.member.1.StatisticValues.Minimum=0.0333" +
        "&MetricData.member.1.StatisticValues.Maximum=0.1&MetricData.member.1.Unit=Seconds");
    private readonly SessionAWSCredentials _credentials = new(AccessKey, Secret, Token);

    /// <summary>One signer per client, as AwsServiceClient holds it: its derived key is reused from the second call on.</summary>
    private readonly SigV4Signer _signer = new();

    [Benchmark(Baseline = true)]
    public string AwsSdkCore()
    {
        var request = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = Endpoint, Content = _body };
        request.Headers["Content-Type"] = ContentType;
        return AWSSigV4Signer.Sign(request, new AWSSigV4Parameters
        {
            Credentials = _credentials,
            Region = RegionEndpoint.USEast1,
            Service = "monitoring",
            SignedAt = SignedAt.UtcDateTime,
            SignPayload = true,
        }).Headers["Authorization"];
    }

    [Benchmark]
    public string Backpack()
    {
        var payloadHash = SigV4Signer.HexSha256(_body);
        KeyValuePair<string, string>[] headers =
        [
            new("Host", Endpoint.Host),
            new("X-Amz-Date", SigV4Signer.FormatAmzDate(SignedAt)),
            new("X-Amz-Content-SHA256", payloadHash),
            new("X-Amz-Security-Token", Token),
            new("Content-Type", ContentType),
        ];
        return _signer.Sign("POST", Endpoint.AbsolutePath, "", headers, payloadHash, AccessKey, Secret, "us-east-1", "monitoring", SignedAt).Authorization;
    }
}
