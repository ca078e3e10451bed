using Backpack.Aws.Identity;
using Backpack.Aws.Panorama;
using Backpack.Aws.Tests.Fakes;
using Backpack.Aws.Tests.Panorama;

namespace Backpack.Aws.Tests.Identity;

public sealed class AutoIdentityTests
{
    private const string Id = "applicationInstance-0123456789abcdefghijklmn";
    private readonly ManualClock _clock = new();

    private PanoramaClient Client(FakeAwsService fake) => new(new AwsClientOptions
    {
        Region = "us-east-1",
        EndpointUrl = fake.Url,
        Credentials = TestCredentials.Static,
        TimeProvider = _clock,
        Timeout = TimeSpan.FromDays(1),
    });

    private AutoIdentityOptions Options(int maxRetries = 50, TimeSpan? first = null, TimeSpan? max = null) => new()
    {
        TimeProvider = _clock,
        MaxRetries = maxRetries,
        FirstRetryDelay = first ?? TimeSpan.FromSeconds(5),
        MaxRetryDelay = max ?? TimeSpan.FromSeconds(300),
    };

    private Task<FakeAwsService> Panorama(Func<CapturedRequest, FakeAnswer> answer) =>
        FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default, answer, _clock);

    [Fact]
    public async Task The_instance_is_found_on_a_later_page_by_following_the_next_tokens()
    {
        await using var fake = await Panorama(request => request.QueryValue("nextToken") switch
        {
            null => PanoramaAnswers.Page([PanoramaAnswers.Instance("applicationInstance-other1")], "token-2"),
            "token-2" => PanoramaAnswers.Page([PanoramaAnswers.Instance("applicationInstance-other2")], "token-3"),
            "token-3" => PanoramaAnswers.Page([PanoramaAnswers.Instance("applicationInstance-other3"), PanoramaAnswers.Instance(Id)], "token-4"),
            _ => PanoramaAnswers.Page([]),
        });
        using var client = Client(fake);

        var identity = await AutoIdentity.FetchAsync(client, Id, Options());

        fake.Requests.Select(r => r.QueryValue("nextToken")).Should().Equal(null, "token-2", "token-3");
        fake.Requests.Should().OnlyContain(r => r.QueryValue("statusFilter") == "DEPLOYMENT_SUCCEEDED" && r.SignatureProblem == null);
        identity.ApplicationInstanceId.Should().Be(Id);
        identity.ApplicationName.Should().Be("sample_app");
        identity.ApplicationDescription.Should().Be("Sample application description");
        identity.ApplicationStatus.Should().Be("RUNNING");
        identity.ApplicationTags.Should().Equal(new Dictionary<string, string> { ["foo"] = "bar" });
        identity.ApplicationCreatedTime.Should().Be(new DateTimeOffset(2022, 2, 17, 16, 38, 5, 510, TimeSpan.Zero));
        identity.DeviceId.Should().Be("device-0123456789abcdefghijklmn");
        identity.DeviceName.Should().Be("my_panorama");
        identity.DeviceRegion.Should().Be("us-east-1");
    }

    [Fact]
    public async Task While_the_health_is_NOT_AVAILABLE_it_asks_again_after_5_10_and_20_seconds()
    {
        var fetches = 0;
        await using var fake = await Panorama(_ => PanoramaAnswers.Page([PanoramaAnswers.Instance(Id, Interlocked.Increment(ref fetches) <= 3 ? "NOT_AVAILABLE" : "RUNNING")]));
        using var client = Client(fake);

        var fetch = AutoIdentity.FetchAsync(client, Id, Options());
        foreach (var expected in new[] { 5, 10, 20 })
        {
            await _clock.WaitForPendingDelayAsync(TimeSpan.FromSeconds(expected));
            _clock.Advance(TimeSpan.FromSeconds(expected));
        }
        var identity = await fetch.WaitAsync(TimeSpan.FromSeconds(10));

        identity.ApplicationStatus.Should().Be("RUNNING");
        fake.Requests.Should().HaveCount(4);
    }

    [Fact]
    public async Task The_waits_double_up_to_the_maximum_and_stop_after_the_maximum_number_of_retries()
    {
        await using var fake = await Panorama(_ => PanoramaAnswers.Page([PanoramaAnswers.Instance(Id, "NOT_AVAILABLE")]));
        using var client = Client(fake);

        var fetch = AutoIdentity.FetchAsync(client, Id, Options(maxRetries: 4, first: TimeSpan.FromSeconds(100), max: TimeSpan.FromSeconds(300)));
        foreach (var expected in new[] { 100, 200, 300, 300 })
        {
            await _clock.WaitForPendingDelayAsync(TimeSpan.FromSeconds(expected));
            _clock.Advance(TimeSpan.FromSeconds(expected));
        }

        var error = (await ((Func<Task>)(() => fetch.WaitAsync(TimeSpan.FromSeconds(10)))).Should().ThrowAsync<AutoIdentityError>()).Subject.Single();
        error.Message.Should().Contain(Id).And.Contain("us-east-1").And.Contain("NOT_AVAILABLE").And.Contain("4 retries");
        error.ApplicationInstanceId.Should().Be(Id);
        error.DeviceRegion.Should().Be("us-east-1");
        fake.Requests.Should().HaveCount(5);
    }

    [Fact]
    public async Task With_retries_disabled_NOT_AVAILABLE_fails_at_once()
    {
        await using var fake = await Panorama(_ => PanoramaAnswers.Page([PanoramaAnswers.Instance(Id, "NOT_AVAILABLE")]));
        using var client = Client(fake);

        var fetch = () => AutoIdentity.FetchAsync(client, Id, Options(maxRetries: 0));

        await fetch.Should().ThrowAsync<AutoIdentityError>().WithMessage("*NOT_AVAILABLE after 0 retries*");
        fake.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Cancelling_during_a_wait_stops_the_fetch()
    {
        await using var fake = await Panorama(_ => PanoramaAnswers.Page([PanoramaAnswers.Instance(Id, "NOT_AVAILABLE")]));
        using var client = Client(fake);
        using var cancellation = new CancellationTokenSource();

        var fetch = AutoIdentity.FetchAsync(client, Id, Options(), cancellation.Token);
        await _clock.WaitForPendingDelayAsync(TimeSpan.FromSeconds(5));
        await cancellation.CancelAsync();

        await ((Func<Task>)(() => fetch)).Should().ThrowAsync<OperationCanceledException>();
        fake.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task An_instance_missing_from_every_page_is_an_error_naming_the_id_and_region()
    {
        await using var fake = await Panorama(request => request.QueryValue("nextToken") is null
            ? PanoramaAnswers.Page([PanoramaAnswers.Instance("applicationInstance-other1")], "token-2")
            : PanoramaAnswers.Page([PanoramaAnswers.Instance("applicationInstance-other2")]));
        using var client = Client(fake);

        var fetch = () => AutoIdentity.FetchAsync(client, Id, Options());

        var error = (await fetch.Should().ThrowAsync<AutoIdentityError>()).Subject.Single();
        error.Message.Should().Contain(Id).And.Contain("us-east-1").And.Contain("2 page(s)");
        fake.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task A_refusal_by_Panorama_is_an_error_naming_the_id_region_and_the_service_error()
    {
        await using var fake = await Panorama(_ => FakeAnswer.RestJsonError(403, "AccessDeniedException", "not authorized to perform: panorama:ListApplicationInstances"));
        using var client = Client(fake);

        var fetch = () => AutoIdentity.FetchAsync(client, Id, Options());

        var error = (await fetch.Should().ThrowAsync<AutoIdentityError>()).Subject.Single();
        error.Message.Should().Contain(Id).And.Contain("us-east-1").And.Contain("AccessDeniedException");
        error.InnerException.Should().BeOfType<AwsServiceException>().Which.ErrorCode.Should().Be("AccessDeniedException");
    }

    [Fact]
    public async Task A_Panorama_endpoint_that_never_accepts_is_an_error_naming_the_id_region_and_the_endpoint()
    {
        using var silent = new NeverAcceptingEndpoint();
        using var client = new PanoramaClient(new AwsClientOptions
        {
            Region = "us-east-1", EndpointUrl = silent.Url, Credentials = TestCredentials.Static, MaxAttempts = 1, ConnectTimeout = TimeSpan.FromMilliseconds(150),
        });

        var fetch = () => AutoIdentity.FetchAsync(client, Id, Options());

        var error = (await fetch.Should().ThrowAsync<AutoIdentityError>()).Subject.Single();
        error.Message.Should().Contain(Id).And.Contain("us-east-1").And.Contain(silent.Url.GetLeftPart(UriPartial.Authority));
        error.InnerException.Should().BeOfType<HttpRequestException>();
    }

    [Fact]
    public async Task Without_an_instance_id_the_error_says_to_set_AppGraph_Uid()
    {
        await using var fake = await Panorama(_ => PanoramaAnswers.Page([]));
        using var client = Client(fake);

        var fetch = () => AutoIdentity.FetchAsync(client, null, Options());

        var error = (await fetch.Should().ThrowAsync<AutoIdentityError>()).Subject.Single();
        error.Message.Should().Contain("AppGraph_Uid").And.Contain("us-east-1");
        error.ApplicationInstanceId.Should().BeNull();
        fake.Requests.Should().BeEmpty();
    }

    [Fact]
    public void By_default_it_waits_5_s_first_doubling_up_to_300_s_and_asks_again_50_times_on_the_system_clock()
    {
        var defaults = new AutoIdentityOptions();

        defaults.FirstRetryDelay.Should().Be(TimeSpan.FromSeconds(5));
        defaults.MaxRetryDelay.Should().Be(TimeSpan.FromSeconds(300));
        defaults.MaxRetries.Should().Be(50);
        defaults.TimeProvider.Should().BeSameAs(TimeProvider.System);
        defaults.LoggerFactory.Should().BeSameAs(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
    }

    [Fact]
    public async Task Bad_arguments_are_refused_by_name()
    {
        await ((Func<Task>)(() => AutoIdentity.FetchAsync((PanoramaClient)null!))).Should().ThrowAsync<ArgumentNullException>().WithParameterName("panorama");
        await ((Func<Task>)(() => AutoIdentity.FetchAsync("not a region", Id))).Should().ThrowAsync<ArgumentException>().WithParameterName("deviceRegion");
        await ((Func<Task>)(() => AutoIdentity.FetchAsync("us-east-1", Id, new AutoIdentityOptions { MaxRetries = -1 }))).Should().ThrowAsync<ArgumentException>().WithParameterName("options");
    }

    [Fact]
    public async Task It_prints_as_the_Python_Backpacks_AutoIdentity_block()
    {
        await using var fake = await Panorama(_ => PanoramaAnswers.Page([PanoramaAnswers.Instance(Id)]));
        using var client = Client(fake);

        var identity = await AutoIdentity.FetchAsync(client, Id, Options());

        identity.ToString().Should().Be("""
            <AutoIdentity
                application_created_time="2022-02-17 16:38:05.510000+00:00"
                application_description="Sample application description"
                application_instance_id="applicationInstance-0123456789abcdefghijklmn"
                application_name="sample_app"
                application_status="RUNNING"
                application_tags={"foo": "bar"}
                device_id="device-0123456789abcdefghijklmn"
                device_name="my_panorama"
            >
            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_test_environment_identity_is_the_emulator_of_the_original()
    {
        var identity = AutoIdentity.ForTestEnvironment("test-instance", "my_app", _clock);

        identity.DeviceId.Should().Be("emulator");
        identity.DeviceName.Should().Be("test_utility_emulator");
        identity.ApplicationStatus.Should().Be("TEST_UTILITY");
        identity.ApplicationDescription.Should().Be("my_app");
        identity.ApplicationTags.Should().BeEmpty();
        identity.ApplicationCreatedTime.Should().Be(_clock.GetUtcNow());
        identity.ToString().Should().Contain("application_created_time=\"2026-01-15 08:00:00+00:00\"").And.Contain("application_tags={}");
    }
}
