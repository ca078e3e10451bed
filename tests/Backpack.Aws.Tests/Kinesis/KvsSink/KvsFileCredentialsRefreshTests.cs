using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Backpack.Aws.Kinesis.KvsSink;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Tests.Kinesis.KvsSink;

/// <summary>The refresh schedule of the credential file, on a clock the tests move.</summary>
public sealed class KvsFileCredentialsRefreshTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 1, 15, 8, 0, 0, TimeSpan.Zero);
    private readonly TemporaryDirectory _parent = new();
    private readonly ManualClock _clock = new(Start);
    private readonly CapturingLoggerFactory _logs = new();

    public void Dispose() => _parent.Dispose();

    private KvsFileCredentialsHandler Handler(AWSCredentials credentials, TimeSpan? refreshBefore = null) =>
        new(credentials, _parent.Path, refreshBefore, _clock, _logs, KvsTestSupport.CleanEnvironment);

    private async Task AdvanceAndRefresh(KvsFileCredentialsHandler handler, TimeSpan by)
    {
        var before = handler.ScheduledRefresh;
        _clock.Advance(by);
        handler.ScheduledRefresh.Should().NotBeSameAs(before, "the timer was due");
        await handler.ScheduledRefresh;
    }

    private static DateTimeOffset At(int hour, int minute, int second = 0) => new(2026, 1, 15, hour, minute, second, TimeSpan.Zero);

    [Fact]
    public async Task The_file_is_rewritten_refresh_before_ahead_of_expiry_and_not_before()
    {
        var fetches = new StrongBox<int>();
        using var source = KvsTestSupport.Temporary(_clock, TimeSpan.FromHours(1), fetches, refreshBefore: TimeSpan.FromMinutes(15));
        await using var handler = Handler(source);
        await handler.StartAsync();
        handler.NextRefresh.Should().Be(At(8, 50));
        _clock.PendingDelays.Should().Equal(TimeSpan.FromMinutes(50));

        _clock.Advance(TimeSpan.FromMinutes(50) - TimeSpan.FromTicks(1));
        handler.ScheduledRefresh.IsCompleted.Should().BeTrue();
        fetches.Value.Should().Be(1, "nothing is due a tick early");
        await AdvanceAndRefresh(handler, TimeSpan.FromTicks(1));

        fetches.Value.Should().Be(2);
        (await File.ReadAllTextAsync(handler.FilePath!)).Should().StartWith("CREDENTIALS ASIABACKPACKKVS00002 2026-01-15T09:50:00Z ");
        handler.Expiration.Should().Be(At(9, 50));
        handler.NextRefresh.Should().Be(At(9, 40));
        _clock.PendingDelays.Should().Equal(TimeSpan.FromMinutes(50));
    }

    [Fact]
    public async Task A_source_that_renews_later_is_asked_every_30_seconds_until_it_does()
    {
        // TemporaryCredentials renews 5 minutes ahead; the handler asks from 10 minutes ahead.
        var fetches = new StrongBox<int>();
        using var source = KvsTestSupport.Temporary(_clock, TimeSpan.FromHours(1), fetches, refreshBefore: TimeSpan.FromMinutes(5));
        await using var handler = Handler(source);
        await handler.StartAsync();
        var first = await File.ReadAllTextAsync(handler.FilePath!);

        await AdvanceAndRefresh(handler, TimeSpan.FromMinutes(50));
        var asked = new List<DateTimeOffset> { _clock.GetUtcNow() };
        while (fetches.Value == 1)
        {
            (await File.ReadAllTextAsync(handler.FilePath!)).Should().Be(first);
            handler.NextRefresh.Should().Be(_clock.GetUtcNow() + TimeSpan.FromSeconds(30));
            await AdvanceAndRefresh(handler, TimeSpan.FromSeconds(30));
            asked.Add(_clock.GetUtcNow());
        }

        asked.Should().HaveCount(11).And.StartWith(At(8, 50)).And.EndWith(At(8, 55));
        (await File.ReadAllTextAsync(handler.FilePath!)).Should().StartWith("CREDENTIALS ASIABACKPACKKVS00002 2026-01-15T09:55:00Z ");
        handler.NextRefresh.Should().Be(At(9, 45));
        _logs.Entries.Should().NotContain(e => e.Level >= LogLevel.Warning, "five minutes left is no reason to warn");
        _logs.Entries.Count(e => e.Message.Contains("has not renewed", StringComparison.Ordinal)).Should().Be(10);
    }

    [Fact]
    public async Task A_source_that_never_renews_is_warned_about_once_near_expiry_and_reported_as_an_error_after_it()
    {
        await using var handler = Handler(new KvsFileCredentialsHandlerTests.ExpiringSource(At(8, 20).UtcDateTime, "ASIANEVERRENEWED0001"));
        await handler.StartAsync();
        handler.NextRefresh.Should().Be(At(8, 10));

        await AdvanceAndRefresh(handler, TimeSpan.FromMinutes(10));
        while (_clock.GetUtcNow() < At(8, 20))
        {
            await AdvanceAndRefresh(handler, TimeSpan.FromSeconds(30));
        }

        var warning = _logs.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Subject;
        warning.Message.Should().Contain("ExpiringSource has not renewed").And.Contain("kvssink stops streaming once they expire");
        var error = _logs.Entries.Should().ContainSingle(e => e.Level == LogLevel.Error).Subject;
        error.Message.Should().Contain("expired at 2026-01-15T08:20:00").And.Contain("kvssink cannot stream").And.Contain("retrying in 00:00:30");
        handler.NextRefresh.Should().Be(At(8, 20, 30));
        (await File.ReadAllTextAsync(handler.FilePath!)).Should().Contain(" 2026-01-15T08:20:00Z ", "the file keeps the last credentials");
    }

    [Fact]
    public async Task A_failing_refresh_is_logged_and_retried_while_the_file_keeps_its_credentials()
    {
        var source = new FlakySource(_clock);
        await using var handler = Handler(source);
        await handler.StartAsync();
        var first = await File.ReadAllTextAsync(handler.FilePath!);

        source.Failing = true;
        await AdvanceAndRefresh(handler, TimeSpan.FromMinutes(50));

        (await File.ReadAllTextAsync(handler.FilePath!)).Should().Be(first);
        handler.NextRefresh.Should().Be(At(8, 50, 30));
        _logs.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Which.Message.Should()
            .Contain("failed (InvalidOperationException: No AWS credentials from FlakySource: STS unreachable)").And.Contain("expire at 2026-01-15T09:00:00");

        source.Failing = false;
        await AdvanceAndRefresh(handler, TimeSpan.FromSeconds(30));

        (await File.ReadAllTextAsync(handler.FilePath!)).Should().StartWith("CREDENTIALS ASIAFLAKY00000000002 2026-01-15T09:50:30Z ");
        handler.NextRefresh.Should().Be(At(9, 40, 30));
    }

    [Fact]
    public async Task Refreshing_credentials_of_the_sdk_are_asked_for_ones_that_outlive_the_refresh_margin()
    {
        // RefreshingAWSCredentials runs on the real clock: credentials that last 8 minutes are shorter than the
        // handler's 10-minute margin, so each refresh makes the source generate new ones.
        var source = new GeneratingSource(TimeSpan.FromMinutes(8));
        await using var handler = new KvsFileCredentialsHandler(source, _parent.Path, null, null, _logs, KvsTestSupport.CleanEnvironment);
        await handler.StartAsync();
        source.Generated.Should().Be(1);
        (await File.ReadAllTextAsync(handler.FilePath!)).Should().StartWith("CREDENTIALS ASIAGENERATED0000001 ");

        await handler.RefreshAsync();

        source.Generated.Should().Be(2);
        (await File.ReadAllTextAsync(handler.FilePath!)).Should().StartWith("CREDENTIALS ASIAGENERATED0000002 ");
        // AWSSDK.Core reports the expiry less its own safety buffer; never later than the generated one.
        handler.Expiration.Should().BeOnOrBefore(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(8)).And.BeAfter(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task After_disposal_the_timer_refreshes_nothing()
    {
        var fetches = new StrongBox<int>();
        using var source = KvsTestSupport.Temporary(_clock, TimeSpan.FromHours(1), fetches);
        var handler = Handler(source);
        await handler.StartAsync();

        await handler.DisposeAsync();
        _clock.Advance(TimeSpan.FromHours(2));

        await handler.ScheduledRefresh;
        fetches.Value.Should().Be(1);
        _parent.PrivateDirectories.Should().BeEmpty();
    }

    /// <summary>Credentials valid an hour from each fetch, or a failure while <see cref="Failing"/>.</summary>
    private sealed class FlakySource(TimeProvider clock) : AWSCredentials
    {
        private int _fetches;
        private ImmutableCredentials? _current;
        private DateTime? _expiration;

        public bool Failing { get; set; }

        public override DateTime? Expiration => _expiration;

        public override ImmutableCredentials GetCredentials()
        {
            if (Failing)
            {
                throw new AmazonClientException("STS unreachable");
            }
            if (_expiration is null || clock.GetUtcNow().UtcDateTime >= _expiration.Value.AddMinutes(-10))
            {
                _fetches++;
                _current = new ImmutableCredentials($"ASIAFLAKY{_fetches:D11}", "flaky/secret", "flaky-token");
                _expiration = clock.GetUtcNow().UtcDateTime.AddHours(1);
            }
            return _current!;
        }
    }

    /// <summary>AWSSDK.Core's refreshing credentials, generating keys that last <paramref name="lifetime"/>.</summary>
    private sealed class GeneratingSource(TimeSpan lifetime) : RefreshingAWSCredentials
    {
        private int _generated;

        public int Generated => _generated;

        protected override CredentialsRefreshState GenerateNewCredentials()
        {
            var n = Interlocked.Increment(ref _generated);
            return new CredentialsRefreshState(new ImmutableCredentials($"ASIAGENERATED{n:D7}", "generated/secret", "generated-token"), DateTime.UtcNow + lifetime);
        }
    }
}
