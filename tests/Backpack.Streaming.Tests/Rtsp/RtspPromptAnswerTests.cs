using System.Globalization;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.Rtsp;
using Xunit.Abstractions;

namespace Backpack.Streaming.Tests.Rtsp;

/// <summary>
/// Right after each disruption of a watched stream (removed and added again, the server stopped and started,
/// StopStreaming and StartStreaming), a new client's requests are answered at once: timed with a raw RTSP client,
/// so that no player's retry or timeout hides a request the server left waiting. Serial: it counts process-wide
/// GLib messages.
/// </summary>
[Collection(Serial.Name)]
public sealed class RtspPromptAnswerTests(ITestOutputHelper output)
{
    /// <summary>How soon a request must be answered: DESCRIBE waits for a key frame (forced when a client asks), well under a second at 30 fps.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    /// <summary>How long a request may go unanswered before the client gives up: long enough to measure a stall of the 12 s once seen.</summary>
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task After_every_disruption_a_new_clients_DESCRIBE_and_SETUP_are_answered_at_once_and_nothing_is_critical()
    {
        GLibMessages.EnsureInstalled();
        var criticals = GLibMessages.Criticals;
        using var live = new LiveStream();
        var stream = live.Add("/camera");
        live.Started();
        var answers = new List<(string What, RawRtspClient.Answer Answer)>();
        const int rounds = 30;

        for (var round = 0; round < rounds; round++)
        {
            // Watchers: two raw clients over TCP (reading what comes) and ffprobe over UDP.
            var watchers = Enumerable.Range(0, 2).Select(_ => RawRtspClient.Connect(live.Url("/camera"))).ToList();
            using var udp = RtspClients.StartFfprobe(live.Url("/camera"), "udp", 30);
            try
            {
                foreach (var watcher in watchers)
                {
                    var played = watcher.Play(GiveUp);
                    played.Should().OnlyContain(answer => answer.Status == 200, $"round {round}: a watcher plays: {string.Join(", ", played)}\n{live.LogText}");
                    answers.AddRange(played.Select(answer => ("watcher", answer)));
                    _ = watcher.StartDraining();
                }
                SpinWait.SpinUntil(() => stream.ClientCount == 3 && watchers.All(watcher => watcher.BytesReceived > 10_000), Wait)
                    .Should().BeTrue($"round {round}: three clients watch ({stream.ClientCount} do)\n{live.LogText}");

                // A client joins while the disruption is under way: whatever it gets (the stream, 404, 503), it gets it at once.
                var during = Task.Run(async () =>
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(round * 7 % 60)).ConfigureAwait(false);
                    return JoinOnce(live, expectServed: null);
                });
                string what;
                switch (round % 3)
                {
                    case 0:
                        what = "stream removed and added again";
                        live.Remove("/camera").Should().BeTrue();
                        stream = live.Add("/camera");
                        break;
                    case 1:
                        what = "server stopped and started again";
                        live.Server.Stop();
                        live.Server.Start();
                        break;
                    default:
                        what = "StopStreaming and StartStreaming";
                        stream.StopStreaming();
                        // While stopped: a prompt 404, with the old clients still being disconnected.
                        answers.AddRange(JoinOnce(live, expectServed: false).Select(answer => ($"{what} (while stopped)", answer)));
                        stream.StartStreaming();
                        break;
                }
                answers.AddRange((await during.WaitAsync(GiveUp * 5)).Select(answer => ($"{what} (during)", answer)));
                // Two clients at once, right after the disruption, while the old clients are being told.
                var joiners = Enumerable.Range(0, 2).Select(_ => Task.Run(() => JoinOnce(live, expectServed: true))).ToArray();
                foreach (var joined in await Task.WhenAll(joiners).WaitAsync(GiveUp * 5))
                {
                    answers.AddRange(joined.Select(answer => (what, answer)));
                    joined.Select(answer => answer.Status).Should().Equal([200, 200, 200, 200],
                        $"round {round} ({what}): a client joining right after gets the stream: {string.Join(", ", joined)}\n{live.LogText}");
                }
            }
            finally
            {
                foreach (var watcher in watchers)
                {
                    watcher.Dispose();
                }
            }
            SpinWait.SpinUntil(() => live.Server.ClientCount == 0, Wait).Should().BeTrue($"round {round}: every client left ({live.Server.ClientCount} connected)");
        }

        foreach (var group in answers.GroupBy(entry => (entry.What, entry.Answer.Method)))
        {
            var times = group.Select(entry => entry.Answer.Elapsed.TotalMilliseconds).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{group.Key.What}, {group.Key.Method}: {times.Count} sent, status {string.Join('/', group.Select(entry => entry.Answer.Status).Distinct())}, max {times.Max():0} ms, mean {times.Average():0} ms"));
        }
        var describeAndSetup = answers.Where(entry => entry.Answer.Method is "DESCRIBE" or "SETUP").ToList();
        var slowest = describeAndSetup.MaxBy(entry => entry.Answer.Elapsed);
        output.WriteLine($"DESCRIBE/SETUP: {describeAndSetup.Count} sent, slowest {slowest.Answer} ({slowest.What})");
        slowest.Answer.Elapsed.Should().BeLessThan(Bound, "every DESCRIBE and SETUP is answered at once, whatever happened to the stream just before");
        (GLibMessages.Criticals - criticals).Should().Be(0, "no GLib critical (GLib-GIO-CRITICAL once flooded after StopStreaming with clients); last messages:\n" + string.Join('\n', GLibMessages.Last));
        SpinWait.SpinUntil(() => live.Server.SessionCount == 0, Wait).Should().BeTrue($"no session outlives its client ({live.Server.SessionCount} left)");
    }

    /// <summary>A new client plays the stream (or, when it is not served, is refused), tears down and leaves; its answers, timed.</summary>
    /// <param name="live">The server.</param>
    /// <param name="expectServed">False when the stream is stopped (404 expected), null when anything answered in time will do.</param>
    private static List<RawRtspClient.Answer> JoinOnce(LiveStream live, bool? expectServed)
    {
        RawRtspClient client;
        try
        {
            client = RawRtspClient.Connect(live.Url("/camera"));
        }
        catch (System.Net.Sockets.SocketException) when (expectServed is null)
        {
            return []; // The server was between Stop and Start: refused by the system, at once.
        }
        using var _ = client;
        var answers = client.Play(GiveUp);
        if (expectServed == false)
        {
            answers.Select(answer => answer.Status).Should().Equal([200, 404], "a stopped stream is not found, at once: " + string.Join(", ", answers));
        }
        client.Teardown();
        return answers;
    }
}
