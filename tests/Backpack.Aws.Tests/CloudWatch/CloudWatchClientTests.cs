using Backpack.Aws.CloudWatch;
using Backpack.Aws.Tests.Fakes;
using Backpack.Aws.Tests.Panorama;

namespace Backpack.Aws.Tests.CloudWatch;

/// <summary>Retries of the Query protocol's throttling answer, on a clock the test moves.</summary>
public sealed class CloudWatchClientTests
{
    private static readonly MetricDatum[] OneDatum = [new("frame_processing_time") { Value = 0.04, Unit = "Seconds" }];
    private readonly ManualClock _clock = new();

    private CloudWatchClient Client(FakeAwsService fake) => new(new AwsClientOptions
    {
        Region = "us-east-1", EndpointUrl = fake.Url, Credentials = TestCredentials.Static, TimeProvider = _clock,
        MaxAttempts = 3, RetryBaseDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(20), Timeout = TimeSpan.FromMinutes(1),
    });

    private Task<FakeAwsService> ThrottledOnce(IReadOnlyDictionary<string, string>? headers = null)
    {
        var calls = 0;
        return FakeAwsService.StartAsync("monitoring", "us-east-1", TestCredentials.Default,
            _ => Interlocked.Increment(ref calls) == 1
                ? FakeAnswer.QueryError(400, "Throttling", "Rate exceeded") with { Headers = headers ?? new Dictionary<string, string>() }
                : CloudWatchAnswers.Accepted(),
            _clock, queryProtocol: true);
    }

    [Fact]
    public async Task An_HTTP_400_Throttling_answer_is_retried_once_after_a_jittered_wait_and_the_call_succeeds()
    {
        await using var fake = await ThrottledOnce();
        using var client = Client(fake);

        var call = client.PutMetricDataAsync("MyPanoramaMetrics", OneDatum);
        await PanoramaClientTests.WaitUntil(() => _clock.PendingTimers == 2); // The call's deadline and the wait before the retry.
        var wait = _clock.PendingDelays.Min();
        fake.Requests.Should().ContainSingle();
        _clock.Advance(wait);
        await call;

        wait.Should().BeGreaterThanOrEqualTo(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(1), "the first retry waits at most the base delay");
        fake.Requests.Should().HaveCount(2).And.OnlyContain(request => request.SignatureProblem == null);
        fake.Requests[1].BodyText.Should().Be(fake.Requests[0].BodyText);
    }

    [Fact]
    public async Task A_Retry_After_sent_with_the_throttling_answer_is_waited_for_before_the_retry()
    {
        await using var fake = await ThrottledOnce(new Dictionary<string, string> { ["Retry-After"] = "7" });
        using var client = Client(fake);

        var call = client.PutMetricDataAsync("MyPanoramaMetrics", OneDatum);
        await PanoramaClientTests.WaitUntil(() => _clock.PendingTimers == 2);

        _clock.PendingDelays.Should().Contain(TimeSpan.FromSeconds(7));
        _clock.Advance(TimeSpan.FromSeconds(6.9));
        fake.Requests.Should().ContainSingle("the retry waits for the whole Retry-After");
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        await call;
        fake.Requests.Should().HaveCount(2).And.OnlyContain(request => request.SignatureProblem == null);
    }
}
