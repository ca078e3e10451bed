using Backpack.Aws.CloudWatch;

namespace Backpack.Aws.Tests.CloudWatch;

/// <summary>The PutMetricData body against the one Debian's python3-botocore builds for the same call.</summary>
public sealed class PutMetricDataMatchesBotocoreTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 15, 8, 1, 0, TimeSpan.Zero);

    public static TheoryData<string> Calls() => new() { "frame-loop", "odd-numbers", "no-dimensions", "several-data", "value", "text" };

    private static (string Namespace, List<MetricDatum> Data) Call(string name) => name switch
    {
        "frame-loop" => ("MyPanoramaMetrics", [new MetricDatum("frame_processing_time")
        {
            Dimensions = [new("application_name", "sample_app"), new("device_id", "device-0123456789abcdefghijklmn"), new("application_instance_id", "applicationInstance-0123")],
            Timestamp = At.AddTicks(1_234_560),
            StatisticValues = new StatisticSet(1500, 59.96, 0.0333, 0.1),
            Unit = "Seconds",
        }]),
        "odd-numbers" => ("Backpack", [new MetricDatum("t")
        {
            Dimensions = [new("k", "v")],
            Timestamp = At,
            StatisticValues = new StatisticSet(3, 0.1 + 0.2, 1e-05, 1e16),
            Unit = "Seconds",
        }]),
        "no-dimensions" => ("Backpack", [new MetricDatum("t") { Timestamp = new DateTimeOffset(2026, 1, 15, 10, 1, 0, 500, TimeSpan.FromHours(2)), StatisticValues = new StatisticSet(1, 2.0, 2.0, 2.0), Unit = "Seconds" }]),
        "several-data" => ("Backpack", [
            new MetricDatum("a") { StatisticValues = new StatisticSet(2, 1.0 / 3, 0.123456789012345678, 123456.789), Unit = "Seconds" },
            new MetricDatum("b") { Dimensions = [new("x", "1")], StatisticValues = new StatisticSet(7, 100, 0.0001, 99.99999999999999) },
        ]),
        "value" => ("Backpack", [new MetricDatum("dropped_frames") { Value = 42, Unit = "Count", Timestamp = At }]),
        "text" => ("My Metrics/Edge~1", [new MetricDatum("frame time (s)")
        {
            Dimensions = [new("site", "Zürich Nord & Süd"), new("line", "a+b=c?d#e%f")],
            Timestamp = At,
            StatisticValues = new StatisticSet(5, 0.25, 0.05, 0.05),
            Unit = "Seconds",
        }]),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public void The_body_is_the_one_botocore_builds_for_the_same_call(string call)
    {
        var (metricNamespace, data) = Call(call);

        var expected = Botocore.PutMetricData("us-east-1", metricNamespace, data);
        var body = CloudWatchClient.PutMetricDataBody(metricNamespace, data);

        expected.Protocol.Should().Be("query");
        body.Should().Be(expected.Body);
    }

    [Fact]
    public void The_endpoint_and_content_type_are_botocores()
    {
        var expected = Botocore.PutMetricData("eu-central-1", "Backpack", [new MetricDatum("t") { Value = 1 }]);
        using var client = new CloudWatchClient(new AwsClientOptions { Region = "eu-central-1" });

        client.Endpoint.Should().Be(new Uri(expected.Url));
        expected.ContentType.Should().Be("application/x-www-form-urlencoded; charset=utf-8");
    }

    [Fact]
    public void Numbers_are_written_as_Pythons_repr_writes_them()
    {
        double[] values = [0.1, 0.5, 2.0, 100, 1e15, 1e16, 1.5e16, 123456789012345678, 0.0001, 0.00012345, 1e-05, 1.2345e-7, 1.0 / 3, 2.0 / 3, 0.1 + 0.2, 5e-324, double.MaxValue, -0.0, -1.25, 59.96, 12345.678901234567, 9007199254740993];

        var python = Botocore.Repr(values);

        values.Select(QueryProtocol.PythonFloat).Should().Equal(python);
    }
}
