using Amazon.Runtime;
using Backpack.Aws.Credentials;
using Backpack.Aws.Kinesis;
using Backpack.Aws.Tests.Fakes;
using FluentAssertions;

namespace Backpack.Aws.Tests.Kinesis.Output;

/// <summary>
/// Temporary credentials that expire while the stream runs: the producer opens its next PutMedia session with renewed
/// credentials before the old ones expire (the local endpoint refuses expired keys and ends connections signed with
/// them, as the ingestion host does), so the stream has no gap and nothing is sent twice.
/// </summary>
public sealed class KvsCredentialsRenewalTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData(10)]
    [InlineData(3)] // a provider that renews late: the producer renews before it signs a session
    public async Task Temporary_credentials_are_renewed_ahead_of_expiry_in_a_new_session_with_no_gap_in_the_stream(int refreshBeforeSeconds)
    {
        // Each fetch issues a new key valid for 36 s. A session signed at 0 s must end before 36 s: the producer
        // rotates 30 s before expiry, but never sooner than 30 s into a session.
        var lifetime = TimeSpan.FromSeconds(36);
        var issued = new List<(string AccessKey, DateTimeOffset ExpiresAt)>();
        using var credentials = new TemporaryCredentials(
            _ =>
            {
                lock (issued)
                {
                    var number = issued.Count + 1;
                    var accessKey = $"ASIABACKPACKRENEW{refreshBeforeSeconds:D2}{number:D3}";
                    var expiresAt = DateTimeOffset.UtcNow + lifetime;
                    TestCredentials.Default.Add(accessKey, TestCredentials.Secret + number, TestCredentials.Token + number, expiresAt);
                    issued.Add((accessKey, expiresAt));
                    return Task.FromResult((new ImmutableCredentials(accessKey, TestCredentials.Secret + number, TestCredentials.Token + number), expiresAt));
                }
            },
            refreshBefore: TimeSpan.FromSeconds(refreshBeforeSeconds));
        await using var rig = await KvsTestRig.StartAsync(streamName: $"renewal-{refreshBeforeSeconds}", configure: options => new KvsOutputOptions
        {
            StreamName = options.StreamName, Region = options.Region, EndpointUrl = options.EndpointUrl, Credentials = credentials,
            FragmentDuration = options.FragmentDuration, StopTimeout = options.StopTimeout,
        });

        rig.PutFor(TimeSpan.FromSeconds(40));
        await rig.SkyLine.StopStreamingAsync();

        var statistics = rig.Output.KinesisStatistics;
        var sessions = rig.Endpoint.Sessions;
        var fragments = rig.Endpoint.Stream($"renewal-{refreshBeforeSeconds}").UniqueFragments.OrderBy(fragment => fragment.Timecode).ToList();
        output.WriteLine(string.Join(Environment.NewLine, sessions.Select(session => $"{session} signed with {session.AccessKey} at {session.StartedAt:HH:mm:ss.fff}")));
        rig.Endpoint.Violations.Should().BeEmpty();
        rig.Endpoint.PutMediaRequests.Should().OnlyContain(request => request.Status == 200, "no request is signed with expired credentials");
        sessions.Should().HaveCountGreaterThanOrEqualTo(2);
        sessions[0].Outcome.Should().Be("completed", "the first session ends with its last fragment before its credentials expire");
        sessions[1].AccessKey.Should().NotBe(sessions[0].AccessKey, "the next session is signed with renewed credentials");
        sessions.Should().NotContain(session => session.Outcome == "credentials expired");
        statistics.SessionsFailed.Should().Be(0);
        statistics.FragmentsResent.Should().Be(0);
        fragments.Should().HaveCount((int)statistics.FragmentsStarted).And.OnlyContain(fragment => fragment.Persisted);
        fragments.Zip(fragments.Skip(1), (earlier, later) => later.Timecode - earlier.LastFrameTimecode)
            .Should().OnlyContain(gap => gap > 0 && gap <= 100, "one frame period (33 ms) separates fragments; a gap in the stream would be longer");
    }
}
