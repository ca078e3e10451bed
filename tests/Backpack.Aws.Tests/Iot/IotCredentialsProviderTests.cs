using System.Diagnostics;
using Backpack.Aws.Iot;
using Backpack.Aws.Kinesis;
using Backpack.Aws.Tests.Fakes;
using Backpack.Aws.Tests.Kinesis.Output;
using FluentAssertions;

namespace Backpack.Aws.Tests.Iot;

/// <summary>
/// <see cref="IotCredentialsProvider"/> against a local AWS IoT credentials endpoint that requires a client certificate
/// from a test CA: credentials over mutual TLS for a thing, refreshed in the background before they expire, clear
/// errors that say what to check, and no key material anywhere.
/// </summary>
public sealed class IotCredentialsProviderTests : IDisposable
{
    private const string Thing = "dock-3";
    private readonly TestPki _pki = new();
    private readonly DeviceFiles _device;

    public IotCredentialsProviderTests() => _device = _pki.IssueDevice(Thing);

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task Credentials_come_over_mutual_TLS_for_the_thing_and_are_served_from_cache_until_refresh()
    {
        await using var endpoint = await StartEndpointAsync();
        await using var provider = new IotCredentialsProvider(Options(endpoint));

        var first = await provider.GetCredentialsAsync();
        var second = await provider.GetCredentialsAsync();

        first.AccessKey.Should().StartWith("ASIAIOTBACKPACK");
        first.Token.Should().NotBeNullOrEmpty();
        second.Should().BeSameAs(first);
        var request = endpoint.Requests.Should().ContainSingle().Subject;
        request.Path.Should().Be("/role-aliases/BackpackRole/credentials");
        request.ThingName.Should().Be(Thing);
        request.CertificateSubject.Should().Contain(Thing);
        provider.Expiration.Should().BeCloseTo(DateTime.UtcNow.AddHours(1), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task New_credentials_are_fetched_in_the_background_at_80_to_95_percent_of_their_lifetime_so_no_request_waits()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var endpoint = await StartEndpointAsync(clock);
        await using var provider = new IotCredentialsProvider(Options(endpoint), timeProvider: clock);
        await provider.StartAsync();
        var refreshAt = provider.NextRefresh!.Value;
        var fetchedAt = clock.GetUtcNow();

        (refreshAt - fetchedAt).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMinutes(48)).And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(57));
        await clock.WaitForPendingDelayAsync(refreshAt - fetchedAt);
        clock.Advance(refreshAt - fetchedAt - TimeSpan.FromSeconds(1));
        endpoint.Requests.Should().HaveCount(1, "nothing is fetched before the refresh time");

