using Amazon.Runtime;
using Backpack.Aws.Credentials;
using Backpack.Aws.Panorama;
using Backpack.Aws.Tests.Fakes;
using Backpack.Aws.Tests.Panorama;

namespace Backpack.Aws.Tests.Credentials;

public sealed class TemporaryCredentialsTests
{
    private readonly ManualClock _clock = new();
    private int _fetches;

    private Task<(ImmutableCredentials, DateTimeOffset)> Fetch(TimeSpan lifetime)
    {
        var n = Interlocked.Increment(ref _fetches);
        return Task.FromResult((new ImmutableCredentials($"ASIATEMPORARYKEY{n:0000}", TestCredentials.Secret + n, TestCredentials.Token + n), _clock.GetUtcNow() + lifetime));
    }

    [Fact]
    public async Task Credentials_are_fetched_once_and_reused_until_they_are_due_for_refresh()
    {
        using var credentials = new TemporaryCredentials(_ => Fetch(TimeSpan.FromHours(1)), TimeSpan.FromMinutes(5), _clock);

        var first = await credentials.GetCredentialsAsync();
        _clock.Advance(TimeSpan.FromMinutes(54));
        var stillFirst = await credentials.GetCredentialsAsync();
        _clock.Advance(TimeSpan.FromMinutes(1));
        var second = await credentials.GetCredentialsAsync();

        stillFirst.Should().BeSameAs(first);
        second.AccessKey.Should().Be("ASIATEMPORARYKEY0002");
        _fetches.Should().Be(2);
        credentials.Expiration.Should().Be((_clock.GetUtcNow() + TimeSpan.FromHours(1)).UtcDateTime);
    }

    [Fact]
    public async Task A_failed_refresh_keeps_the_old_credentials_while_they_are_valid_and_fails_after_they_expired()
    {
        var fail = false;
        using var credentials = new TemporaryCredentials(
            _ => fail ? throw new HttpRequestException("credentials endpoint unreachable") : Fetch(TimeSpan.FromHours(1)), TimeSpan.FromMinutes(5), _clock);
        var first = await credentials.GetCredentialsAsync();
        fail = true;

        _clock.Advance(TimeSpan.FromMinutes(58));
        (await credentials.GetCredentialsAsync()).Should().BeSameAs(first);

        _clock.Advance(TimeSpan.FromMinutes(2));
        var call = () => credentials.GetCredentialsAsync();
        (await call.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("credentials endpoint unreachable");
    }

    [Fact]
    public async Task Credentials_that_arrive_already_expired_are_refused()
    {
        using var credentials = new TemporaryCredentials(_ => Fetch(TimeSpan.FromSeconds(-1)), timeProvider: _clock);

        var call = () => credentials.GetCredentialsAsync();

        (await call.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("expired");
    }

    [Fact]
    public async Task Concurrent_callers_share_one_fetch()
    {
        var release = new TaskCompletionSource();
        using var credentials = new TemporaryCredentials(async _ =>
        {
            await release.Task;
            return await Fetch(TimeSpan.FromHours(1));
        }, timeProvider: _clock);

        var callers = Enumerable.Range(0, 8).Select(_ => credentials.GetCredentialsAsync()).ToList();
        release.SetResult();
        var results = await Task.WhenAll(callers);

        results.Should().OnlyContain(r => r.AccessKey == "ASIATEMPORARYKEY0001");
        _fetches.Should().Be(1);
    }

    [Fact]
    public async Task Disposing_while_a_fetch_is_in_flight_lets_that_fetch_finish_and_refuses_later_fetches()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var credentials = new TemporaryCredentials(async _ =>
        {
            await release.Task;
            return await Fetch(TimeSpan.FromHours(1));
        }, TimeSpan.FromMinutes(5), _clock);
        var inFlight = credentials.GetCredentialsAsync();

        credentials.Dispose();
        release.SetResult();

        (await inFlight.WaitAsync(TimeSpan.FromSeconds(10))).AccessKey.Should().Be("ASIATEMPORARYKEY0001", "the call in flight was not pulled from under");
        (await credentials.GetCredentialsAsync()).AccessKey.Should().Be("ASIATEMPORARYKEY0001", "valid credentials held are still handed out");
        _clock.Advance(TimeSpan.FromMinutes(56));
        var refresh = () => credentials.GetCredentialsAsync();
        await refresh.Should().ThrowAsync<ObjectDisposedException>("a disposed instance fetches nothing more");
        credentials.Dispose();
    }

    [Fact]
    public async Task ToString_shows_a_masked_key_and_the_expiry_but_never_the_secret_or_token()
    {
        using var credentials = new TemporaryCredentials(_ => Fetch(TimeSpan.FromHours(1)), timeProvider: _clock);
        await credentials.GetCredentialsAsync();

        var text = credentials.ToString();

        text.Should().Contain("ASIA****01").And.Contain("expires");
        text.Should().NotContain(TestCredentials.Secret).And.NotContain(TestCredentials.Token).And.NotContain("ASIATEMPORARYKEY0001");
    }

    [Fact]
    public void Bad_arguments_are_refused_by_name()
    {
        new Action(() => _ = new TemporaryCredentials(null!)).Should().Throw<ArgumentNullException>().WithParameterName("fetch");
        new Action(() => _ = new TemporaryCredentials(_ => Fetch(TimeSpan.FromHours(1)), TimeSpan.FromSeconds(-1))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("refreshBefore");
    }

    [Fact]
    public async Task A_client_signs_with_the_refreshed_credentials_once_the_old_ones_are_due()
    {
        var accepted = new TestCredentials()
            .Add("ASIATEMPORARYKEY0001", TestCredentials.Secret + 1, TestCredentials.Token + 1)
            .Add("ASIATEMPORARYKEY0002", TestCredentials.Secret + 2, TestCredentials.Token + 2);
        await using var fake = await FakeAwsService.StartAsync("panorama", "us-east-1", accepted, _ => PanoramaAnswers.Page([]), _clock);
        using var credentials = new TemporaryCredentials(_ => Fetch(TimeSpan.FromMinutes(15)), TimeSpan.FromMinutes(5), _clock);
        using var client = new PanoramaClient(new AwsClientOptions { Region = "us-east-1", EndpointUrl = fake.Url, Credentials = credentials, TimeProvider = _clock });

        await client.ListApplicationInstancesAsync();
        _clock.Advance(TimeSpan.FromMinutes(11));
        await client.ListApplicationInstancesAsync();

        fake.Requests.Should().HaveCount(2).And.OnlyContain(r => r.SignatureProblem == null);
        fake.Requests[0].Headers["Authorization"].Should().Contain("Credential=ASIATEMPORARYKEY0001/20260115/");
        fake.Requests[1].Headers["Authorization"].Should().Contain("Credential=ASIATEMPORARYKEY0002/20260115/");
        fake.Requests[1].Headers["X-Amz-Security-Token"].Should().Be(TestCredentials.Token + 2);
    }
}
