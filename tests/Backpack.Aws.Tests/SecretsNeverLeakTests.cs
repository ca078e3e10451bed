using Amazon.Runtime;
using Backpack.Aws.CloudWatch;
using Backpack.Aws.Credentials;
using Backpack.Aws.Identity;
using Backpack.Aws.Kinesis.KvsSink;
using Backpack.Aws.Panorama;
using Backpack.Aws.Tests.CloudWatch;
using Backpack.Aws.Tests.Fakes;
using Backpack.Aws.Tests.Kinesis.KvsSink;
using Backpack.Aws.Tests.Panorama;
using Backpack.Timepiece;

namespace Backpack.Aws.Tests;

/// <summary>
/// Runs the scenarios of the suite with recognisable secrets (secret key and session token) and scans every log
/// line (all levels, with exceptions), every exception and every ToString for them.
/// </summary>
public sealed class SecretsNeverLeakTests : IDisposable
{
    private readonly CapturingLoggerFactory _logs = new();
    private readonly List<string> _texts = [];
    private readonly TemporaryCredentials _credentials;

    public SecretsNeverLeakTests()
    {
        _credentials = new TemporaryCredentials(
            _ => Task.FromResult((new ImmutableCredentials("ASIABACKPACKTEST0002", TestCredentials.Secret + "2", TestCredentials.Token), DateTimeOffset.UtcNow.AddHours(1))),
            loggerFactory: _logs);
    }

    public void Dispose()
    {
        _credentials.Dispose();
        _logs.Dispose();
    }

    private AwsClientOptions Options(Uri endpoint, TimeSpan? timeout = null) => new()
    {
        Region = "us-east-1",
        EndpointUrl = endpoint,
        Credentials = _credentials,
        LoggerFactory = _logs,
        MaxAttempts = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(2),
        Timeout = timeout ?? TimeSpan.FromSeconds(1),
    };

    private async Task Record(Func<Task> scenario)
    {
        try
        {
            await scenario();
        }
        catch (Exception exception)
        {
            _texts.Add(exception.ToString());
            _texts.Add(exception.Message);
        }
    }

    [Fact]
    public async Task No_log_line_exception_or_ToString_of_any_scenario_contains_the_secret_key_or_session_token()
    {
        var calls = 0;
        await using var panorama = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default, request => request.QueryValue("scenario") switch
        {
            _ when request.Path.Contains("unused", StringComparison.Ordinal) => PanoramaAnswers.Page([]),
            _ => (Interlocked.Increment(ref calls) % 7) switch
            {
                1 => PanoramaAnswers.Page([PanoramaAnswers.Instance("applicationInstance-a")]),
                2 => FakeAnswer.RestJsonError(403, "AccessDeniedException", "not authorized"),
                3 => FakeAnswer.RestJsonError(429, "ThrottlingException", "Rate exceeded"),
                4 => FakeAnswer.RestJsonError(500, "InternalServerException", "boom"),
                5 => FakeAnswer.Json("{not json"),
                6 => PanoramaAnswers.Page([]) with { Delay = TimeSpan.FromSeconds(30) },
                _ => PanoramaAnswers.Page([PanoramaAnswers.Instance("applicationInstance-a", "NOT_AVAILABLE")]),
            },
        });
        await using var cloudWatch = await FakeAwsService.StartAsync("monitoring", "us-east-1", TestCredentials.Default,
            request => request.BodyText.Contains("fail", StringComparison.Ordinal) ? FakeAnswer.QueryError(400, "InvalidParameterValue", "bad") : CloudWatchAnswers.Accepted(), queryProtocol: true);

