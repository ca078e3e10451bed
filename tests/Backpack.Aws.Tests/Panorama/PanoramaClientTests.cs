using System.Diagnostics;
using Backpack.Aws.Panorama;
using Backpack.Aws.Tests.Fakes;

namespace Backpack.Aws.Tests.Panorama;

public sealed class PanoramaClientTests
{
    private static AwsClientOptions Options(FakeAwsService fake, Amazon.Runtime.AWSCredentials? credentials = null, TimeSpan? timeout = null, int maxAttempts = 3) => new()
    {
        Region = "us-east-1",
        EndpointUrl = fake.Url,
        Credentials = credentials ?? TestCredentials.Static,
        Timeout = timeout ?? TimeSpan.FromSeconds(20),
        MaxAttempts = maxAttempts,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(5),
    };

    [Fact]
    public async Task A_page_is_read_from_a_signed_GET_with_the_status_filter_in_the_query()
    {
        await using var fake = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default,
            _ => PanoramaAnswers.Page([PanoramaAnswers.Instance("applicationInstance-a")], nextToken: "page-2"));
        using var client = new PanoramaClient(Options(fake));

        var page = await client.ListApplicationInstancesAsync("DEPLOYMENT_SUCCEEDED");

        var request = fake.Requests.Should().ContainSingle().Subject;
        request.SignatureProblem.Should().BeNull();
        request.Method.Should().Be("GET");
        request.Path.Should().Be("/application-instances");
        request.QueryValue("statusFilter").Should().Be("DEPLOYMENT_SUCCEEDED");
        page.NextToken.Should().Be("page-2");
        var instance = page.ApplicationInstances.Should().ContainSingle().Subject;
        instance.ApplicationInstanceId.Should().Be("applicationInstance-a");
        instance.Name.Should().Be("sample_app");
        instance.DefaultRuntimeContextDevice.Should().Be("device-0123456789abcdefghijklmn");
        instance.DefaultRuntimeContextDeviceName.Should().Be("my_panorama");
        instance.HealthStatus.Should().Be("RUNNING");
        instance.CreatedTime.Should().Be(new DateTimeOffset(2022, 2, 17, 16, 38, 5, 510, TimeSpan.Zero));
        instance.Tags.Should().Equal(new Dictionary<string, string> { ["foo"] = "bar" });
    }

    [Fact]
    public async Task The_next_token_goes_into_the_query_encoded_and_is_signed_as_sent()
    {
        const string token = "AAEAA+token/with=special&characters ~";
        await using var fake = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default, _ => PanoramaAnswers.Page([]));
        using var client = new PanoramaClient(Options(fake));

        var page = await client.ListApplicationInstancesAsync("DEPLOYMENT_SUCCEEDED", token);

        var request = fake.Requests.Should().ContainSingle().Subject;
        request.SignatureProblem.Should().BeNull();
        request.QueryValue("nextToken").Should().Be(token);
        page.ApplicationInstances.Should().BeEmpty();
        page.NextToken.Should().BeNull();
    }

    [Fact]
    public async Task Temporary_credentials_send_their_session_token_and_the_service_accepts_the_signature()
    {
        await using var fake = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default, _ => PanoramaAnswers.Page([]));
        using var client = new PanoramaClient(Options(fake, TestCredentials.Session));

        await client.ListApplicationInstancesAsync();

        var request = fake.Requests.Should().ContainSingle().Subject;
        request.SignatureProblem.Should().BeNull();
        request.Headers["X-Amz-Security-Token"].Should().Be(TestCredentials.Token);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_by_the_service_with_its_error_code_message_and_request_id()
    {
        await using var fake = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default, _ => PanoramaAnswers.Page([]));
        using var client = new PanoramaClient(Options(fake, new Amazon.Runtime.BasicAWSCredentials("AKIDBACKPACKTEST0001", "not-the-secret")));

        var call = () => client.ListApplicationInstancesAsync();

        var error = (await call.Should().ThrowAsync<AwsServiceException>()).Subject.Single();
        error.StatusCode.Should().Be(403);
        error.ErrorCode.Should().Be("InvalidSignatureException");
        error.ServiceMessage.Should().Contain("signature we calculated does not match");
        error.RequestId.Should().NotBeNullOrEmpty();
        fake.Requests.Should().ContainSingle("a refused signature is not worth retrying");
    }

    [Fact]
    public async Task Access_denied_becomes_an_exception_with_code_message_and_request_id_and_is_not_retried()
    {
        await using var fake = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default,
            _ => FakeAnswer.RestJsonError(403, "AccessDeniedException", "User is not authorized to perform: panorama:ListApplicationInstances") with { RequestId = "req-403" });
        using var client = new PanoramaClient(Options(fake));

        var call = () => client.ListApplicationInstancesAsync();

        var error = (await call.Should().ThrowAsync<AwsServiceException>()).Subject.Single();
        error.ErrorCode.Should().Be("AccessDeniedException");
        error.ServiceMessage.Should().Be("User is not authorized to perform: panorama:ListApplicationInstances");
        error.RequestId.Should().Be("req-403");
        error.Service.Should().Be("panorama");
        error.Operation.Should().Be("ListApplicationInstances");
        error.Message.Should().Contain("AccessDeniedException").And.Contain("req-403").And.Contain("ListApplicationInstances");
        fake.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Throttling_is_retried_until_the_service_answers()
    {
        var calls = 0;
        await using var fake = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default,
            _ => Interlocked.Increment(ref calls) <= 2
                ? FakeAnswer.RestJsonError(429, "ThrottlingException", "Rate exceeded")
                : PanoramaAnswers.Page([PanoramaAnswers.Instance("applicationInstance-a")]));
        using var client = new PanoramaClient(Options(fake));

        var page = await client.ListApplicationInstancesAsync();

        page.ApplicationInstances.Should().ContainSingle();
        fake.Requests.Should().HaveCount(3).And.OnlyContain(request => request.SignatureProblem == null);
        fake.Requests.Select(r => r.Headers["X-Amz-Date"]).Should().OnlyContain(date => date.Length == 16);
    }

    [Fact]
    public async Task Server_errors_are_retried_a_bounded_number_of_times_then_thrown()
    {
        await using var fake = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default,
            _ => FakeAnswer.RestJsonError(500, "InternalServerException", "Internal failure") with { RequestId = "req-500" });
        using var client = new PanoramaClient(Options(fake, maxAttempts: 4));

        var call = () => client.ListApplicationInstancesAsync();

        var error = (await call.Should().ThrowAsync<AwsServiceException>()).Subject.Single();
        error.StatusCode.Should().Be(500);
        error.ErrorCode.Should().Be("InternalServerException");
        error.RequestId.Should().Be("req-500");
        fake.Requests.Should().HaveCount(4);
    }

    [Fact]
    public async Task A_bad_gateway_without_a_body_is_retried_and_named_by_its_status()
    {
        await using var fake = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default, _ => new FakeAnswer(502, ""));
        using var client = new PanoramaClient(Options(fake, maxAttempts: 2));

        var call = () => client.ListApplicationInstancesAsync();

        (await call.Should().ThrowAsync<AwsServiceException>()).Which.ErrorCode.Should().Be("BadGateway");
        fake.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task Malformed_JSON_becomes_a_MalformedResponse_error_with_the_request_id()
    {
        await using var fake = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default,
            _ => FakeAnswer.Json("""{"ApplicationInstances": [{"ApplicationInstanceId": "a", """) with { RequestId = "req-bad-json" });
        using var client = new PanoramaClient(Options(fake));

        var call = () => client.ListApplicationInstancesAsync();

        var error = (await call.Should().ThrowAsync<AwsServiceException>()).Subject.Single();
        error.ErrorCode.Should().Be("MalformedResponse");
        error.StatusCode.Should().Be(200);
        error.RequestId.Should().Be("req-bad-json");
        fake.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task JSON_of_the_wrong_shape_is_a_MalformedResponse_error_too()
    {
        await using var fake = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default,
            _ => FakeAnswer.Json("""{"ApplicationInstances": {"not": "a list"}}"""));
        using var client = new PanoramaClient(Options(fake));

        var call = () => client.ListApplicationInstancesAsync();

        (await call.Should().ThrowAsync<AwsServiceException>()).Which.ErrorCode.Should().Be("MalformedResponse");
    }

    [Fact]
    public async Task An_answer_slower_than_the_timeout_throws_TimeoutException_in_about_the_timeout()
    {
        await using var fake = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default,
            _ => PanoramaAnswers.Page([]) with { Delay = TimeSpan.FromSeconds(30) });
        using var client = new PanoramaClient(Options(fake, timeout: TimeSpan.FromMilliseconds(400)));
        var watch = Stopwatch.StartNew();

        var call = () => client.ListApplicationInstancesAsync();

        (await call.Should().ThrowAsync<TimeoutException>()).Which.Message.Should().Contain("ListApplicationInstances").And.Contain("0.4 s");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "the call gives up at its timeout, not when the server answers");
    }

    [Fact]
    public async Task Cancelling_the_token_cancels_the_call()
    {
        await using var fake = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default,
            _ => PanoramaAnswers.Page([]) with { Delay = TimeSpan.FromSeconds(30) });
        using var client = new PanoramaClient(Options(fake));
        using var cancellation = new CancellationTokenSource();

        var call = client.ListApplicationInstancesAsync(cancellationToken: cancellation.Token);
        await WaitUntil(() => fake.Requests.Count == 1);
        await cancellation.CancelAsync();

        await ((Func<Task>)(() => call)).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task An_endpoint_nobody_listens_on_is_retried_then_reported_with_its_address()
    {
        Uri closed;
        await using (var fake = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default, _ => PanoramaAnswers.Page([])))
        {
            closed = fake.Url;
        }
        using var client = new PanoramaClient(new AwsClientOptions
        {
            Region = "us-east-1", EndpointUrl = closed, Credentials = TestCredentials.Static, MaxAttempts = 2, RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        });

        var call = () => client.ListApplicationInstancesAsync();

        (await call.Should().ThrowAsync<HttpRequestException>()).Which.Message.Should().Contain(closed.GetLeftPart(UriPartial.Authority)).And.Contain("2 attempt(s)");
    }

    /// <summary>A client of an endpoint that never accepts: every attempt ends at a 150 ms connect timeout.</summary>
    private static PanoramaClient NeverAcceptingClient(
        NeverAcceptingEndpoint endpoint, TimeSpan timeout, int maxAttempts, TimeSpan retryDelay, TimeProvider? clock = null, CapturingLoggerFactory? logs = null) => new(new AwsClientOptions
    {
        Region = "us-east-1", EndpointUrl = endpoint.Url, Credentials = TestCredentials.Static, MaxAttempts = maxAttempts,
        Timeout = timeout, ConnectTimeout = TimeSpan.FromMilliseconds(150), RetryBaseDelay = retryDelay, MaxRetryDelay = retryDelay,
        TimeProvider = clock ?? TimeProvider.System, LoggerFactory = logs ?? new CapturingLoggerFactory(),
    });

    [Fact]
    public async Task An_endpoint_that_never_accepts_is_retried_after_each_connect_timeout_then_reported_as_unreachable()
    {
        using var silent = new NeverAcceptingEndpoint();
        var logs = new CapturingLoggerFactory();
        using var client = NeverAcceptingClient(silent, TimeSpan.FromSeconds(20), maxAttempts: 3, TimeSpan.FromMilliseconds(5), logs: logs);

        var call = () => client.ListApplicationInstancesAsync();

        var error = (await call.Should().ThrowExactlyAsync<HttpRequestException>()).Subject.Single();
        error.Message.Should().Contain(silent.Url.GetLeftPart(UriPartial.Authority)).And.Contain("3 attempt(s)").And.Contain("ConnectTimeout");
        error.HttpRequestError.Should().Be(HttpRequestError.ConnectionError);
        logs.Entries.Select(e => e.Message).Where(m => m.Contains("failed with ConnectTimeout; retrying")).Should().HaveCount(2);
    }

    [Fact]
    public async Task An_endpoint_that_never_accepts_throws_TimeoutException_when_the_call_timeout_passes()
    {
        using var silent = new NeverAcceptingEndpoint();
        // Connect attempts time out after 0.15 s; the call's 2 s leave room for several even on a loaded machine.
        using var client = NeverAcceptingClient(silent, TimeSpan.FromSeconds(2), maxAttempts: 20, TimeSpan.FromMilliseconds(5));

        var call = () => client.ListApplicationInstancesAsync();

        (await call.Should().ThrowExactlyAsync<TimeoutException>()).Which.Message.Should().Contain("within 2 s").And.Contain("last problem: ConnectTimeout");
    }

    [Fact]
    public async Task When_the_call_timeout_passes_during_the_wait_before_a_retry_it_throws_TimeoutException()
    {
        var clock = new ManualClock();
        using var silent = new NeverAcceptingEndpoint();
        using var client = NeverAcceptingClient(silent, TimeSpan.FromSeconds(5), maxAttempts: 3, TimeSpan.FromSeconds(10), clock);

        var call = client.ListApplicationInstancesAsync();
        await WaitUntil(() => clock.PendingTimers == 2); // The call's deadline, and the wait after the first connect timeout.
        clock.Advance(TimeSpan.FromSeconds(5));

        (await ((Func<Task>)(() => call)).Should().ThrowExactlyAsync<TimeoutException>()).Which.Message.Should().Contain("1 attempt(s)").And.Contain("last problem: ConnectTimeout");
    }

    [Fact]
    public async Task Cancelling_the_token_during_the_wait_before_a_retry_cancels_the_call_rather_than_timing_it_out()
    {
        var clock = new ManualClock();
        using var silent = new NeverAcceptingEndpoint();
        using var client = NeverAcceptingClient(silent, TimeSpan.FromSeconds(5), maxAttempts: 3, TimeSpan.FromSeconds(10), clock);
        using var cancellation = new CancellationTokenSource();

        var call = client.ListApplicationInstancesAsync(cancellationToken: cancellation.Token);
        await WaitUntil(() => clock.PendingTimers == 2);
        await cancellation.CancelAsync();

        await ((Func<Task>)(() => call)).Should().ThrowAsync<OperationCanceledException>();
    }

    [Theory]
    [InlineData(null, "No AWS region")]
    [InlineData("Mars-1", "not an AWS region name")]
    public void A_client_without_a_valid_region_is_refused_naming_the_option(string? region, string message)
    {
        var create = () => new PanoramaClient(new AwsClientOptions { Region = region });

        create.Should().Throw<ArgumentException>().Which.Should().Match<ArgumentException>(e => e.ParamName == "options" && e.Message.Contains(message));
    }

    [Fact]
    public void Options_out_of_range_are_refused_with_what_was_expected()
    {
        new Action(() => _ = new PanoramaClient(new AwsClientOptions { Region = "us-east-1", Timeout = TimeSpan.Zero })).Should().Throw<ArgumentException>().WithMessage("*Timeout*");
        new Action(() => _ = new PanoramaClient(new AwsClientOptions { Region = "us-east-1", MaxAttempts = 0 })).Should().Throw<ArgumentException>().WithMessage("*MaxAttempts*between 1 and 20*");
        new Action(() => _ = new PanoramaClient(new AwsClientOptions { Region = "us-east-1", EndpointUrl = new Uri("ftp://example.com") })).Should().Throw<ArgumentException>().WithMessage("*EndpointUrl*http*");
        new Action(() => _ = new PanoramaClient(null!)).Should().Throw<ArgumentNullException>().WithParameterName("options");
    }

    [Theory]
    [InlineData("us-east-1", "https://panorama.us-east-1.amazonaws.com/")]
    [InlineData("cn-north-1", "https://panorama.cn-north-1.amazonaws.com.cn/")]
    public void The_default_endpoint_is_the_public_regional_one(string region, string endpoint)
    {
        using var client = new PanoramaClient(new AwsClientOptions { Region = region });

        client.Endpoint.Should().Be(new Uri(endpoint));
        client.Region.Should().Be(region);
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            deadline.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "the condition should hold soon");
            await Task.Delay(10);
        }
    }
}
