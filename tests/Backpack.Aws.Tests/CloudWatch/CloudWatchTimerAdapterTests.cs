using Backpack.Aws.CloudWatch;
using Backpack.Aws.Tests.Fakes;
using Backpack.Timepiece;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Tests.CloudWatch;

public sealed class CloudWatchTimerAdapterTests
{
    private static readonly KeyValuePair<string, string>[] Dimensions = [new("application_name", "sample_app"), new("device_id", "device-0123")];
    private readonly ManualClock _clock = new();

    private static CloudWatchClient Client(FakeAwsService fake, int maxAttempts = 3) => new(new AwsClientOptions
    {
        Region = "us-east-1", EndpointUrl = fake.Url, Credentials = TestCredentials.Static, MaxAttempts = maxAttempts,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(5),
    });

    private Ticker TimerOf(params int[] milliseconds)
    {
        var ticker = new Ticker(10, _clock);
        ticker.Tick();
        foreach (var ms in milliseconds)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(ms));
            ticker.Tick();
        }
        return ticker;
    }

    [Fact]
    public async Task The_windows_statistics_are_sent_as_one_signed_PutMetricData_identical_to_botocores()
    {
        await using var fake = await FakeAwsService.StartAsync("monitoring", "us-east-1", TestCredentials.Default, _ => CloudWatchAnswers.Accepted(), queryProtocol: true);
        using var client = Client(fake);
        using var adapter = new CloudWatchTimerAdapter("MyPanoramaMetrics", "frame_processing_time", Dimensions, client);
        var timestamp = new DateTimeOffset(2026, 1, 15, 9, 1, 0, TimeSpan.FromHours(1));

        var sent = await adapter.SendMetricsAsync(timestamp, TimerOf(10, 20, 30));

        var request = fake.Requests.Should().ContainSingle().Subject;
        request.SignatureProblem.Should().BeNull();
        request.Method.Should().Be("POST");
        request.Headers["Content-Type"].Should().Be("application/x-www-form-urlencoded; charset=utf-8");
        request.BodyText.Should().Be(Botocore.PutMetricData("us-east-1", "MyPanoramaMetrics", [sent!]).Body);
        var form = CloudWatchAnswers.Form(request.BodyText);
        form.Should().Contain("Action", "PutMetricData").And.Contain("Namespace", "MyPanoramaMetrics")
            .And.Contain("MetricData.member.1.Timestamp", "2026-01-15T08:01:00Z")
            .And.Contain("MetricData.member.1.StatisticValues.SampleCount", "3")
            .And.Contain("MetricData.member.1.StatisticValues.Sum", "0.06")
            .And.Contain("MetricData.member.1.StatisticValues.Minimum", "0.01")
            .And.Contain("MetricData.member.1.StatisticValues.Maximum", "0.03")
            .And.Contain("MetricData.member.1.Unit", "Seconds")
            .And.Contain("MetricData.member.1.Dimensions.member.2.Value", "device-0123");
        sent!.Timestamp.Should().Be(timestamp);
        sent.Timestamp!.Value.Offset.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public async Task A_refused_call_is_logged_with_the_service_error_and_never_thrown()
    {
        await using var fake = await FakeAwsService.StartAsync("monitoring", "us-east-1", TestCredentials.Default,
            _ => FakeAnswer.QueryError(403, "AccessDenied", "User is not authorized to perform: cloudwatch:PutMetricData"), queryProtocol: true);
        using var client = Client(fake);
        var logs = new CapturingLoggerFactory();
        using var adapter = new CloudWatchTimerAdapter("MyPanoramaMetrics", "frame_processing_time", Dimensions, client, logs);

        var sent = adapter.SendMetrics(_clock.GetUtcNow(), TimerOf(10));

        sent.Should().NotBeNull();
        logs.Entries.Should().Contain(e => e.Level == LogLevel.Warning && e.Message.Contains("Couldn't put data for metric MyPanoramaMetrics.frame_processing_time")
            && e.Message.Contains("AccessDenied") && e.Message.Contains("11111111-2222-3333-4444-555555555555"));
    }

    [Fact]
    public async Task An_outage_is_retried_then_logged_and_never_thrown()
    {
        await using var fake = await FakeAwsService.StartAsync("monitoring", "us-east-1", TestCredentials.Default,
            _ => FakeAnswer.QueryError(503, "ServiceUnavailable", "Service Unavailable"), queryProtocol: true);
        using var client = Client(fake, maxAttempts: 3);
        var logs = new CapturingLoggerFactory();
        using var adapter = new CloudWatchTimerAdapter("MyPanoramaMetrics", "frame_processing_time", Dimensions, client, logs);

        await adapter.SendMetricsAsync(_clock.GetUtcNow(), TimerOf(10));

        fake.Requests.Should().HaveCount(3);
        logs.Entries.Should().Contain(e => e.Level == LogLevel.Warning && e.Message.Contains("ServiceUnavailable"));
    }

    [Fact]
    public async Task An_empty_window_sends_nothing()
    {
        await using var fake = await FakeAwsService.StartAsync("monitoring", "us-east-1", TestCredentials.Default, _ => CloudWatchAnswers.Accepted(), queryProtocol: true);
        using var client = Client(fake);
        using var adapter = new CloudWatchTimerAdapter("MyPanoramaMetrics", "frame_processing_time", null, client);

        var sent = await adapter.SendMetricsAsync(_clock.GetUtcNow(), new Ticker(10, _clock));

        sent.Should().BeNull();
        fake.Requests.Should().BeEmpty();
    }

    [Fact]
    public void Arguments_CloudWatch_would_refuse_are_refused_by_name()
    {
        using var client = new CloudWatchClient(new AwsClientOptions { Region = "us-east-1" });
        new Action(() => _ = new CloudWatchTimerAdapter("AWS/EC2", "m", null, client)).Should().Throw<ArgumentException>().WithParameterName("metricNamespace");
        new Action(() => _ = new CloudWatchTimerAdapter("ns", "", null, client)).Should().Throw<ArgumentException>().WithParameterName("metricName");
        new Action(() => _ = new CloudWatchTimerAdapter("ns", "m", [new(":bad", "v")], client)).Should().Throw<ArgumentException>().WithParameterName("dimensions");
        new Action(() => _ = new CloudWatchTimerAdapter("ns", "m", Enumerable.Range(0, 31).Select(i => new KeyValuePair<string, string>($"d{i}", "v")), client))
            .Should().Throw<ArgumentException>().WithParameterName("dimensions").WithMessage("*at most 30*");
        new Action(() => _ = new CloudWatchTimerAdapter("ns", "m", null, (CloudWatchClient)null!)).Should().Throw<ArgumentNullException>().WithParameterName("client");
        new Action(() => _ = new CloudWatchTimerAdapter("ns", "m", null, region: "nowhere")).Should().Throw<ArgumentException>().WithParameterName("region");
    }
}