        clock.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => endpoint.Requests.Count == 2, "the background refresh");
        await WaitUntilAsync(() => provider.NextRefresh > refreshAt, "the new credentials are held");
        var watch = Stopwatch.StartNew();
        var renewed = await provider.GetCredentialsAsync();
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromMilliseconds(50), "a request takes what the background task fetched");
        renewed.AccessKey.Should().EndWith("00002");
        endpoint.Requests.Should().HaveCount(2);
    }

    [Theory]
    [InlineData(0.0, 48 * 60)]
    [InlineData(0.5, 52 * 60 + 30)]
    [InlineData(1.0, 57 * 60)]
    public void The_refresh_time_is_a_fraction_of_the_lifetime_between_80_and_95_percent(double random, int expectedSeconds)
    {
        var fetchedAt = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

        var refreshAt = IotCredentialsProvider.RefreshAt(fetchedAt, fetchedAt.AddHours(1), random);

        (refreshAt - fetchedAt).Should().Be(TimeSpan.FromSeconds(expectedSeconds));
    }

    [Fact]
    public async Task A_failed_refresh_keeps_the_valid_credentials_and_is_retried_with_back_off_until_it_succeeds()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var logs = new CapturingLoggerFactory();
        await using var endpoint = await StartEndpointAsync(clock);
        await using var provider = new IotCredentialsProvider(Options(endpoint), logs, clock);
        var held = await provider.GetCredentialsAsync();
        var refreshIn = provider.NextRefresh!.Value - clock.GetUtcNow();
        endpoint.FailNextCalls(3);

        await clock.WaitForPendingDelayAsync(refreshIn);
        clock.Advance(refreshIn);
        foreach (var backOff in new[] { 1, 2, 4 })
        {
            await clock.WaitForPendingDelayAsync(TimeSpan.FromSeconds(backOff));
            (await provider.GetCredentialsAsync()).Should().BeSameAs(held, "the current credentials are still valid");
            clock.Advance(TimeSpan.FromSeconds(backOff));
        }
        await WaitUntilAsync(() => endpoint.Requests.Count(r => r.Status == 200) == 2, "the retry that succeeds");

        endpoint.Requests.Select(r => r.Status).Should().Equal(200, 500, 500, 500, 200);
        await WaitUntilAsync(async () => (await provider.GetCredentialsAsync()).AccessKey != held.AccessKey, "the renewed credentials");
        logs.Lines.Where(line => line.Contains("refresh failed", StringComparison.Ordinal)).Should().HaveCount(3)
            .And.OnlyContain(line => line.Contains("dock-3", StringComparison.Ordinal) && line.Contains("500", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_thing_the_certificate_is_not_attached_to_is_refused_with_an_error_naming_the_thing_the_alias_and_what_to_check()
    {
        await using var endpoint = await StartEndpointAsync();
        await using var provider = new IotCredentialsProvider(Options(endpoint, thing: "dock-4"));

        var failure = await FluentActions.Awaiting(() => provider.GetCredentialsAsync()).Should().ThrowAsync<IotCredentialsException>();

        failure.Which.StatusCode.Should().Be(403);
        failure.Which.IsConfigurationError.Should().BeTrue();
        failure.Which.Message.Should().Contain("dock-4").And.Contain("BackpackRole").And.Contain("Invalid thing name passed")
            .And.Contain("attached to the thing").And.Contain("iot:AssumeRoleWithCertificate");
    }

    [Fact]
    public async Task An_unknown_role_alias_is_an_error_that_says_to_check_the_alias()
    {
        await using var endpoint = await StartEndpointAsync();
        await using var provider = new IotCredentialsProvider(Options(endpoint, roleAlias: "NoSuchRole"));

        var failure = await FluentActions.Awaiting(() => provider.StartAsync()).Should().ThrowAsync<IotCredentialsException>();

        failure.Which.StatusCode.Should().Be(404);
        failure.Which.Message.Should().Contain("role alias NoSuchRole exists");
    }

    [Fact]
    public async Task A_certificate_from_another_CA_fails_the_TLS_handshake_with_an_error_about_the_certificate_and_the_endpoint()
    {
        await using var endpoint = await StartEndpointAsync();
        using var strangers = new TestPki("Some Other CA");
        var stranger = strangers.IssueDevice(Thing);
        await using var provider = new IotCredentialsProvider(Options(endpoint) with { CertificatePath = stranger.CertificatePath, PrivateKeyPath = stranger.PrivateKeyPath });

        var failure = await FluentActions.Awaiting(() => provider.GetCredentialsAsync()).Should().ThrowAsync<IotCredentialsException>();

        failure.Which.StatusCode.Should().BeNull();
        failure.Which.Message.Should().Contain("mutual-TLS").And.Contain("registered and ACTIVE").And.Contain(endpoint.Endpoint);
        endpoint.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task An_endpoint_whose_certificate_does_not_chain_to_the_root_CA_is_not_trusted()
    {
        await using var endpoint = await StartEndpointAsync();
        using var strangers = new TestPki("Some Other CA");
        await using var provider = new IotCredentialsProvider(Options(endpoint) with { RootCaPath = strangers.RootCaPath });

        var failure = await FluentActions.Awaiting(() => provider.GetCredentialsAsync()).Should().ThrowAsync<IotCredentialsException>();

        failure.Which.Message.Should().Contain("mutual-TLS").And.Contain(strangers.RootCaPath);
        endpoint.Requests.Should().BeEmpty();
    }

    [Fact]
    public void A_private_key_that_does_not_match_the_certificate_is_refused_at_construction_naming_both_files_and_no_key()
    {
        var other = _pki.IssueDevice("dock-9");
        var options = Options(endpoint: "localhost:1") with { PrivateKeyPath = other.PrivateKeyPath };

        var failure = FluentActions.Invoking(() => new IotCredentialsProvider(options)).Should().Throw<ArgumentException>();

        failure.Which.Message.Should().Contain(_device.CertificatePath).And.Contain(other.PrivateKeyPath);
        AllText(failure.Which).Should().NotContain(KeyBody(other.PrivateKeyPath));
    }

    [Fact]
    public void A_key_file_that_is_not_a_PEM_key_is_refused_at_construction()
    {
        var garbage = Path.Combine(_pki.Directory, "garbage.key");
        File.WriteAllText(garbage, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");

        FluentActions.Invoking(() => new IotCredentialsProvider(Options(endpoint: "localhost:1") with { PrivateKeyPath = garbage }))
            .Should().Throw<ArgumentException>().WithMessage($"*{garbage}*");
    }

    [Fact]
    public void Every_problem_with_the_options_is_listed_at_once()
    {
        var options = new IotCredentialsProviderOptions
        {
            CredentialsEndpoint = "https://x.credentials.iot.eu-west-1.amazonaws.com/",
            RoleAlias = "no spaces",
            ThingName = string.Empty,
            CertificatePath = "/nonexistent/cert.pem",
            PrivateKeyPath = string.Empty,
            RequestTimeout = TimeSpan.Zero,
        };

        var failure = FluentActions.Invoking(() => new IotCredentialsProvider(options)).Should().Throw<ArgumentException>();

        failure.Which.Message.Should().Contain("CredentialsEndpoint 'https://").And.Contain("no scheme")
            .And.Contain("RoleAlias 'no spaces'").And.Contain("ThingName ''").And.Contain("CertificatePath '/nonexistent/cert.pem' does not exist")
            .And.Contain("PrivateKeyPath is required").And.Contain("RequestTimeout");
    }

    [Fact]
    public async Task Neither_the_private_key_nor_the_secrets_it_fetches_reach_logs_exceptions_or_ToString()
    {
        var logs = new CapturingLoggerFactory();
        await using var endpoint = await StartEndpointAsync();
        await using var provider = new IotCredentialsProvider(Options(endpoint), logs);
        await provider.StartAsync();
        await using var refused = new IotCredentialsProvider(Options(endpoint, thing: "dock-4"), logs);
        var failure = await FluentActions.Awaiting(() => refused.StartAsync()).Should().ThrowAsync<IotCredentialsException>();

        var everything = string.Join('\n', logs.Lines) + provider + refused + AllText(failure.Which);
        everything.Should().NotContain(KeyBody(_device.PrivateKeyPath));
        foreach (var secret in endpoint.IssuedSecrets)
        {
            everything.Should().NotContain(secret);
        }
        provider.ToString().Should().Contain(Thing).And.Contain("ASIA****");
    }

    [Fact]
    public async Task Kinesis_streams_with_IoT_credentials_signed_by_the_certificate_s_role()
    {
        await using var iot = await StartEndpointAsync();
        await using var provider = new IotCredentialsProvider(Options(iot));
        await using var rig = await KvsTestRig.StartAsync(streamName: Thing, configure: options => new KvsOutputOptions
        {
            StreamName = options.StreamName, Region = options.Region, EndpointUrl = options.EndpointUrl, Credentials = provider,
            FragmentDuration = options.FragmentDuration, StopTimeout = options.StopTimeout,
        });

        rig.PutFor(TimeSpan.FromSeconds(3));
        await rig.SkyLine.StopStreamingAsync();

        rig.Endpoint.Violations.Should().BeEmpty();
        rig.Endpoint.Sessions.Should().NotBeEmpty().And.OnlyContain(session => session.AccessKey.StartsWith("ASIAIOTBACKPACK", StringComparison.Ordinal));
        rig.Endpoint.Stream(Thing).UniqueFragments.Should().NotBeEmpty().And.OnlyContain(fragment => fragment.Persisted);
    }

    [Fact]
    public async Task DescribeEndpoint_finds_the_credentials_endpoint_with_a_call_signed_for_iot()
    {
        await using var fake = await FakeAwsService.StartAsync("iot", "eu-west-1", TestCredentials.Default,
            _ => FakeAnswer.Json("""{"endpointAddress":"c2abc123.credentials.iot.eu-west-1.amazonaws.com"}"""));
        using var client = new IotClient(new AwsClientOptions { Region = "eu-west-1", EndpointUrl = fake.Url, Credentials = TestCredentials.Static });

        var address = await client.DescribeEndpointAsync(IotClient.CredentialProviderEndpointType);

        address.Should().Be("c2abc123.credentials.iot.eu-west-1.amazonaws.com");
        var request = fake.Requests.Should().ContainSingle().Subject;
        request.SignatureProblem.Should().BeNull();
        request.Path.Should().Be("/endpoint");
        request.QueryValue("endpointType").Should().Be("iot:CredentialProvider");
        await FluentActions.Awaiting(() => client.DescribeEndpointAsync("iot:Nonsense")).Should().ThrowAsync<ArgumentException>().WithMessage("*iot:CredentialProvider*");
    }

    private async Task<LocalIotCredentialsEndpoint> StartEndpointAsync(TimeProvider? clock = null)
    {
        var endpoint = await LocalIotCredentialsEndpoint.StartAsync(_pki, clock);
        endpoint.Attach(_device.Certificate, Thing);
        return endpoint;
    }

    private IotCredentialsProviderOptions Options(LocalIotCredentialsEndpoint endpoint, string thing = Thing, string roleAlias = "BackpackRole") =>
        Options(endpoint.Endpoint, thing, roleAlias);

    private IotCredentialsProviderOptions Options(string endpoint, string thing = Thing, string roleAlias = "BackpackRole") => new()
    {
        CredentialsEndpoint = endpoint,
        RoleAlias = roleAlias,
        ThingName = thing,
        CertificatePath = _device.CertificatePath,
        PrivateKeyPath = _device.PrivateKeyPath,
        RootCaPath = _pki.RootCaPath,
    };

    /// <summary>A recognisable stretch of the key's base64 body.</summary>
    private static string KeyBody(string path) => File.ReadAllLines(path)[2];

    private static string AllText(Exception exception) => exception.ToString();

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), $"waiting for {what}");
            await Task.Delay(10);
        }
    }
}
