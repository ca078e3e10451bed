using Amazon.Runtime;
using Backpack.Aws.Kinesis;
using Backpack.Aws.Tests.Fakes;

namespace Backpack.Aws.Tests.Kinesis.ControlPlane;

/// <summary>
/// The control-plane scenarios run with recognisable secrets (secret key and session token); every log line (all levels,
/// with exceptions), every exception and every ToString is scanned for them.
/// </summary>
public sealed class KinesisVideoSecretsNeverLeakTests : IDisposable
{
    private readonly CapturingLoggerFactory _logs = new();
    private readonly List<string> _texts = [];

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task No_log_line_exception_or_ToString_of_any_scenario_contains_the_secret_key_or_session_token()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync("us-east-1");
        fake.AddStream("cam-ok", retentionHours: 0);
        fake.AddStream("cam-deleting", status: "DELETING");
        fake.Streaming["cam-ok"] = true;
        var calls = 0;
        fake.Override = request => request.BodyText.Contains("cam-flaky", StringComparison.Ordinal)
            ? (Interlocked.Increment(ref calls) % 3) switch
            {
                1 => FakeKinesisVideoControlPlane.Error(400, "ClientLimitExceededException", "throttled"),
                2 => FakeKinesisVideoControlPlane.Error(500, "InternalFailure", "boom"),
                _ => FakeAnswer.Json("{not json"),
            }
            : null;
        var options = new AwsClientOptions
        {
            Region = "us-east-1",
            EndpointUrl = fake.Url,
            Credentials = TestCredentials.Session,
            LoggerFactory = _logs,
            MaxAttempts = 2,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(2),
        };
        using var client = new KinesisVideoClient(options);

        foreach (var stream in new[] { "cam-ok", "cam-missing", "cam-deleting", "cam-flaky", "cam-flaky" })
        {
            using var resolver = new KinesisVideoStreamResolver(client, new KinesisVideoStreamResolverOptions { StreamName = stream, LoggerFactory = _logs });
            await Record(async () =>
            {
                var target = await resolver.ResolveAsync();
                _texts.Add(target.ToString());
                _texts.Add((await resolver.ReloadEndpointAsync(target)).ToString());
            });
        }
        fake.Denied["GetHLSStreamingSessionURL"] = true;
        await Record(() => client.GetHlsStreamingSessionUrlAsync(fake.Url, "cam-ok"));
        fake.Denied.Clear();
        await Record(() => client.GetHlsStreamingSessionUrlAsync(fake.Url, "cam-ok"));
        await Record(async () => _texts.Add((await client.DescribeStreamAsync("cam-ok")).ToString()));
        using (var wrongSecret = new KinesisVideoClient(new AwsClientOptions
        {
            Region = "us-east-1", EndpointUrl = fake.Url, LoggerFactory = _logs,
            Credentials = new BasicAWSCredentials("AKIDBACKPACKTEST0001", TestCredentials.Secret + "-wrong"),
        }))
        {
            await Record(() => wrongSecret.DescribeStreamAsync("cam-ok"));
        }
        _texts.Add(client.ToString()!);

        fake.Requests.Should().HaveCountGreaterThan(10);
        var scanned = _texts.Concat(_logs.Lines).ToList();
        scanned.Should().HaveCountGreaterThan(15);
        scanned.Should().Contain(text => text.Contains("kinesisvideo:GetHLSStreamingSessionURL", StringComparison.Ordinal), "the scenarios include a refusal");
        foreach (var secret in new[] { TestCredentials.Secret, TestCredentials.Token, "SeCrEt/Kx9q2", "CanaryLeak" })
        {
            scanned.Should().NotContain(text => text.Contains(secret, StringComparison.Ordinal), $"\"{secret}\" must never be printed");
        }
    }

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
}
