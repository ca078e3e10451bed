using System.Diagnostics;
using Backpack.Aws.Identity;
using Backpack.Aws.Tests.Fakes;
using Backpack.Aws.Tests.Panorama;

namespace Backpack.Aws.Tests.Identity;

public sealed class IdentityResolverTests : IDisposable
{
    private const string Id = "applicationInstance-0123456789abcdefghijklmn";
    private readonly string _directory = Directory.CreateTempSubdirectory("backpack-identity-").FullName;
    private readonly Dictionary<string, string?> _environment = new() { ["AWS_EC2_METADATA_DISABLED"] = "true" };

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private IdentityResolverOptions Options(
        Uri? panorama = null, Uri? imds = null, TimeSpan? imdsTimeout = null, string? machineId = "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        ManualClock? clock = null, TimeSpan? sourceTimeout = null) => new()
    {
        TimeProvider = clock ?? TimeProvider.System,
        SourceTimeout = sourceTimeout ?? new IdentityResolverOptions().SourceTimeout,
        AutoIdentity = new AutoIdentityOptions { TimeProvider = clock ?? TimeProvider.System },
        PanoramaEndpointUrl = panorama,
        PanoramaConnectTimeout = TimeSpan.FromMilliseconds(150),
        Credentials = TestCredentials.Static,
        InstanceMetadataEndpoint = imds,
        InstanceMetadataTimeout = imdsTimeout ?? TimeSpan.FromSeconds(5),
        GetEnvironmentVariable = name => _environment.GetValueOrDefault(name),
        MachineIdFiles = [WriteMachineId(machineId)],
        GetHostName = () => "jetson-lab-07",
    };

    /// <summary>A Panorama that knows the instance, whose health stays NOT_AVAILABLE; AppGraph_Uid and the region set.</summary>
    private async Task<FakeAwsService> StuckDeploymentAsync(ManualClock clock)
    {
        _environment["AppGraph_Uid"] = Id;
        _environment["AWS_REGION"] = "us-east-1";
        return await FakeAwsService.StartAsync(
            "panorama", "us-east-1", TestCredentials.Default, _ => PanoramaAnswers.Page([PanoramaAnswers.Instance(Id, "NOT_AVAILABLE")]), clock);
    }

    private string WriteMachineId(string? machineId)
    {
        var path = Path.Combine(_directory, "machine-id");
        if (machineId is not null)
        {
            File.WriteAllText(path, machineId + "\n");
        }
        return path;
    }

    [Fact]
    public async Task With_AppGraph_Uid_set_Panorama_answers_and_prints_the_AutoIdentity_block()
    {
        await using var panorama = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default, _ => PanoramaAnswers.Page([PanoramaAnswers.Instance(Id)]));
        _environment["AppGraph_Uid"] = Id;
        _environment["AWS_REGION"] = "us-east-1";

        var identity = await new IdentityResolver(Options(panorama.Url)).ResolveAsync();

        identity.Source.Should().Be(IdentitySource.Panorama);
        identity.DeviceId.Should().Be("device-0123456789abcdefghijklmn");
        identity.DeviceName.Should().Be("my_panorama");
        identity.Region.Should().Be("us-east-1");
        identity.Skipped.Should().BeEmpty();
        identity.ToString().Should().StartWith("<AutoIdentity\n").And.Contain($"application_instance_id=\"{Id}\"");
    }

    [Fact]
    public async Task When_Panorama_does_not_know_the_instance_Greengrass_answers_and_the_reason_is_kept()
    {
        await using var panorama = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default, _ => PanoramaAnswers.Page([]));
        _environment["AppGraph_Uid"] = Id;
        _environment["AWS_REGION"] = "us-east-1";
        _environment["AWS_IOT_THING_NAME"] = "line-3-camera-core";

        var identity = await new IdentityResolver(Options(panorama.Url)).ResolveAsync();

