using System.Diagnostics;
using Backpack.Aws.CloudWatch;
using Backpack.Aws.Tests.Fakes;
using Backpack.Aws.Tests.Panorama;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Tests.CloudWatch;

public sealed class CWTachometerTests
{
    private readonly ManualClock _clock = new();

    private static CloudWatchClient Client(FakeAwsService fake, int maxAttempts = 1) => new(new AwsClientOptions
    {
        Region = "us-east-1", EndpointUrl = fake.Url, Credentials = TestCredentials.Static, MaxAttempts = maxAttempts,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(5), Timeout = TimeSpan.FromSeconds(60),
    });

    /// <summary>Ticks once a second for a minute: one report window of 60 one-second frames.</summary>
    private void RunOneMinute(CWTachometer tachometer)
    {
        for (var second = 0; second < 60; second++)
        {
            tachometer.Tick();
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        tachometer.Tick().Should().BeTrue("the tick a minute after the first closes the window");
    }

    [Fact]
    public async Task Each_window_is_reported_to_CloudWatch_as_a_statistic_set()
    {
        await using var fake = await FakeAwsService.StartAsync("monitoring", "us-east-1", TestCredentials.Default, _ => CloudWatchAnswers.Accepted(), queryProtocol: true);
        using var client = Client(fake);
        using var tachometer = new CWTachometer("MyPanoramaMetrics", "frame_processing_time", [new("device_id", "device-0123")], client, TimeSpan.FromMinutes(1), timeProvider: _clock);

        RunOneMinute(tachometer);
        await PanoramaClientTests.WaitUntil(() => tachometer.ReportsSent == 1);

        var form = CloudWatchAnswers.Form(fake.Requests.Should().ContainSingle().Subject.BodyText);
        fake.Requests[0].SignatureProblem.Should().BeNull();
        form.Should().Contain("MetricData.member.1.MetricName", "frame_processing_time")
            .And.Contain("MetricData.member.1.StatisticValues.SampleCount", "60")
            .And.Contain("MetricData.member.1.StatisticValues.Sum", "60.0")
            .And.Contain("MetricData.member.1.StatisticValues.Minimum", "1.0")
            .And.Contain("MetricData.member.1.StatisticValues.Maximum", "1.0")
            .And.Contain("MetricData.member.1.Timestamp", "2026-01-15T08:01:00Z");
        tachometer.Name.Should().Be(CWTachometer.DefaultName);
        tachometer.ReportsFailed.Should().Be(0);
    }

    [Fact]
    public async Task The_frame_loop_keeps_ticking_while_CloudWatch_is_slow_and_never_waits_for_it()
    {
        await using var fake = await FakeAwsService.StartAsync("monitoring", "us-east-1", TestCredentials.Default,
            _ => CloudWatchAnswers.Accepted() with { Delay = TimeSpan.FromSeconds(60) }, queryProtocol: true);
        using var client = Client(fake);
        var tachometer = new CWTachometer("MyPanoramaMetrics", "frame_processing_time", null, client, TimeSpan.FromMinutes(1), timeProvider: _clock) { FlushTimeout = TimeSpan.FromMilliseconds(200) };

        RunOneMinute(tachometer);
        await PanoramaClientTests.WaitUntil(() => fake.Requests.Count == 1);
        // The first report is in flight for a minute; the loop goes on through three more windows meanwhile.
        for (var window = 0; window < 3; window++)
        {
            RunOneMinute(tachometer);
        }

        fake.Requests.Should().ContainSingle("reports are sent one at a time");
        tachometer.ReportsSent.Should().Be(0);
        var watch = Stopwatch.StartNew();
        tachometer.Dispose();
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "disposing waits at most the flush timeout for CloudWatch");
    }

    [Fact]
    public async Task A_CloudWatch_outage_is_counted_and_logged_and_never_reaches_the_loop()
    {
        await using var fake = await FakeAwsService.StartAsync("monitoring", "us-east-1", TestCredentials.Default,
            _ => FakeAnswer.QueryError(500, "InternalServiceFault", "Internal service failure"), queryProtocol: true);
        using var client = Client(fake);
        var logs = new CapturingLoggerFactory();
        using var tachometer = new CWTachometer("MyPanoramaMetrics", "frame_processing_time", null, client, TimeSpan.FromMinutes(1), timeProvider: _clock, loggerFactory: logs);

        RunOneMinute(tachometer);
        RunOneMinute(tachometer);
        await PanoramaClientTests.WaitUntil(() => tachometer.ReportsFailed == 2);

        tachometer.ReportsSent.Should().Be(0);
        logs.Entries.Should().Contain(e => e.Level == LogLevel.Warning && e.Message.Contains("InternalServiceFault"));
    }

    [Fact]
    public async Task When_the_sender_falls_behind_the_oldest_reports_are_dropped_and_counted()
    {
        await using var fake = await FakeAwsService.StartAsync("monitoring", "us-east-1", TestCredentials.Default,
            _ => CloudWatchAnswers.Accepted() with { Delay = TimeSpan.FromSeconds(60) }, queryProtocol: true);
        using var client = Client(fake);
        var tachometer = new CWTachometer("MyPanoramaMetrics", "frame_processing_time", null, client, TimeSpan.FromSeconds(1), timeProvider: _clock) { FlushTimeout = TimeSpan.FromMilliseconds(100) };
        tachometer.Tick();
        _clock.Advance(TimeSpan.FromSeconds(1));
        tachometer.Tick();
        await PanoramaClientTests.WaitUntil(() => fake.Requests.Count == 1);

        // One report is in flight; 30 more windows close: 16 wait in the queue, the 14 oldest are dropped.
        for (var i = 0; i < 30; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            tachometer.Tick();
        }

        tachometer.ReportsDropped.Should().Be(30 - CWTachometer.QueueCapacity);
        tachometer.Dispose();
    }
}
