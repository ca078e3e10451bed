using System.Diagnostics;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Backpack.Aws.Kinesis.KvsSink;
using Backpack.Aws.Tests.Fakes;

namespace Backpack.Aws.Tests.Kinesis.KvsSink;

[Collection(ProcessEnvironmentTests.Name)]
public sealed class KvsFileCredentialsHandlerTests : IDisposable
{
    private readonly TemporaryDirectory _parent = new();
    private readonly ManualClock _clock = new();

    public void Dispose() => _parent.Dispose();

    private KvsFileCredentialsHandler Handler(AWSCredentials credentials, TimeSpan? refreshBefore = null, ProcessStartEnvironment.View? environment = null) =>
        new(credentials, _parent.Path, refreshBefore, _clock, null, environment ?? KvsTestSupport.CleanEnvironment);

    /// <summary>The file's permission bits as stat(1) prints them.</summary>
    internal static string Mode(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%a", path]) { RedirectStandardOutput = true })!;
        var mode = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return mode;
    }

    [Fact]
    public async Task Temporary_credentials_are_written_in_kvssink_s_format_with_their_expiration_in_utc_seconds()
    {
        using var source = KvsTestSupport.Temporary(_clock, TimeSpan.FromHours(1) + TimeSpan.FromMilliseconds(750), new StrongBox<int>());
        await using var handler = Handler(source);

        await handler.StartAsync();

        (await File.ReadAllTextAsync(handler.FilePath!)).Should().Be(
            $"CREDENTIALS ASIABACKPACKKVS00001 2026-01-15T09:00:00Z {TestCredentials.Secret}1 {TestCredentials.Token}1\n");
        handler.Expiration.Should().Be(new DateTimeOffset(2026, 1, 15, 9, 0, 0, TimeSpan.Zero), "cut to whole seconds, never later than the real expiry");
        handler.GetPropertyFragment().Should().Be($"credential-path={handler.FilePath}");
    }

    [Fact]
    public async Task Long_term_keys_are_written_without_an_expiration()
    {
        await using var handler = Handler(new BasicAWSCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));

        await handler.StartAsync();