        using (var client = new PanoramaClient(Options(panorama.Url)))
        {
            for (var i = 0; i < 8; i++)
            {
                await Record(() => client.ListApplicationInstancesAsync("DEPLOYMENT_SUCCEEDED"));
            }
            _texts.Add(client.ToString()!);
        }
        using (var slow = new PanoramaClient(Options(panorama.Url, TimeSpan.FromMilliseconds(200))))
        {
            await Record(() => slow.ListApplicationInstancesAsync());
        }
        using (var wrongSecret = new PanoramaClient(new AwsClientOptions
        {
            Region = "us-east-1", EndpointUrl = panorama.Url, LoggerFactory = _logs,
            Credentials = new BasicAWSCredentials("AKIDBACKPACKTEST0001", TestCredentials.Secret + "-wrong"),
        }))
        {
            await Record(() => wrongSecret.ListApplicationInstancesAsync());
        }
        using (var client = new PanoramaClient(Options(panorama.Url)))
        {
            await Record(() => AutoIdentity.FetchAsync(client, "applicationInstance-missing", new AutoIdentityOptions { MaxRetries = 0, LoggerFactory = _logs }));
            await Record(async () => _texts.Add((await AutoIdentity.FetchAsync(client, "applicationInstance-a", new AutoIdentityOptions { MaxRetries = 0, LoggerFactory = _logs })).ToString()));
        }
        var resolved = await new IdentityResolver(new IdentityResolverOptions
        {
            PanoramaEndpointUrl = panorama.Url,
            Credentials = _credentials,
            LoggerFactory = _logs,
            AutoIdentity = new AutoIdentityOptions { MaxRetries = 0, LoggerFactory = _logs },
            GetEnvironmentVariable = name => name switch { "AppGraph_Uid" => "applicationInstance-missing", "AWS_REGION" => "us-east-1", "AWS_EC2_METADATA_DISABLED" => "true", _ => null },
        }).ResolveAsync();
        _texts.Add(resolved.ToString());
        _texts.AddRange(resolved.Skipped);

        using (var client = new CloudWatchClient(Options(cloudWatch.Url)))
        {
            var clock = new ManualClock();
            var ticker = new Ticker(10, clock);
            ticker.Tick();
            clock.Advance(TimeSpan.FromMilliseconds(40));
            ticker.Tick();
            using var good = new CloudWatchTimerAdapter("Backpack", "frame_time", null, client, _logs);
            using var bad = new CloudWatchTimerAdapter("Backpack", "fail", null, client, _logs);
            _texts.Add((await good.SendMetricsAsync(clock.GetUtcNow(), ticker))!.ToString());
            _texts.Add((await bad.SendMetricsAsync(clock.GetUtcNow(), ticker))!.ToString());
            using var tachometer = new CWTachometer("Backpack", "fail", null, client, TimeSpan.FromSeconds(1), timeProvider: clock, loggerFactory: _logs);
            tachometer.Tick();
            clock.Advance(TimeSpan.FromSeconds(1));
            tachometer.Tick();
            await PanoramaClientTests.WaitUntil(() => tachometer.ReportsFailed == 1);
            _texts.Add(tachometer.ToString()!);
        }
        using (var unreachable = new CloudWatchClient(Options(new Uri("http://127.0.0.1:9/"))))
        {
            await Record(() => unreachable.PutMetricDataAsync("Backpack", [new MetricDatum("t") { Value = 1 }]));
        }
        using (var failing = new TemporaryCredentials(_ => throw new InvalidOperationException("vault unreachable"), loggerFactory: _logs))
        {
            await Record(() => failing.GetCredentialsAsync());
        }
        _texts.Add(_credentials.ToString());
        _texts.Add(TestCredentials.Session.ToString()!);
        _texts.Add((await _credentials.GetCredentialsAsync()).ToString()!);
        _texts.Add(Options(panorama.Url).ToString()!);

