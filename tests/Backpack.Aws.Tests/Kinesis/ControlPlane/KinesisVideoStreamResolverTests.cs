using System.Text.Json;
using Backpack.Aws.Kinesis;
using Backpack.Aws.Tests.Fakes;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Tests.Kinesis.ControlPlane;

public sealed class KinesisVideoStreamResolverTests : IDisposable
{
    private readonly ManualClock _clock = new();
    private readonly CapturingLoggerFactory _logs = new();

    public void Dispose() => _logs.Dispose();

    private KinesisVideoStreamResolverOptions Options(string stream = "cam-1", bool create = false, KinesisVideoStreamSettings? creation = null) => new()
    {
        StreamName = stream,
        CreateIfMissing = create,
        Creation = creation ?? new KinesisVideoStreamSettings(),
        ActiveTimeout = TimeSpan.FromSeconds(30),
        PollInterval = TimeSpan.FromSeconds(2),
        TimeProvider = _clock,
        LoggerFactory = _logs,
    };

    private static KinesisVideoClient Client(FakeKinesisVideoControlPlane fake) => new(KinesisVideoClientTests.Options(fake.Url));

    [Fact]
    public async Task An_active_stream_is_described_its_PUT_MEDIA_endpoint_asked_for_and_both_cached()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.AddStream("cam-1", retentionHours: 24);
        fake.DataEndpoint = _ => "https://s-0123abcd.kinesisvideo.eu-west-1.amazonaws.com";
        using var client = Client(fake);
        using var resolver = new KinesisVideoStreamResolver(client, Options());

        var first = await resolver.ResolveAsync();
        var second = await resolver.ResolveAsync();

