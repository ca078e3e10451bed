using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Backpack.Aws.Kinesis.KvsSink;
using Backpack.Aws.Tests.Fakes;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Tests.Kinesis.KvsSink;

[Collection(ProcessEnvironmentTests.Name)]
public sealed class KvsInlineCredentialsHandlerTests
{
    [Fact]
    public async Task Long_term_keys_give_access_key_secret_key_and_an_empty_session_token()
    {
        await using var handler = new KvsInlineCredentialsHandler(new BasicAWSCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        await handler.StartAsync();

        handler.IsStarted.Should().BeTrue();
        handler.GetPropertyFragment().Should().Be("access-key=AKIAIOSFODNN7EXAMPLE secret-key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY session-token=\"\"");
        handler.ToString().Should().Be("KvsInlineCredentialsHandler(access key AKIA****LE)");
    }

    [Fact]
    public async Task Temporary_credentials_are_taken_with_a_warning_that_kvssink_cannot_renew_them()
    {
        var clock = new ManualClock();
        var logs = new CapturingLoggerFactory();
        using var source = KvsTestSupport.Temporary(clock, TimeSpan.FromHours(1), new StrongBox<int>());
        await using var handler = new KvsInlineCredentialsHandler(source, logs);

        await handler.StartAsync();

        handler.GetPropertyFragment().Should().Be($"access-key=ASIABACKPACKKVS00001 secret-key={TestCredentials.Secret}1 session-token={TestCredentials.Token}1");
        logs.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Which.Message.Should()
            .Contain("ASIA****01").And.Contain("2026-01-15T09:00:00.0000000+00:00").And.Contain("KvsFileCredentialsHandler");
    }

    [Fact]
    public async Task Refresh_takes_the_source_s_new_keys_for_later_pipelines()
    {
        var clock = new ManualClock();
        var fetches = new StrongBox<int>();
        using var source = KvsTestSupport.Temporary(clock, TimeSpan.FromMinutes(20), fetches);
        await using var handler = new KvsInlineCredentialsHandler(source);
        await handler.StartAsync();
        await handler.StartAsync();
        handler.GetPropertyFragment().Should().StartWith("access-key=ASIABACKPACKKVS00001 ");

        clock.Advance(TimeSpan.FromMinutes(16));
        await handler.RefreshAsync();

        handler.GetPropertyFragment().Should().StartWith("access-key=ASIABACKPACKKVS00002 ");
        fetches.Value.Should().Be(2, "a second StartAsync does nothing");
    }

    [Fact]
    public async Task Without_credentials_the_default_chain_is_used()
    {
        // The default chain's first source is the environment; AWSSDK.Core reads the managed copy.
        var handler = new KvsInlineCredentialsHandler();
        using (new EnvironmentScope(new() { ["AWS_ACCESS_KEY_ID"] = "AKIDBACKPACKCHAIN001", ["AWS_SECRET_ACCESS_KEY"] = "chain/secret+key" }))
        {
            await handler.StartAsync();
        }

        handler.GetPropertyFragment().Should().Be("access-key=AKIDBACKPACKCHAIN001 secret-key=chain/secret+key session-token=\"\"");
        await handler.DisposeAsync();
    }

    [Fact]
    public async Task The_fragment_is_refused_before_start_and_after_disposal()
    {
        var handler = new KvsInlineCredentialsHandler(new BasicAWSCredentials("AKIAIOSFODNN7EXAMPLE", "secret"));
        handler.IsStarted.Should().BeFalse();
        handler.Invoking(h => h.GetPropertyFragment()).Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("await StartAsync");
        await handler.Invoking(h => h.RefreshAsync()).Should().ThrowAsync<InvalidOperationException>().WithMessage("*not started*");
        handler.ToString().Should().Be("KvsInlineCredentialsHandler(not started)");

        await handler.StartAsync();
        handler.Dispose();
        handler.Dispose();

        handler.IsStarted.Should().BeFalse();
        handler.IsDisposed.Should().BeTrue();
        handler.Invoking(h => h.GetPropertyFragment()).Should().Throw<ObjectDisposedException>();
        await handler.Invoking(h => h.StartAsync()).Should().ThrowAsync<ObjectDisposedException>();
        await handler.Invoking(h => h.RefreshAsync()).Should().ThrowAsync<ObjectDisposedException>();
    }

    [Theory]
    [InlineData("AKIA EXAMPLE", "secret", "access key id", "whitespace")]
    [InlineData("AKIAEXAMPLE", "sec\"ret", "secret access key", "a quote")]
    [InlineData("AKIAEXAMPLE", "sëcret", "secret access key", "non-ASCII")]
    public async Task Credentials_kvssink_would_misread_are_refused_without_printing_them(string accessKey, string secret, string field, string message)
    {
        await using var handler = new KvsInlineCredentialsHandler(new ImmutableSource(new ImmutableCredentials(accessKey, secret, null)));

        var failure = await handler.Invoking(h => h.StartAsync()).Should().ThrowAsync<InvalidOperationException>();

        failure.Which.Message.Should().Contain(field).And.Contain(message).And.Contain(nameof(ImmutableSource)).And.NotContain(secret);
        handler.IsStarted.Should().BeFalse();
    }

    [Fact]
    public async Task A_failing_source_fails_the_start_naming_the_source()
    {
        await using var handler = new KvsInlineCredentialsHandler(new FailingSource());

        (await handler.Invoking(h => h.StartAsync()).Should().ThrowAsync<InvalidOperationException>())
            .Which.Message.Should().Be("No AWS credentials from FailingSource: vault sealed");
    }

    /// <summary>Credentials returned as they are, even ones AWSSDK.Core's own types would refuse.</summary>
    internal sealed class ImmutableSource(ImmutableCredentials credentials) : AWSCredentials
    {
        public override ImmutableCredentials GetCredentials() => credentials;
    }

    internal sealed class FailingSource : AWSCredentials
    {
        public override ImmutableCredentials GetCredentials() => throw new AmazonClientException("vault sealed");

        public override Task<ImmutableCredentials> GetCredentialsAsync() => Task.FromException<ImmutableCredentials>(new AmazonClientException("vault sealed"));
    }
}
