using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Backpack.Aws.Iot;
using FluentAssertions;

namespace Backpack.Aws.Tests.Iot;

/// <summary>
/// <see cref="DeviceShadowClient"/> against a real broker (mosquitto, TLS with client certificates from a test CA) and a
/// shadow responder that answers as the AWS IoT Device Shadow service documents: the relay's per-camera on/off
/// follows <c>desired.streaming</c>, including changes made while it was offline, reports what the stream does, ignores
/// stale versions, and survives a lost broker, a refused certificate and a throwing callback.
/// </summary>
public sealed class DeviceShadowClientTests : IAsyncLifetime, IDisposable
{
    private const string Thing = "cam-1";
    private readonly TestPki _pki = new();
    private readonly DeviceFiles _device;
    private MosquittoBroker _broker = null!;
    private ShadowResponder _service = null!;

    public DeviceShadowClientTests() => _device = _pki.IssueDevice(Thing);

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync(_pki);
        _service = await ShadowResponder.StartAsync(_broker, _pki);
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        await _broker.DisposeAsync();
    }

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task On_connect_the_client_reads_the_whole_shadow_and_applies_desired_streaming_set_while_it_was_offline()
    {
        await _service.SetDesiredAsync(Thing, null, new JsonObject { ["streaming"] = true });
        var camera = new FakeCamera();
        await using var client = new DeviceShadowClient(Options(), camera.ApplyAsync);

        client.Start();

        var change = await camera.NextChangeAsync();
        change.Should().Be(new DesiredStreamingChange(null, true, 1, FromGet: true));
        _service.Gets(Thing).Should().Be(1);
        await ShadowResponder.WaitUntilAsync(() => _service.Reported(Thing)?["streaming"]?.GetValue<bool>() == true, "reported.streaming true");
        _service.Document(Thing)!["state"]!.AsObject().ContainsKey("delta").Should().BeFalse("reported now matches desired");
        var login = await _broker.WaitForLogAsync(line => line.Contains($" as {Thing} ", StringComparison.Ordinal), "the client's connection");
        login.Should().Contain("u'AWS IoT Certificate cam-1'", "the broker knows the client by its certificate's subject").And.Contain("(p2,", "mosquitto's number for MQTT 3.1.1");
        client.Statistics.Should().Match<DeviceShadowStatistics>(s => s.Connected && s.Connections == 1 && s.ChangesApplied == 1 && s.Reconnects == 0);
        var subscriptions = _broker.Log.Where(line => line.Contains($": {Thing} 1 ", StringComparison.Ordinal)).Select(line => line[(line.IndexOf($": {Thing} 1 ", StringComparison.Ordinal) + Thing.Length + 5)..]);
        subscriptions.Should().BeEquivalentTo(
            new[] { "update/delta", "update/accepted", "update/rejected", "get/accepted", "get/rejected", "delete/accepted" }.Select(topic => $"$aws/things/{Thing}/shadow/{topic}"),
            "the client subscribes to each topic by name (no wildcard), at QoS 1");
    }

    [Fact]
    public async Task A_desired_streaming_that_is_not_true_or_false_is_ignored_with_a_warning()
    {
        var logs = new CapturingLoggerFactory();
        var camera = new FakeCamera();
        await using var client = new DeviceShadowClient(Options(), camera.ApplyAsync, logs);
        client.Start();
        await ShadowResponder.WaitUntilAsync(() => client.Statistics.Connected && _service.Gets(Thing) == 1, "connection");

        await _service.SetDesiredAsync(Thing, null, new JsonObject { ["streaming"] = "yes" });
        await ShadowResponder.WaitUntilAsync(() => logs.Lines.Any(line => line.Contains("not true or false", StringComparison.Ordinal)), "the warning");
        await _service.SetDesiredAsync(Thing, null, new JsonObject { ["streaming"] = true });

        (await camera.NextChangeAsync()).Streaming.Should().BeTrue();
        camera.Changes.Should().ContainSingle("\"yes\" was not taken for anything");
        logs.Entries.Should().Contain(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("\"yes\"", StringComparison.Ordinal) && e.Message.Contains(Thing, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_callback_may_dispose_the_client_without_waiting_for_itself()
    {
        DeviceShadowClient? client = null;
        var disposed = new TaskCompletionSource();
        await _service.SetDesiredAsync(Thing, null, new JsonObject { ["streaming"] = true });
        client = new DeviceShadowClient(Options(), async (change, cancellationToken) =>
        {
            await client!.DisposeAsync();
            client.Dispose();
            disposed.TrySetResult();
            return new StreamingReport(change.Streaming);
        });
        client.Start();

        await FluentActions.Awaiting(() => disposed.Task).Should().CompleteWithinAsync(TimeSpan.FromSeconds(10));
        await FluentActions.Awaiting(() => client.DisposeAsync().AsTask()).Should().CompleteWithinAsync(TimeSpan.FromSeconds(10), "the teardown finishes once the callback has returned");
        client.Statistics.Connected.Should().BeFalse();
    }

    [Fact]
    public async Task A_delta_starts_and_stops_the_stream_within_2_s_and_the_report_carries_streaming_fps_since_and_last_error()
    {
        var camera = new FakeCamera();
        await using var client = new DeviceShadowClient(Options(), camera.ApplyAsync);
        (await client.ReportAsync(new StreamingReport(false))).Should().BeFalse("not connected yet: it goes out at connection");
        client.Start();
        await ShadowResponder.WaitUntilAsync(() => _service.Reported(Thing) is not null, "the report made at connection");
        _service.Reported(Thing)!["streaming"]!.GetValue<bool>().Should().BeFalse();

        var watch = Stopwatch.StartNew();
        await _service.SetDesiredAsync(Thing, null, new JsonObject { ["streaming"] = true });
        (await camera.NextChangeAsync()).Should().Match<DesiredStreamingChange>(c => c.Streaming && !c.FromGet);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
        await ShadowResponder.WaitUntilAsync(() => _service.Reported(Thing)?["streaming"]?.GetValue<bool>() == true, "reported.streaming true");
        var reported = _service.Reported(Thing)!;
        reported["fps"]!.GetValue<double>().Should().Be(15);
        reported["since"]!.GetValue<long>().Should().Be(camera.Since.ToUnixTimeSeconds());
        reported.ContainsKey("lastError").Should().BeFalse("a null lastError deletes the attribute");

        await _service.SetDesiredAsync(Thing, null, new JsonObject { ["streaming"] = false });
        (await camera.NextChangeAsync()).Streaming.Should().BeFalse();
        await ShadowResponder.WaitUntilAsync(() => _service.Reported(Thing)?["streaming"]?.GetValue<bool>() == false, "reported.streaming false");

        camera.Fail = "the camera's RTSP source is gone";
        await client.ReportAsync(new StreamingReport(false, null, camera.Since, camera.Fail));
        await ShadowResponder.WaitUntilAsync(() => _service.Reported(Thing)?["lastError"]?.GetValue<string>() == camera.Fail, "reported.lastError");
        var update = _service.Requests.Last(r => r.Topic.EndsWith("/update", StringComparison.Ordinal) && r.Payload.Contains("lastError\":\"the", StringComparison.Ordinal));
        var token = JsonNode.Parse(update.Payload)!["clientToken"]!.GetValue<string>();
        System.Text.Encoding.UTF8.GetByteCount(token).Should().BeInRange(1, 64);
    }

    [Fact]
    public async Task A_delta_whose_version_is_not_above_the_last_applied_one_is_ignored()
    {
        var camera = new FakeCamera();
        await using var client = new DeviceShadowClient(Options(), camera.ApplyAsync);
        client.Start();
        await ShadowResponder.WaitUntilAsync(() => client.Statistics.Connected && _service.Gets(Thing) == 1, "connection");
        await _service.SetDesiredAsync(Thing, null, new JsonObject { ["streaming"] = true });
        var applied = await camera.NextChangeAsync();

        var stale = new JsonObject { ["state"] = new JsonObject { ["streaming"] = false }, ["version"] = applied.Version, ["timestamp"] = 1 };
        await _service.PublishAsync(ShadowResponder.Prefix(Thing, null) + "/update/delta", stale.ToJsonString());
        var older = new JsonObject { ["state"] = new JsonObject { ["streaming"] = false }, ["version"] = applied.Version - 1, ["timestamp"] = 1 };
        await _service.PublishAsync(ShadowResponder.Prefix(Thing, null) + "/update/delta", older.ToJsonString());

        await ShadowResponder.WaitUntilAsync(() => client.Statistics.StaleIgnored == 2, "both stale deltas seen");
        camera.Changes.Should().ContainSingle();
        client.AppliedStreaming().Should().BeTrue();
        var newer = new JsonObject { ["state"] = new JsonObject { ["streaming"] = false }, ["version"] = applied.Version + 10 };
        await _service.PublishAsync(ShadowResponder.Prefix(Thing, null) + "/update/delta", newer.ToJsonString());
        (await camera.NextChangeAsync()).Should().Match<DesiredStreamingChange>(c => !c.Streaming && c.Version == applied.Version + 10);
    }

    [Fact]
    public async Task A_shadow_deleted_and_made_again_is_followed_though_its_versions_start_again()
    {
        var camera = new FakeCamera();
        await using var client = new DeviceShadowClient(Options(), camera.ApplyAsync);
        await _service.SetDesiredAsync(Thing, null, new JsonObject { ["streaming"] = true });
        client.Start();
        await camera.NextChangeAsync();
        await ShadowResponder.WaitUntilAsync(() => _service.Reported(Thing) is not null, "the report");

        await _service.DeleteAsync(Thing, null, versionsStartAgain: true);
        await _service.SetDesiredAsync(Thing, null, new JsonObject { ["streaming"] = false });

        (await camera.NextChangeAsync()).Should().Match<DesiredStreamingChange>(c => !c.Streaming && c.Version == 1 && !c.FromGet, "delete/accepted started the count again");
    }

    [Fact]
    public async Task A_shadow_deleted_and_made_again_while_the_device_was_away_is_followed_from_the_read_at_reconnection()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var camera = new FakeCamera();
        await using var client = new DeviceShadowClient(Options(), camera.ApplyAsync, timeProvider: clock);
        await _service.SetDesiredAsync(Thing, null, new JsonObject { ["streaming"] = true });
        for (var i = 0; i < 3; i++)
        {
            await _service.SetDesiredAsync(Thing, null, new JsonObject { ["note"] = i }); // versions the device has seen
        }
        client.Start();
        await camera.NextChangeAsync();
        await ShadowResponder.WaitUntilAsync(() => _service.Reported(Thing) is not null, "the report");

        await _broker.KillAsync();
        await ShadowResponder.WaitUntilAsync(() => !client.Statistics.Connected, "the client notices the lost broker");
        await _service.DeleteAsync(Thing, null, versionsStartAgain: true); // nobody hears delete/accepted
        await _service.SetDesiredAsync(Thing, null, new JsonObject { ["streaming"] = false });
        await _broker.RestartAsync();
        await _service.ConnectAsync();
        await AdvanceToNextAttemptAsync(client, clock);

        (await camera.NextChangeAsync()).Should().Match<DesiredStreamingChange>(c => !c.Streaming && c.Version == 1 && c.FromGet);
        client.Statistics.StaleIgnored.Should().Be(0);
    }

    [Fact]
    public async Task A_lost_broker_is_reconnected_with_back_off_the_camera_keeps_its_state_and_the_shadow_is_read_again()
    {
        // The back-off runs on a manual clock, so the client comes back only once the broker and the shadow service are.
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var logs = new CapturingLoggerFactory();
        var camera = new FakeCamera();
        await using var client = new DeviceShadowClient(Options() with { MinReconnectDelay = TimeSpan.FromSeconds(1), MaxReconnectDelay = TimeSpan.FromSeconds(60) }, camera.ApplyAsync, logs, clock);
        await _service.SetDesiredAsync(Thing, null, new JsonObject { ["streaming"] = true });
        client.Start();
        await camera.NextChangeAsync();

        await _broker.KillAsync();
        await ShadowResponder.WaitUntilAsync(() => !client.Statistics.Connected, "the client notices the lost broker");
        var waits = new List<TimeSpan>();
        for (var retry = 0; retry < 3; retry++)
        {
            waits.Add(await AdvanceToNextAttemptAsync(client, clock));
        }
        waits.Should().BeInAscendingOrder("the waits grow while the broker stays away");
        waits[0].Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.5)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(1));
        client.AppliedStreaming().Should().BeTrue("the camera keeps its last state while the broker is away");
        await _broker.RestartAsync();
        await _service.ConnectAsync();
        await _service.SetDesiredAsync(Thing, null, new JsonObject { ["streaming"] = false }); // while the client is away
        await AdvanceToNextAttemptAsync(client, clock);

        await ShadowResponder.WaitUntilAsync(() => client.Statistics.Connections == 2, "the reconnection");
        (await camera.NextChangeAsync()).Should().Match<DesiredStreamingChange>(c => !c.Streaming && c.FromGet, "the change made while it was away comes with the shadow read again");
        _service.Gets(Thing).Should().Be(2);
        await _service.SetDesiredAsync(Thing, null, new JsonObject { ["streaming"] = true });
        (await camera.NextChangeAsync()).Should().Match<DesiredStreamingChange>(c => c.Streaming && !c.FromGet, "the delta subscription was made again");
        client.Statistics.Reconnects.Should().Be(1);
        logs.Lines.Should().Contain(line => line.Contains("was lost", StringComparison.Ordinal) && line.Contains(Thing, StringComparison.Ordinal));
        logs.Lines.Count(line => line.Contains("connecting to", StringComparison.Ordinal) && line.Contains("nothing accepts connections", StringComparison.Ordinal)).Should().Be(3);
    }

    [Fact]
    public async Task A_certificate_the_broker_does_not_trust_is_refused_logged_with_the_thing_and_what_to_check_and_retried_without_throwing()
    {
        using var strangers = new TestPki("Some Other CA");
        var stranger = strangers.IssueDevice(Thing);
        var logs = new CapturingLoggerFactory();
        var camera = new FakeCamera();
        await using var client = new DeviceShadowClient(
            Options() with { CertificatePath = stranger.CertificatePath, PrivateKeyPath = stranger.PrivateKeyPath, MinReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(100) },
            camera.ApplyAsync, logs);

        client.Start();

        await ShadowResponder.WaitUntilAsync(() => client.Statistics.ConnectAttempts >= 3, "retries");
        var statistics = client.Statistics;
        statistics.Connected.Should().BeFalse();
        statistics.Connections.Should().Be(0);
        statistics.LastError.Should().Contain("registered and ACTIVE");
        var refusals = logs.Entries.Where(e => e.Message.Contains("refused the device", StringComparison.Ordinal)).ToList();
        refusals.Should().HaveCountGreaterThanOrEqualTo(2);
        refusals[0].Level.Should().Be(Microsoft.Extensions.Logging.LogLevel.Error);
        refusals[0].Message.Should().Contain(Thing).And.Contain(_broker.Endpoint).And.Contain("iot:Connect").And.Contain("retrying");
        camera.Changes.Should().BeEmpty();
        (await client.ReportAsync(new StreamingReport(false))).Should().BeFalse();
        (string.Join('\n', logs.Lines) + statistics + client).Should().NotContain(File.ReadAllLines(stranger.PrivateKeyPath)[2], "no key material in logs, statistics or ToString");
    }

    [Fact]
    public async Task A_callback_that_throws_is_logged_and_reported_as_last_error_and_the_client_goes_on()
    {
        var logs = new CapturingLoggerFactory();
        var camera = new FakeCamera { ThrowNext = true };
        await using var client = new DeviceShadowClient(Options(), camera.ApplyAsync, logs);
        client.Start();
        await ShadowResponder.WaitUntilAsync(() => client.Statistics.Connected && _service.Gets(Thing) == 1, "connection");

        await _service.SetDesiredAsync(Thing, null, new JsonObject { ["streaming"] = true });
        await ShadowResponder.WaitUntilAsync(() => client.Statistics.CallbackFailures == 1, "the failing callback");
        await ShadowResponder.WaitUntilAsync(() => _service.Reported(Thing)?["lastError"] is not null, "the failure reported");
        _service.Reported(Thing)!["lastError"]!.GetValue<string>().Should().Contain("the encoder would not start");
        client.AppliedStreaming().Should().BeNull("the change was not applied");

        await _service.SetDesiredAsync(Thing, null, new JsonObject { ["streaming"] = false });
        await _service.SetDesiredAsync(Thing, null, new JsonObject { ["streaming"] = true });
        await ShadowResponder.WaitUntilAsync(() => _service.Reported(Thing)?["streaming"]?.GetValue<bool>() == true, "the next change applied");
        camera.Changes.Select(c => c.Streaming).Should().Equal([true, true], "the delta the failure's own report caused is not retried at once (that would loop as fast as the callback fails); the operator's next one is");
        client.Statistics.Connected.Should().BeTrue();
        logs.Entries.Should().Contain(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Message.Contains("callback", StringComparison.Ordinal) && e.Exception != null);
    }

    [Fact]
    public async Task Named_shadows_of_one_device_thing_are_followed_on_one_connection_each_on_its_own_topics()
    {
        const string device = "edge-box";
        var box = _pki.IssueDevice(device);
        await _service.SetDesiredAsync(device, "cam-2", new JsonObject { ["streaming"] = true });
        var camera = new FakeCamera();
        await using var client = new DeviceShadowClient(Options() with { ThingName = device, ShadowNames = ["cam-1", "cam-2"], CertificatePath = box.CertificatePath, PrivateKeyPath = box.PrivateKeyPath }, camera.ApplyAsync);

        client.Start();

        (await camera.NextChangeAsync()).Should().Be(new DesiredStreamingChange("cam-2", true, 1, FromGet: true));
        await _service.SetDesiredAsync(device, "cam-1", new JsonObject { ["streaming"] = true });
        (await camera.NextChangeAsync()).Should().Match<DesiredStreamingChange>(c => c.ShadowName == "cam-1" && c.Streaming);
        await ShadowResponder.WaitUntilAsync(() => _service.Reported(device, "cam-1")?["streaming"]?.GetValue<bool>() == true, "cam-1 reported");
        _service.Reported(device, "cam-2")!["streaming"]!.GetValue<bool>().Should().BeTrue();
        _service.Requests.Select(r => r.Topic).Distinct().Should().BeEquivalentTo(
            "$aws/things/edge-box/shadow/name/cam-1/get", "$aws/things/edge-box/shadow/name/cam-2/get", "$aws/things/edge-box/shadow/name/cam-1/update", "$aws/things/edge-box/shadow/name/cam-2/update");
        _service.Document(device).Should().BeNull("the classic shadow is not touched");
        client.AppliedStreaming("cam-2").Should().BeTrue();
        FluentActions.Invoking(() => client.AppliedStreaming()).Should().Throw<ArgumentException>().WithMessage("*cam-1, cam-2*");
    }

    [Fact]
    public async Task Dispose_from_several_threads_while_connecting_or_reconnecting_is_clean()
    {
        var logs = new CapturingLoggerFactory();
        for (var round = 0; round < 4; round++)
        {
            var camera = new FakeCamera();
            var client = new DeviceShadowClient(Options() with { Endpoint = round % 2 == 0 ? _broker.Endpoint : "localhost:1", MinReconnectDelay = TimeSpan.FromMilliseconds(10), MaxReconnectDelay = TimeSpan.FromMilliseconds(20) }, camera.ApplyAsync, logs);
            client.Start();
            await Task.Delay(round * 15);
            var disposers = Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
            {
                if (i % 2 == 0)
                {
                    client.Dispose();
                }
                else
                {
                    await client.DisposeAsync();
                }
            }));
            await FluentActions.Awaiting(() => Task.WhenAll(disposers)).Should().CompleteWithinAsync(TimeSpan.FromSeconds(10));
            client.Statistics.Connected.Should().BeFalse();
            (await client.ReportAsync(new StreamingReport(true))).Should().BeFalse("a disposed client publishes nothing and does not throw");
            FluentActions.Invoking(client.Start).Should().Throw<ObjectDisposedException>();
        }
        logs.Lines.Should().NotContain(line => line.Contains("was contained", StringComparison.Ordinal), "no fault reached the background guard");
    }

    [Fact]
    public void A_private_key_that_does_not_match_the_certificate_fails_at_construction_and_no_key_reaches_the_message_or_ToString()
    {
        var other = _pki.IssueDevice("cam-9");
        var failure = FluentActions.Invoking(() => new DeviceShadowClient(Options() with { PrivateKeyPath = other.PrivateKeyPath }, new FakeCamera().ApplyAsync))
            .Should().Throw<ArgumentException>();

        failure.Which.Message.Should().Contain(_device.CertificatePath).And.Contain(other.PrivateKeyPath);
        failure.Which.ToString().Should().NotContain(File.ReadAllLines(other.PrivateKeyPath)[2]);
        using var client = new DeviceShadowClient(Options(), new FakeCamera().ApplyAsync);
        client.ToString().Should().Contain(Thing).And.Contain(_broker.Endpoint).And.NotContain(File.ReadAllLines(_device.PrivateKeyPath)[2]);
    }

    [Fact]
    public void Every_problem_with_the_options_is_listed_at_once()
    {
        var options = new DeviceShadowClientOptions
        {
            Endpoint = "mqtts://x-ats.iot.eu-west-1.amazonaws.com",
            ThingName = "cam 1",
            ClientId = "a/b",
            ShadowNames = ["cam-1", "cam-1", "bad name"],
            CertificatePath = "/nonexistent/cert.pem",
            KeepAlive = TimeSpan.Zero,
            MinReconnectDelay = TimeSpan.FromSeconds(5),
            MaxReconnectDelay = TimeSpan.FromSeconds(1),
        };

        var failure = FluentActions.Invoking(() => new DeviceShadowClient(options, new FakeCamera().ApplyAsync)).Should().Throw<ArgumentException>();

        failure.Which.Message.Should().Contain("Endpoint 'mqtts://").And.Contain("ThingName 'cam 1'").And.Contain("ClientId 'a/b'")
            .And.Contain("'cam-1' 2 times").And.Contain("'bad name'").And.Contain("CertificatePath '/nonexistent/cert.pem' does not exist")
            .And.Contain("PrivateKeyPath is required").And.Contain("KeepAlive").And.Contain("MaxReconnectDelay");
    }

    [Fact]
    public async Task Connection_attempts_are_spaced_by_waits_that_double_from_1_s_to_60_s_each_a_random_half_to_all_of_it()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var camera = new FakeCamera();
        await using var client = new DeviceShadowClient(Options() with { Endpoint = "localhost:1", MinReconnectDelay = TimeSpan.FromSeconds(1), MaxReconnectDelay = TimeSpan.FromSeconds(60) }, camera.ApplyAsync, timeProvider: clock);
        client.Start();

        foreach (var ceiling in new[] { 1, 2, 4, 8, 16, 32, 60, 60 })
        {
            await ShadowResponder.WaitUntilAsync(() => clock.PendingDelays.Count == 1, "the wait after a failed attempt");
            var attempts = client.Statistics.ConnectAttempts;
            var wait = clock.PendingDelays[0];
            wait.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(ceiling / 2.0)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(ceiling));
            clock.Advance(wait - TimeSpan.FromMilliseconds(1));
            client.Statistics.ConnectAttempts.Should().Be(attempts, "no attempt before the wait is over");
            clock.Advance(TimeSpan.FromMilliseconds(1));
            await ShadowResponder.WaitUntilAsync(() => client.Statistics.ConnectAttempts == attempts + 1, "the next attempt");
        }
        client.Statistics.LastError.Should().Contain("nothing accepts connections");
    }

    [Theory]
    [InlineData(0, 0.0, 500)]
    [InlineData(0, 0.999, 1000)]
    [InlineData(1, 0.0, 1000)]
    [InlineData(3, 0.0, 4000)]
    [InlineData(6, 0.0, 30000)]
    [InlineData(7, 0.0, 30000)]
    [InlineData(40, 0.999, 60000)]
    public void The_reconnect_delay_doubles_from_the_minimum_to_the_maximum_with_jitter_of_half_of_it(int failures, double random, int expectedMilliseconds)
    {
        var delay = ReconnectBackOff.Delay(failures, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), random);

        delay.TotalMilliseconds.Should().BeApproximately(expectedMilliseconds, 61);
    }

    [Fact]
    public void The_report_document_is_the_documented_update_request_with_since_in_epoch_seconds_and_nulls_that_delete()
    {
        var since = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

        var json = System.Text.Encoding.UTF8.GetString(ShadowDocuments.ReportRequest(new StreamingReport(true, 14.5, since), "bp-1"));

        json.Should().Be($$$"""{"state":{"reported":{"streaming":true,"fps":14.5,"since":{{{since.ToUnixTimeSeconds()}}},"lastError":null}},"clientToken":"bp-1"}""");
    }

    /// <summary>
    /// Waits until the client waits out its back-off, ends that wait, and waits for the outcome of the attempt it starts
    /// (connected, or failed and waiting again); returns the wait.
    /// </summary>
    private static async Task<TimeSpan> AdvanceToNextAttemptAsync(DeviceShadowClient client, ManualClock clock)
    {
        await ShadowResponder.WaitUntilAsync(() => clock.PendingDelays.Count == 1, "the client's back-off");
        var attempts = client.Statistics.ConnectAttempts;
        var wait = clock.PendingDelays[0];
        clock.Advance(wait);
        await ShadowResponder.WaitUntilAsync(
            () => client.Statistics.ConnectAttempts > attempts && (client.Statistics.Connected || clock.PendingDelays.Count == 1), "the outcome of the next attempt");
        return wait;
    }

    private DeviceShadowClientOptions Options() => new()
    {
        Endpoint = _broker.Endpoint,
        ThingName = Thing,
        CertificatePath = _device.CertificatePath,
        PrivateKeyPath = _device.PrivateKeyPath,
        RootCaPath = _pki.RootCaPath,
        MinReconnectDelay = TimeSpan.FromMilliseconds(100),
        MaxReconnectDelay = TimeSpan.FromSeconds(1),
    };

    /// <summary>A camera as the relay drives it: records each change, starts or stops, and says what it does now.</summary>
    private sealed class FakeCamera
    {
        private readonly ConcurrentQueue<DesiredStreamingChange> _changes = new();
        private readonly System.Threading.Channels.Channel<DesiredStreamingChange> _signal = System.Threading.Channels.Channel.CreateUnbounded<DesiredStreamingChange>();

        public DateTimeOffset Since { get; private set; } = DateTimeOffset.UtcNow;

        public bool ThrowNext { get; set; }

        public string? Fail { get; set; }

        public IReadOnlyList<DesiredStreamingChange> Changes => [.. _changes];

        public ValueTask<StreamingReport> ApplyAsync(DesiredStreamingChange change, CancellationToken cancellationToken)
        {
            _changes.Enqueue(change);
            _signal.Writer.TryWrite(change);
            if (ThrowNext)
            {
                ThrowNext = false;
                throw new InvalidOperationException("the encoder would not start");
            }
            Since = DateTimeOffset.UtcNow;
            return ValueTask.FromResult(new StreamingReport(change.Streaming, change.Streaming ? 15 : null, Since));
        }

        /// <summary>The next change handed to the camera, waiting at most 10 s for it.</summary>
        public async Task<DesiredStreamingChange> NextChangeAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                return await _signal.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no change within 10 s; the changes so far: {string.Join(", ", Changes)}");
            }
        }
    }
}