        fake.Paths.Should().Equal("/describeStream", "/getDataEndpoint");
        fake.Requests.Should().OnlyContain(r => r.SignatureProblem == null);
        fake.Requests[1].BodyText.Should().Be("""{"StreamName":"cam-1","APIName":"PUT_MEDIA"}""");
        second.Should().BeSameAs(first);
        resolver.Current.Should().BeSameAs(first);
        first.PutMediaEndpoint.Should().Be(new Uri("https://s-0123abcd.kinesisvideo.eu-west-1.amazonaws.com"));
        first.Region.Should().Be("eu-west-1");
        first.Stream.Status.Should().Be(KinesisVideoStreamStatus.Active);
        first.Stream.DataRetentionInHours.Should().Be(24);
        first.Stream.PersistsMedia.Should().BeTrue();
        _logs.Lines.Should().Contain(line => line.Contains("cam-1") && line.Contains("24 h of retention") && line.Contains("s-0123abcd.kinesisvideo.eu-west-1.amazonaws.com"));
    }

    [Fact]
    public async Task A_stream_without_retention_is_reported_so_the_producer_takes_RECEIVED_as_final()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.AddStream("cam-1", retentionHours: 0);
        using var client = Client(fake);
        using var resolver = new KinesisVideoStreamResolver(client, Options());

        var target = await resolver.ResolveAsync();

        target.Stream.DataRetentionInHours.Should().Be(0);
        target.Stream.PersistsMedia.Should().BeFalse();
    }

    [Fact]
    public async Task Reloading_asks_GetDataEndpoint_again_and_keeps_the_new_endpoint()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.AddStream("cam-1");
        fake.DataEndpoint = call => $"https://s-{call:D8}.kinesisvideo.eu-west-1.amazonaws.com";
        using var client = Client(fake);
        using var resolver = new KinesisVideoStreamResolver(client, Options());
        var first = await resolver.ResolveAsync();

        var reloaded = await resolver.ReloadEndpointAsync(first);
        var cached = await resolver.ResolveAsync();

        first.PutMediaEndpoint.Host.Should().Be("s-00000001.kinesisvideo.eu-west-1.amazonaws.com");
        reloaded.PutMediaEndpoint.Host.Should().Be("s-00000002.kinesisvideo.eu-west-1.amazonaws.com");
        reloaded.Stream.Should().Be(first.Stream);
        cached.Should().BeSameAs(reloaded);
        fake.Paths.Should().Equal("/describeStream", "/getDataEndpoint", "/getDataEndpoint");
    }

    [Fact]
    public async Task Callers_that_reload_the_same_stale_endpoint_at_once_share_one_call()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.AddStream("cam-1");
        fake.DataEndpoint = call => $"https://s-{call:D8}.kinesisvideo.eu-west-1.amazonaws.com";
        using var client = Client(fake);
        using var resolver = new KinesisVideoStreamResolver(client, Options());
        var failed = await resolver.ResolveAsync();

        var reloads = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => resolver.ReloadEndpointAsync(failed))));

        fake.Paths.Count(p => p == "/getDataEndpoint").Should().Be(2, "one for the resolution, one for all the reloads");
        reloads.Should().OnlyContain(target => target.PutMediaEndpoint.Host == "s-00000002.kinesisvideo.eu-west-1.amazonaws.com");
    }

    [Fact]
    public async Task Callers_that_resolve_at_once_share_one_resolution()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.AddStream("cam-1");
        using var client = Client(fake);
        using var resolver = new KinesisVideoStreamResolver(client, Options());

        var targets = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => resolver.ResolveAsync())));

        fake.Paths.Should().Equal("/describeStream", "/getDataEndpoint");
        targets.Distinct().Should().ContainSingle();
    }

    [Fact]
    public async Task Reloading_a_target_that_was_already_replaced_returns_the_newer_one_without_a_call()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.AddStream("cam-1");
        fake.DataEndpoint = call => $"https://s-{call:D8}.kinesisvideo.eu-west-1.amazonaws.com";
        using var client = Client(fake);
        using var resolver = new KinesisVideoStreamResolver(client, Options());
        var first = await resolver.ResolveAsync();
        var second = await resolver.ReloadEndpointAsync(first);

        var late = await resolver.ReloadEndpointAsync(first);
        var again = await resolver.ReloadEndpointAsync(second);

        late.Should().BeSameAs(second);
        again.PutMediaEndpoint.Host.Should().Be("s-00000003.kinesisvideo.eu-west-1.amazonaws.com");
        fake.Paths.Should().Equal("/describeStream", "/getDataEndpoint", "/getDataEndpoint", "/getDataEndpoint");
        _logs.Lines.Should().Contain(line => line.Contains("PUT_MEDIA endpoint reloaded, s-00000001.kinesisvideo.eu-west-1.amazonaws.com -> s-00000002"));
    }

    [Fact]
    public async Task A_missing_stream_without_auto_create_is_an_error_naming_the_stream_the_region_and_the_option_and_nothing_is_created()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        using var client = Client(fake);
        using var resolver = new KinesisVideoStreamResolver(client, Options("dock-7"));

        var call = () => resolver.ResolveAsync();

        var error = (await call.Should().ThrowAsync<KinesisVideoStreamException>()).Subject.Single();
        error.Problem.Should().Be(KinesisVideoStreamProblem.NotFound);
        error.Message.Should().StartWith("Kinesis video stream \"dock-7\" in region eu-west-1 does not exist")
            .And.Contain("CreateIfMissing, which needs kinesisvideo:CreateStream");
        error.InnerException.Should().BeOfType<AwsServiceException>().Which.ErrorCode.Should().Be("ResourceNotFoundException");
        fake.Paths.Should().Equal("/describeStream");
        resolver.Current.Should().BeNull();
    }

    [Fact]
    public async Task A_missing_stream_is_created_when_asked_then_awaited_until_ACTIVE_on_the_clock()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.DescribesWhileCreating = 2;
        using var client = Client(fake);
        using var resolver = new KinesisVideoStreamResolver(client, Options("dock-7", create: true, new KinesisVideoStreamSettings
        {
            DataRetentionInHours = 12,
            KmsKeyId = "alias/video",
            Tags = new Dictionary<string, string> { ["site"] = "dock" },
        }));

        var resolving = resolver.ResolveAsync();
        // Created, then no DescribeStream until the poll interval has passed on the clock.
        await _clock.WaitForPendingDelayAsync(TimeSpan.FromSeconds(2));
        fake.Paths.Should().Equal("/describeStream", "/createStream");
        await PollAsync(fake, times: 2);
        resolving.IsCompleted.Should().BeFalse("the first two descriptions after the creation are CREATING");
        await PollAsync(fake, times: 1);
        var target = await resolving.WaitAsync(TimeSpan.FromSeconds(10));

        fake.Paths.Should().Equal("/describeStream", "/createStream", "/describeStream", "/describeStream", "/describeStream", "/getDataEndpoint");
        fake.Requests[1].BodyText.Should().Be("""{"StreamName":"dock-7","MediaType":"video/h264","DataRetentionInHours":12,"KmsKeyId":"alias/video","Tags":{"site":"dock"}}""");
        target.Stream.Status.Should().Be(KinesisVideoStreamStatus.Active);
        target.Stream.DataRetentionInHours.Should().Be(12);
        target.Stream.KmsKeyId.Should().Be("alias/video");
        _logs.Entries.Should().Contain(e => e.Level == LogLevel.Warning && e.Message.Contains("did not exist in eu-west-1: created it") && e.Message.Contains("12 h of retention"));
    }

    [Fact]
    public async Task A_stream_that_stays_CREATING_past_the_timeout_is_an_error_saying_how_long_and_in_what_status()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.DescribesWhileCreating = int.MaxValue;
        using var client = Client(fake);
        using var resolver = new KinesisVideoStreamResolver(client, Options(create: true));

        var resolving = resolver.ResolveAsync();
        await PollAsync(fake, times: 15);
        var call = () => resolving.WaitAsync(TimeSpan.FromSeconds(10));

        var error = (await call.Should().ThrowAsync<KinesisVideoStreamException>()).Subject.Single();
        error.Problem.Should().Be(KinesisVideoStreamProblem.NotActive);
        error.Message.Should().Contain("\"cam-1\" in region eu-west-1 did not become ACTIVE")
            .And.Contain("still status CREATING after 30 s (KinesisVideoStreamResolverOptions.ActiveTimeout)");
        fake.Paths.Should().NotContain("/getDataEndpoint");
        fake.Paths.Count(p => p == "/describeStream").Should().Be(16, "one before the creation and one every 2 s for 30 s");
    }

    [Fact]
    public async Task A_stream_found_UPDATING_is_awaited_too_and_the_last_wait_is_cut_to_the_timeout()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.AddStream("cam-1", status: "UPDATING");
        using var client = Client(fake);
        using var shortResolver = new KinesisVideoStreamResolver(client, new KinesisVideoStreamResolverOptions
        {
            StreamName = "cam-1", ActiveTimeout = TimeSpan.FromSeconds(3), PollInterval = TimeSpan.FromSeconds(2), TimeProvider = _clock,
        });

        var resolving = shortResolver.ResolveAsync();
        await _clock.WaitForPendingDelayAsync(TimeSpan.FromSeconds(2));
        _clock.Advance(TimeSpan.FromSeconds(2));
        await _clock.WaitForPendingDelayAsync(TimeSpan.FromSeconds(1));
        _clock.Advance(TimeSpan.FromSeconds(1));
        var call = () => resolving.WaitAsync(TimeSpan.FromSeconds(10));

        (await call.Should().ThrowAsync<KinesisVideoStreamException>()).Which.Message.Should().Contain("still status UPDATING after 3 s");
        fake.Paths.Should().Equal("/describeStream", "/describeStream", "/describeStream");
    }

    [Theory]
    [InlineData("not yet visible after CreateStream")]
    [InlineData("created by someone else meanwhile")]
    public async Task A_new_stream_DescribeStream_does_not_see_yet_or_one_created_meanwhile_by_someone_else_is_awaited_like_our_own(string logged)
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        if (logged.StartsWith("not yet", StringComparison.Ordinal))
        {
            // Eventual consistency: the first DescribeStream after CreateStream does not find the stream, the next finds it ACTIVE.
            fake.DescribesWhileCreating = 0;
            fake.DescribesNotFoundAfterCreate = 1;
        }
        else
        {
            // The stream appears between our DescribeStream and our CreateStream, which then answers ResourceInUseException.
            var first = true;
            fake.Override = request =>
            {
                if (request.Path == "/describeStream" && first)
                {
                    first = false;
                    fake.AddStream("cam-1", status: "CREATING");
                    return FakeKinesisVideoControlPlane.Error(404, "ResourceNotFoundException", "The requested stream is not found or not active.");
                }
                return null;
            };
        }
        using var client = Client(fake);
        using var resolver = new KinesisVideoStreamResolver(client, Options(create: true));

        var resolving = resolver.ResolveAsync();
        await PollAsync(fake, times: 2);
        var target = await resolving.WaitAsync(TimeSpan.FromSeconds(10));

        target.Stream.Status.Should().Be(KinesisVideoStreamStatus.Active);
        fake.Paths.Should().Equal("/describeStream", "/createStream", "/describeStream", "/describeStream", "/getDataEndpoint");
        _logs.Lines.Should().Contain(line => line.Contains(logged));
    }

    [Fact]
    public async Task A_stream_being_deleted_is_an_error_and_no_endpoint_is_asked_for_even_with_auto_create()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync("us-east-1");
        fake.AddStream("cam-1", status: "DELETING");
        using var client = new KinesisVideoClient(KinesisVideoClientTests.Options(fake.Url, region: "us-east-1"));
        using var resolver = new KinesisVideoStreamResolver(client, Options(create: true));

        var call = () => resolver.ResolveAsync();

        var error = (await call.Should().ThrowAsync<KinesisVideoStreamException>()).Subject.Single();
        error.Problem.Should().Be(KinesisVideoStreamProblem.Deleting);
        error.Message.Should().Be("Kinesis video stream \"cam-1\" in region us-east-1 is being deleted (status DELETING); it takes no media. " +
            "Wait until it is gone and create it again, or use another name.");
        fake.Paths.Should().Equal("/describeStream");
    }

    [Theory]
    [InlineData("DescribeStream", false)]
    [InlineData("CreateStream", true)]
    [InlineData("GetDataEndpoint", false)]
    public async Task A_denied_call_names_its_IAM_action(string operation, bool missing)
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        if (!missing)
        {
            fake.AddStream("cam-1");
        }
        fake.Denied[operation] = true;
        using var client = Client(fake);
        using var resolver = new KinesisVideoStreamResolver(client, Options(create: true));

        var call = () => resolver.ResolveAsync();

        var error = (await call.Should().ThrowAsync<KinesisVideoStreamException>()).Subject.Single();
        error.Problem.Should().Be(KinesisVideoStreamProblem.AccessDenied);
        error.IamAction.Should().Be("kinesisvideo:" + operation);
        error.Message.Should().Contain($"Grant the IAM action kinesisvideo:{operation} on arn:aws:kinesisvideo:eu-west-1:<account>:stream/cam-1/*");
    }

    [Fact]
    public async Task A_failed_resolution_is_not_cached_the_next_call_asks_again()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.AddStream("cam-1");
        fake.Denied["GetDataEndpoint"] = true;
        using var client = Client(fake);
        using var resolver = new KinesisVideoStreamResolver(client, Options());
        var denied = () => resolver.ResolveAsync();
        await denied.Should().ThrowAsync<KinesisVideoStreamException>();

        fake.Denied.Clear();
        var target = await resolver.ResolveAsync();

        target.Stream.StreamName.Should().Be("cam-1");
        fake.Paths.Should().Equal("/describeStream", "/getDataEndpoint", "/describeStream", "/getDataEndpoint");
    }

    [Fact]
    public async Task A_stream_deleted_since_the_resolution_is_named_when_the_endpoint_is_reloaded_and_the_old_target_is_kept()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.AddStream("cam-1");
        using var client = Client(fake);
        using var resolver = new KinesisVideoStreamResolver(client, Options());
        var target = await resolver.ResolveAsync();
        fake.Override = _ => FakeKinesisVideoControlPlane.Error(404, "ResourceNotFoundException", "The requested stream is not found or not active.");

        var call = () => resolver.ReloadEndpointAsync(target);

        var error = (await call.Should().ThrowAsync<KinesisVideoStreamException>()).Subject.Single();
        error.Problem.Should().Be(KinesisVideoStreamProblem.NotFound);
        error.Operation.Should().Be("GetDataEndpoint");
        resolver.Current.Should().BeSameAs(target);
    }

    [Fact]
    public async Task Cancelling_the_wait_for_ACTIVE_ends_the_resolution_at_once()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.DescribesWhileCreating = int.MaxValue;
        using var client = Client(fake);
        using var resolver = new KinesisVideoStreamResolver(client, Options(create: true));
        using var cancellation = new CancellationTokenSource();

        var resolving = resolver.ResolveAsync(cancellation.Token);
        await _clock.WaitForPendingDelayAsync(TimeSpan.FromSeconds(2));
        await cancellation.CancelAsync();
        var call = () => resolving.WaitAsync(TimeSpan.FromSeconds(10));

        await call.Should().ThrowAsync<OperationCanceledException>();
        resolver.Current.Should().BeNull();
    }

    public static TheoryData<string, KinesisVideoStreamResolverOptions> BadOptions() => new()
    {
        { "StreamName: A Kinesis video stream name has 1 to 256", new KinesisVideoStreamResolverOptions() },
        { "StreamName: A Kinesis video stream name has 1 to 256", new KinesisVideoStreamResolverOptions { StreamName = "cam 1" } },
        { "Creation: KinesisVideoStreamSettings.DataRetentionInHours must be 0 or more", new KinesisVideoStreamResolverOptions { StreamName = "c", Creation = new KinesisVideoStreamSettings { DataRetentionInHours = -2 } } },
        { "ActiveTimeout must be more than 0 and at most 1 hour", new KinesisVideoStreamResolverOptions { StreamName = "c", ActiveTimeout = TimeSpan.Zero } },
        { "ActiveTimeout must be more than 0 and at most 1 hour", new KinesisVideoStreamResolverOptions { StreamName = "c", ActiveTimeout = TimeSpan.FromHours(2) } },
        { "PollInterval must be more than 0 and at most ActiveTimeout", new KinesisVideoStreamResolverOptions { StreamName = "c", PollInterval = TimeSpan.FromMinutes(2) } },
        { "PollInterval must be more than 0 and at most ActiveTimeout", new KinesisVideoStreamResolverOptions { StreamName = "c", PollInterval = TimeSpan.Zero } },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Invalid_options_are_refused_at_construction_naming_the_setting(string message, KinesisVideoStreamResolverOptions options)
    {
        using var client = new KinesisVideoClient(KinesisVideoClientTests.Options(new Uri("http://127.0.0.1:9/")));

        var create = () => new KinesisVideoStreamResolver(client, options);

        create.Should().Throw<ArgumentException>().Which.Message.Should().Contain(message);
    }

    /// <summary>
    /// Lets the resolution wait out its poll interval (2 s on the clock) <paramref name="times"/> times, each time until the
    /// DescribeStream that follows the wait has reached the fake.
    /// </summary>
    private async Task PollAsync(FakeKinesisVideoControlPlane fake, int times)
    {
        for (var poll = 0; poll < times; poll++)
        {
            await _clock.WaitForPendingDelayAsync(TimeSpan.FromSeconds(2));
            var before = fake.Requests.Count;
            _clock.Advance(TimeSpan.FromSeconds(2));
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (fake.Requests.Count <= before)
            {
                DateTime.UtcNow.Should().BeBefore(deadline, $"a request should follow the wait; got {string.Join(", ", fake.Paths)}");
                await Task.Delay(5);
            }
        }
    }
}