        panorama.Requests.Should().NotBeEmpty();
        cloudWatch.Requests.Should().NotBeEmpty();
        _logs.Entries.Should().Contain(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning, "the scenarios include failures that are logged");
        var scanned = _texts.Concat(_logs.Lines).ToList();
        scanned.Should().HaveCountGreaterThan(20);
        foreach (var secret in new[] { TestCredentials.Secret, TestCredentials.Token, "SeCrEt/Kx9q2", "CanaryLeak" })
        {
            scanned.Should().NotContain(text => text.Contains(secret, StringComparison.Ordinal), $"\"{secret}\" must never be printed");
        }
    }

    [Fact]
    public async Task No_log_line_exception_or_ToString_of_the_kvssink_handlers_and_descriptions_contains_a_secret_or_token()
    {
        var clock = new ManualClock();
        using var parent = new TemporaryDirectory();
        var environment = KvsTestSupport.Environment(new()
        {
            ["AWS_ACCESS_KEY_ID"] = "ASIABACKPACKTEST0002", ["AWS_SECRET_ACCESS_KEY"] = TestCredentials.Secret, ["AWS_SESSION_TOKEN"] = TestCredentials.Token,
        });
        var failing = false;
        using var temporary = new TemporaryCredentials(_ => failing
                ? throw new InvalidOperationException("vault unreachable")
                : Task.FromResult((new ImmutableCredentials("ASIABACKPACKTEST0002", TestCredentials.Secret, TestCredentials.Token), clock.GetUtcNow().AddMinutes(20))),
            TimeSpan.FromMinutes(11), clock, _logs);

        await using (var inline = new KvsInlineCredentialsHandler(TestCredentials.Session, _logs))
        await using (var inlineTemporary = new KvsInlineCredentialsHandler(temporary, _logs))
        {
            await inline.StartAsync();
            await inlineTemporary.StartAsync();
            var builder = new KvsSinkDescriptionBuilder("cam-1", "eu-west-1") { Credentials = inline, StorageSizeMegabytes = 64 };
            builder.Build().Should().Contain(TestCredentials.Secret, "the description itself carries the keys");
            _texts.Add(builder.ToString());
            _texts.Add(inline.ToString());
            _texts.Add(inlineTemporary.ToString());
        }

        await using (var fromEnvironment = new KvsEnvironmentCredentialsHandler(environment, _logs))
        {
            await fromEnvironment.StartAsync();
            _texts.Add(fromEnvironment.ToString());
            _texts.Add(new KvsSinkDescriptionBuilder("cam-1", "eu-west-1") { Credentials = fromEnvironment }.ToString());
        }
        await using (var dotnetOnly = new KvsEnvironmentCredentialsHandler(KvsTestSupport.Environment(new(), new() { ["AWS_ACCESS_KEY_ID"] = "ASIABACKPACKTEST0002", ["AWS_SECRET_ACCESS_KEY"] = TestCredentials.Secret }), _logs))
        {
            await Record(() => dotnetOnly.StartAsync());
        }

        await using (var file = new KvsFileCredentialsHandler(temporary, parent.Path, null, clock, _logs, KvsTestSupport.CleanEnvironment))
        {
            await file.StartAsync();
            _texts.Add(file.ToString());
            _texts.Add(new KvsSinkDescriptionBuilder("cam-1", "eu-west-1") { Credentials = file }.ToString());
            (await File.ReadAllTextAsync(file.FilePath!)).Should().Contain(TestCredentials.Token, "the file itself carries the token");
            clock.Advance(TimeSpan.FromMinutes(10));
            await file.ScheduledRefresh;
            failing = true;
            for (var i = 0; i < 50; i++)
            {
                clock.Advance(TimeSpan.FromSeconds(30));
                await file.ScheduledRefresh;
            }
            _texts.Add(file.ToString());
        }
        await using (var refused = new KvsFileCredentialsHandler(new BasicAWSCredentials("AKIDBACKPACKTEST0001", TestCredentials.Secret), parent.Path, null, clock, _logs, environment))
        {
            await Record(() => refused.StartAsync());
        }
        await using (var malformed = new KvsFileCredentialsHandler(new SessionAWSCredentials("ASIABACKPACKTEST0002", TestCredentials.Secret, TestCredentials.Token + " x"), parent.Path, null, clock, _logs, KvsTestSupport.CleanEnvironment))
        {
            await Record(() => malformed.StartAsync());
        }
        await using (var tooLong = new KvsFileCredentialsHandler(new SessionAWSCredentials("ASIABACKPACKTEST0002", TestCredentials.Secret, TestCredentials.Token + new string('t', 2048)), parent.Path, null, clock, _logs, KvsTestSupport.CleanEnvironment))
        {
            await Record(() => tooLong.StartAsync());
        }

        _logs.Entries.Should().Contain(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("cannot renew", StringComparison.Ordinal));
        _logs.Entries.Should().Contain(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Message.Contains("kvssink cannot stream", StringComparison.Ordinal));
        _texts.Should().Contain(text => text.Contains("session token", StringComparison.Ordinal), "the malformed token's exception was recorded");
        var scanned = _texts.Concat(_logs.Lines).ToList();
        scanned.Should().HaveCountGreaterThan(20);
        foreach (var secret in new[] { TestCredentials.Secret, TestCredentials.Token, "SeCrEt/Kx9q2", "CanaryLeak" })
        {
            scanned.Should().NotContain(text => text.Contains(secret, StringComparison.Ordinal), $"\"{secret}\" must never be printed");
        }
    }
}