        (await File.ReadAllTextAsync(handler.FilePath!)).Should().Be("CREDENTIALS AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n");
        handler.Expiration.Should().BeNull();
        handler.NextRefresh.Should().Be(_clock.GetUtcNow() + TimeSpan.FromMinutes(50), "sources without expiry are read again hourly");
    }

    [Fact]
    public async Task A_session_token_without_a_known_expiration_gets_an_hour_renewed_at_each_refresh()
    {
        await using var handler = Handler(TestCredentials.Session);
        await handler.StartAsync();
        (await File.ReadAllTextAsync(handler.FilePath!)).Should().Be(
            $"CREDENTIALS ASIABACKPACKTEST0002 2026-01-15T09:00:00Z {TestCredentials.Secret}2 {TestCredentials.Token}\n");

        _clock.Advance(TimeSpan.FromMinutes(50));
        await handler.ScheduledRefresh;

        (await File.ReadAllTextAsync(handler.FilePath!)).Should().Contain(" 2026-01-15T09:50:00Z ");
        handler.NextRefresh.Should().Be(new DateTimeOffset(2026, 1, 15, 9, 40, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task The_file_is_0600_in_a_new_private_0700_directory()
    {
        await using var handler = Handler(TestCredentials.Static);

        await handler.StartAsync();

        var directory = Path.GetDirectoryName(handler.FilePath)!;
        _parent.PrivateDirectories.Should().Equal(directory);
        Path.GetFileName(directory).Should().MatchRegex("^backpack-kvssink-[0-9a-f]{32}$");
        Path.GetFileName(handler.FilePath).Should().Be("credential");
        Mode(directory).Should().Be("700");
        Mode(handler.FilePath!).Should().Be("600");
        Directory.GetFileSystemEntries(directory).Should().Equal(handler.FilePath);
    }

    [Fact]
    public async Task Two_handlers_have_directories_of_their_own()
    {
        await using var first = Handler(TestCredentials.Static);
        await using var second = Handler(TestCredentials.Static);

        await first.StartAsync();
        await second.StartAsync();

        first.FilePath.Should().NotBe(second.FilePath);
        _parent.PrivateDirectories.Should().HaveCount(2);
    }

    [Fact]
    public async Task Rewrites_keep_mode_0600_and_leave_no_temporary_file()
    {
        var fetches = new StrongBox<int>();
        using var source = KvsTestSupport.Temporary(_clock, TimeSpan.FromMinutes(15), fetches);
        await using var handler = Handler(source, TimeSpan.FromMinutes(1));
        await handler.StartAsync();

        for (var i = 0; i < 5; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(11));
            await handler.RefreshAsync();
        }

        fetches.Value.Should().Be(6);
        (await File.ReadAllTextAsync(handler.FilePath!)).Should().StartWith("CREDENTIALS ASIABACKPACKKVS00006 ");
        Mode(handler.FilePath!).Should().Be("600");
        Directory.GetFileSystemEntries(Path.GetDirectoryName(handler.FilePath)!).Should().Equal(handler.FilePath);
    }

    [Fact]
    public async Task Dispose_removes_the_file_and_its_directory()
    {
        var handler = Handler(TestCredentials.Static);
        await handler.StartAsync();
        var path = handler.FilePath!;

        handler.Dispose();

        File.Exists(path).Should().BeFalse();
        _parent.PrivateDirectories.Should().BeEmpty();
        handler.FilePath.Should().BeNull();
        handler.NextRefresh.Should().BeNull();
        handler.ToString().Should().Be("KvsFileCredentialsHandler(disposed)");
        _clock.PendingTimers.Should().Be(0);
        handler.Dispose();
        await handler.DisposeAsync();
    }

    [Fact]
    public async Task DisposeAsync_removes_them_too()
    {
        var handler = Handler(TestCredentials.Static);
        await handler.StartAsync();

        await handler.DisposeAsync();

        _parent.PrivateDirectories.Should().BeEmpty();
        _clock.PendingTimers.Should().Be(0);
    }

    [Fact]
    public async Task The_start_fails_when_kvssink_would_prefer_the_environment_s_keys_to_the_file()
    {
        await using var handler = Handler(TestCredentials.Static, environment: KvsTestSupport.Environment(new()
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIAIOSFODNN7EXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "",
        }));

        (await handler.Invoking(h => h.StartAsync()).Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should()
            .Contain("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY").And.Contain("would never read it");
        _parent.PrivateDirectories.Should().BeEmpty();
    }

    [Fact]
    public async Task One_of_the_two_variables_alone_does_not_stop_kvssink_reading_the_file()
    {
        await using var handler = Handler(TestCredentials.Static, environment: KvsTestSupport.Environment(new() { ["AWS_ACCESS_KEY_ID"] = "AKIAIOSFODNN7EXAMPLE" }));

        await handler.StartAsync();

        handler.IsStarted.Should().BeTrue();
    }

    [Fact]
    public async Task Credentials_that_already_expired_fail_the_start_and_leave_nothing_behind()
    {
        await using var handler = Handler(new ExpiringSource(_clock.GetUtcNow().UtcDateTime.AddSeconds(-1), "AKIAEXPIRED00000001"));

        (await handler.Invoking(h => h.StartAsync()).Should().ThrowAsync<InvalidOperationException>())
            .Which.Message.Should().Contain("ExpiringSource returned AWS credentials that expired at 2026-01-15T07:59:59");
        _parent.PrivateDirectories.Should().BeEmpty();
        handler.IsStarted.Should().BeFalse();
    }

    [Fact]
    public async Task A_session_token_kvssink_would_cut_is_refused_naming_its_length()
    {
        var token = new string('T', 2049);
        await using var handler = Handler(new SessionAWSCredentials("ASIAIOSFODNN7EXAMPLE", "secret", token));

        (await handler.Invoking(h => h.StartAsync()).Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should()
            .Be("The session token from SessionAWSCredentials is 2049 characters long; kvssink's credential file holds at most 2048 (longer ones are cut and fail to sign).");
        _parent.PrivateDirectories.Should().BeEmpty();
    }

    [Fact]
    public void Arguments_are_checked()
    {
        FluentActions.Invoking(() => new KvsFileCredentialsHandler(directory: Path.Combine(_parent.Path, "missing")))
            .Should().Throw<ArgumentException>().WithParameterName("directory").Which.Message.Should().Contain("does not exist");
        FluentActions.Invoking(() => new KvsFileCredentialsHandler(directory: " "))
            .Should().Throw<ArgumentException>().WithParameterName("directory");
        FluentActions.Invoking(() => new KvsFileCredentialsHandler(refreshBefore: TimeSpan.FromSeconds(59)))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("refreshBefore").Which.Message.Should().Contain("1 to 30 minutes");
        FluentActions.Invoking(() => new KvsFileCredentialsHandler(refreshBefore: TimeSpan.FromMinutes(31)))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("refreshBefore");
        new KvsFileCredentialsHandler().RefreshBefore.Should().Be(TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task The_private_directory_goes_by_default_into_the_runtime_directory()
    {
        using var runtime = new TemporaryDirectory("backpack-xdg-runtime-");
        KvsFileCredentialsHandler handler;
        using (new EnvironmentScope(new() { ["XDG_RUNTIME_DIR"] = runtime.Path }))
        {
            handler = new KvsFileCredentialsHandler(TestCredentials.Static, null, null, _clock, null, KvsTestSupport.CleanEnvironment);
        }
        await using (handler)
        {
            await handler.StartAsync();
            handler.FilePath.Should().StartWith(runtime.Path + "/backpack-kvssink-");
        }
    }

    /// <summary>Credentials with a fixed expiry that are never renewed.</summary>
    internal sealed class ExpiringSource(DateTime expirationUtc, string accessKey) : AWSCredentials
    {
        public override DateTime? Expiration => expirationUtc;

        public override ImmutableCredentials GetCredentials() => new(accessKey, "fixed/secret", "fixed-token");
    }
}