        identity.Source.Should().Be(IdentitySource.Greengrass);
        identity.DeviceId.Should().Be("line-3-camera-core");
        identity.Region.Should().Be("us-east-1");
        identity.Skipped.Should().ContainSingle().Which.Should().StartWith("panorama: ").And.Contain(Id).And.Contain("not among the deployed");
        identity.ToString().Should().Contain("source=\"greengrass\"").And.Contain("thing_name=\"line-3-camera-core\"");
    }

    [Fact]
    public async Task A_Panorama_endpoint_that_never_accepts_is_skipped_and_the_next_source_answers()
    {
        using var silent = new NeverAcceptingEndpoint();
        _environment["AppGraph_Uid"] = Id;
        _environment["AWS_REGION"] = "us-east-1";
        _environment["AWS_IOT_THING_NAME"] = "line-3-camera-core";

        var identity = await new IdentityResolver(Options(silent.Url)).ResolveAsync();

        identity.Source.Should().Be(IdentitySource.Greengrass);
        identity.Skipped.Should().ContainSingle().Which.Should().StartWith("panorama: ").And.Contain(Id).And.Contain(silent.Url.GetLeftPart(UriPartial.Authority));
    }

    [Fact]
    public async Task A_deployment_that_stays_NOT_AVAILABLE_is_given_up_after_a_minute_by_default_and_the_next_source_answers()
    {
        var clock = new ManualClock();
        await using var panorama = await StuckDeploymentAsync(clock);
        _environment["AWS_IOT_THING_NAME"] = "line-3-camera-core";

        // AutoIdentity alone would ask again after 5, 10, 20, 40, 80 ... s, up to 50 times: hours.
        var resolve = new IdentityResolver(Options(panorama.Url, clock: clock)).ResolveAsync();
        foreach (var wait in new[] { 5, 10, 20 })
        {
            await clock.WaitForPendingDelayAsync(TimeSpan.FromSeconds(wait));
            clock.Advance(TimeSpan.FromSeconds(wait));
        }
        await clock.WaitForPendingDelayAsync(TimeSpan.FromSeconds(40));
        clock.Advance(TimeSpan.FromSeconds(25)); // 60 s since the resolution began; the next ask would be at 75 s

        var identity = await resolve.WaitAsync(TimeSpan.FromSeconds(10));
        identity.Source.Should().Be(IdentitySource.Greengrass);
        identity.Skipped.Should().ContainSingle().Which.Should().StartWith("panorama: ")
            .And.Contain("no answer within 60 s").And.Contain("IdentityResolverOptions.SourceTimeout");
        panorama.Requests.Should().HaveCount(4);
    }

    [Fact]
    public async Task The_source_timeout_is_an_option()
    {
        var clock = new ManualClock();
        await using var panorama = await StuckDeploymentAsync(clock);

        var resolve = new IdentityResolver(Options(panorama.Url, clock: clock, sourceTimeout: TimeSpan.FromSeconds(7))).ResolveAsync();
        await clock.WaitForPendingDelayAsync(TimeSpan.FromSeconds(5));
        clock.Advance(TimeSpan.FromSeconds(5));
        await clock.WaitForPendingDelayAsync(TimeSpan.FromSeconds(10));
        clock.Advance(TimeSpan.FromSeconds(2));

        var identity = await resolve.WaitAsync(TimeSpan.FromSeconds(10));
        identity.Source.Should().Be(IdentitySource.Host);
        identity.Skipped[0].Should().Contain("no answer within 7 s");
    }

    [Fact]
    public async Task Cancelling_the_resolution_cancels_it_rather_than_skipping_a_source()
    {
        using var silent = new NeverAcceptingEndpoint();
        _environment["AppGraph_Uid"] = Id;
        _environment["AWS_REGION"] = "us-east-1";
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var resolve = () => new IdentityResolver(Options(silent.Url)).ResolveAsync(cancellation.Token);

        await resolve.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task AppGraph_Uid_without_a_region_is_skipped_with_that_reason()
    {
        _environment["AppGraph_Uid"] = Id;

        var identity = await new IdentityResolver(Options()).ResolveAsync();

        identity.Skipped.Should().Contain(reason => reason.StartsWith("panorama: ", StringComparison.Ordinal) && reason.Contains("no device region"));
    }

    [Fact]
    public async Task On_EC2_the_instance_identity_document_answers_through_IMDSv2()
    {
        await using var imds = await FakeInstanceMetadata.StartAsync("unused", "unused", "unused");
        _environment.Remove("AWS_EC2_METADATA_DISABLED");

        var identity = await new IdentityResolver(Options(imds: imds.Url)).ResolveAsync();

        identity.Source.Should().Be(IdentitySource.Ec2);
        identity.DeviceId.Should().Be("i-0123456789abcdef0");
        identity.Region.Should().Be("eu-central-1");
        identity.Details.Should().Contain("account_id", "123456789012").And.Contain("instance_type", "g5g.xlarge").And.Contain("availability_zone", "eu-central-1b");
        imds.Requests.Should().Equal("PUT /latest/api/token", "GET /latest/dynamic/instance-identity/document");
        identity.Skipped.Should().Equal("panorama: AppGraph_Uid is not set", "greengrass: AWS_IOT_THING_NAME is not set");
    }

    [Theory]
    [InlineData("[\"i-0123456789abcdef0\"]", "array")]
    [InlineData("\"i-0123456789abcdef0\"", "string")]
    public async Task An_instance_identity_document_that_is_not_a_JSON_object_is_skipped_and_the_host_answers(string document, string kind)
    {
        await using var imds = await FakeInstanceMetadata.StartAsync("unused", "unused", "unused", identityDocument: document);
        _environment.Remove("AWS_EC2_METADATA_DISABLED");

        var identity = await new IdentityResolver(Options(imds: imds.Url)).ResolveAsync();

        identity.Source.Should().Be(IdentitySource.Host);
        identity.Skipped.Should().Contain(reason => reason.StartsWith("ec2: the instance identity document at", StringComparison.Ordinal)
            && reason.Contains("not a JSON object") && reason.Contains($"JSON {kind}"));
    }

    [Fact]
    public async Task An_instance_identity_document_that_is_not_JSON_is_skipped_and_the_host_answers()
    {
        await using var imds = await FakeInstanceMetadata.StartAsync("unused", "unused", "unused", identityDocument: "<html>captive portal</html>");
        _environment.Remove("AWS_EC2_METADATA_DISABLED");

        var identity = await new IdentityResolver(Options(imds: imds.Url)).ResolveAsync();

        identity.Source.Should().Be(IdentitySource.Host);
        identity.Skipped.Should().Contain(reason => reason.StartsWith("ec2: the instance identity document at", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AWS_EC2_METADATA_DISABLED_skips_EC2_without_contacting_it()
    {
        await using var imds = await FakeInstanceMetadata.StartAsync("unused", "unused", "unused");

        var identity = await new IdentityResolver(Options(imds: imds.Url)).ResolveAsync();

        identity.Source.Should().Be(IdentitySource.Host);
        identity.Skipped.Should().Contain("ec2: disabled by AWS_EC2_METADATA_DISABLED=true");
        imds.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_metadata_service_that_does_not_answer_in_time_is_skipped_quickly()
    {
        await using var imds = await FakeInstanceMetadata.StartAsync("unused", "unused", "unused", delay: TimeSpan.FromSeconds(30));
        _environment.Remove("AWS_EC2_METADATA_DISABLED");
        var watch = Stopwatch.StartNew();

        var identity = await new IdentityResolver(Options(imds: imds.Url, imdsTimeout: TimeSpan.FromMilliseconds(300))).ResolveAsync();

        identity.Source.Should().Be(IdentitySource.Host);
        identity.Skipped.Should().Contain(reason => reason.StartsWith("ec2: no instance metadata at", StringComparison.Ordinal) && reason.Contains("no answer within 0.3 s"));
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Without_any_service_the_host_answers_with_its_machine_id_and_host_name()
    {
        var identity = await new IdentityResolver(Options()).ResolveAsync();

        identity.Source.Should().Be(IdentitySource.Host);
        identity.DeviceId.Should().Be("0f1e2d3c4b5a69788796a5b4c3d2e1f0");
        identity.DeviceName.Should().Be("jetson-lab-07");
        identity.Details.Should().Contain("machine_id", "0f1e2d3c4b5a69788796a5b4c3d2e1f0").And.Contain("host_name", "jetson-lab-07");
        identity.ToString().Should().Be("""
            <Identity
                source="host"
                device_id="0f1e2d3c4b5a69788796a5b4c3d2e1f0"
                device_name="jetson-lab-07"
                region=None
                host_name="jetson-lab-07"
                machine_id="0f1e2d3c4b5a69788796a5b4c3d2e1f0"
            >
            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Without_a_machine_id_the_host_name_is_the_device_id()
    {
        var identity = await new IdentityResolver(Options(machineId: null)).ResolveAsync();

        identity.DeviceId.Should().Be("jetson-lab-07");
        identity.Details.Should().NotContainKey("machine_id");
    }

    [Fact]
    public void Options_out_of_range_are_refused_by_name()
    {
        new Action(() => _ = new IdentityResolver(new IdentityResolverOptions { InstanceMetadataTimeout = TimeSpan.Zero })).Should().Throw<ArgumentException>().WithParameterName("options");
        new Action(() => _ = new IdentityResolver(new IdentityResolverOptions { InstanceMetadataEndpoint = new Uri("https://169.254.169.254") })).Should().Throw<ArgumentException>().WithParameterName("options");
        foreach (var timeout in new[] { TimeSpan.Zero, TimeSpan.FromSeconds(-1), TimeSpan.FromDays(2) })
        {
            new Action(() => _ = new IdentityResolver(new IdentityResolverOptions { SourceTimeout = timeout })).Should().Throw<ArgumentException>()
                .WithMessage("IdentityResolverOptions.SourceTimeout must be more than 0 and at most 1 day, or Timeout.InfiniteTimeSpan*").And.ParamName.Should().Be("options");
        }
        new Action(() => _ = new IdentityResolver(new IdentityResolverOptions { SourceTimeout = Timeout.InfiniteTimeSpan })).Should().NotThrow();
    }
}
