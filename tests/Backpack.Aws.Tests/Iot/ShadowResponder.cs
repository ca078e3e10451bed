using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Backpack.Aws.Iot;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Backpack.Aws.Tests.Iot;

/// <summary>
/// The AWS IoT Device Shadow service, as its documentation describes it, for the tests: an MQTT client with its own
/// certificate that answers <c>get</c> and <c>update</c> of any thing's classic or named shadow. It keeps one document
/// per shadow, merges updates (null deletes), increments <c>version</c> with every accepted update, rejects an update
/// whose <c>version</c> does not match (409), and publishes <c>get/accepted</c> (with <c>state.delta</c>) or
/// <c>get/rejected</c> (404 before the shadow exists), <c>update/accepted</c>, <c>update/documents</c> and, when desired
/// and reported differ after an update, <c>update/delta</c> (the desired attributes that differ from reported, nested
/// objects by their full path, reported-only attributes never). A test plays the operator through <see cref="SetDesiredAsync"/>.
/// </summary>
internal sealed class ShadowResponder : IAsyncDisposable
{
    private readonly MosquittoBroker _broker;
    private readonly DeviceFiles _identity;
    private readonly string _rootCaPath;
    private readonly Dictionary<string, ShadowDocument> _documents = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Topic, string Payload)> _requests = new();
    private readonly Channel<(string Topic, string Payload, TaskCompletionSource? Done)> _inbox = Channel.CreateUnbounded<(string, string, TaskCompletionSource?)>();
    private readonly Lock _gate = new();
    private readonly Task _worker;
    private IMqttClient _mqtt;
    private int _operatorTokens;

    private ShadowResponder(MosquittoBroker broker, TestPki pki)
    {
        _broker = broker;
        _identity = pki.IssueDevice("shadow-service");
        _rootCaPath = pki.RootCaPath;
        _mqtt = CreateClient();
        _worker = Task.Run(WorkAsync);
    }

    /// <summary>Every get and update request received over MQTT, in order, with its topic.</summary>
    public IReadOnlyList<(string Topic, string Payload)> Requests => [.. _requests];

    public static async Task<ShadowResponder> StartAsync(MosquittoBroker broker, TestPki pki)
    {
        var responder = new ShadowResponder(broker, pki);
        await responder.ConnectAsync();
        return responder;
    }

    /// <summary>Connects (again, after the broker restarted) and subscribes to every thing's get and update.</summary>
    public async Task ConnectAsync()
    {
        _mqtt.Dispose();
        _mqtt = CreateClient();
        var certificate = DeviceCertificate.Load(_identity.CertificatePath, _identity.PrivateKeyPath, "identity");
        var roots = DeviceCertificate.LoadRoots(_rootCaPath, "rootCa");
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("localhost", _broker.Port)
            .WithClientId("shadow-service")
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithTlsOptions(o => o.UseTls().WithTargetHost("localhost").WithClientCertificates([certificate]).WithCertificateValidationHandler(args => DeviceCertificate.ValidateServer(roots, args.Certificate, args.Chain, args.SslPolicyErrors)))
            .Build();
        await _mqtt.ConnectAsync(options);
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in new[] { "$aws/things/+/shadow/get", "$aws/things/+/shadow/update", "$aws/things/+/shadow/name/+/get", "$aws/things/+/shadow/name/+/update" })
        {
            subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }
        await _mqtt.SubscribeAsync(subscribe.Build());
    }

    /// <summary>The operator's update: <c>{"state":{"desired":…}}</c> for a shadow, handled as any update is.</summary>
    public async Task SetDesiredAsync(string thing, string? shadow, JsonObject desired)
    {
        var token = $"operator-{Interlocked.Increment(ref _operatorTokens)}";
        var request = new JsonObject { ["state"] = new JsonObject { ["desired"] = desired }, ["clientToken"] = token };
        // Through the same queue as the requests that came over MQTT, so answers go out in the order things happened.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _inbox.Writer.TryWrite((Prefix(thing, shadow) + "/update", request.ToJsonString(), done));
        await done.Task;
    }

    /// <summary>
    /// Deletes a shadow and publishes <c>delete/accepted</c>. With <paramref name="versionsStartAgain"/>, a shadow made
    /// later counts from version 0 again, as AWS does once a shadow has been deleted for more than 48 hours.
    /// </summary>
    public async Task DeleteAsync(string thing, string? shadow, bool versionsStartAgain)
    {
        long version;
        lock (_gate)
        {
            var document = _documents[Key(thing, shadow)];
            version = document.Version;
            document.Desired.Clear();
            document.Reported.Clear();
            document.Deleted = true;
            if (versionsStartAgain)
            {
                document.Version = 0;
            }
        }
        try
        {
            await PublishAsync(Prefix(thing, shadow) + "/delete/accepted", new JsonObject { ["version"] = version, ["timestamp"] = Now() }.ToJsonString());
        }
        catch (MQTTnet.Exceptions.MqttClientNotConnectedException)
        {
            // the broker is away: nobody hears of the deletion
        }
    }

    /// <summary>Publishes any message, as the service (or a replaying broker) could.</summary>
    public async Task PublishAsync(string topic, string payload) =>
        await _mqtt.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    /// <summary>The shadow's document as get would answer (state.desired/reported, version); null when it does not exist.</summary>
    public JsonObject? Document(string thing, string? shadow = null)
    {
        lock (_gate)
        {
            return _documents.TryGetValue(Key(thing, shadow), out var document) && !document.Deleted ? document.Snapshot(withDelta: true) : null;
        }
    }

    /// <summary>The shadow's <c>state.reported</c>; null when it has none.</summary>
    public JsonObject? Reported(string thing, string? shadow = null) => Document(thing, shadow)?["state"]?["reported"]?.AsObject();

    /// <summary>How many get requests a shadow received.</summary>
    public int Gets(string thing, string? shadow = null) => Requests.Count(r => r.Topic == Prefix(thing, shadow) + "/get");

    /// <summary>Waits until <paramref name="condition"/> holds, polling.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > (timeout ?? TimeSpan.FromSeconds(10)))
            {
                throw new TimeoutException($"waited {watch.Elapsed.TotalSeconds:0.0} s for {what}");
            }
            await Task.Delay(10);
        }
    }

    public static string Prefix(string thing, string? shadow) =>
        shadow is null ? $"$aws/things/{thing}/shadow" : $"$aws/things/{thing}/shadow/name/{shadow}";

    public async ValueTask DisposeAsync()
    {
        _inbox.Writer.TryComplete();
        await _worker;
        _mqtt.Dispose();
    }

    private static string Key(string thing, string? shadow) => $"{thing}/{shadow}";

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private IMqttClient CreateClient()
    {
        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += args =>
        {
            _inbox.Writer.TryWrite((args.ApplicationMessage.Topic, Encoding.UTF8.GetString(args.ApplicationMessage.Payload.ToArray()), null));
            return Task.CompletedTask;
        };
        return client;
    }

    private async Task WorkAsync()
    {
        await foreach (var (topic, payload, done) in _inbox.Reader.ReadAllAsync())
        {
            if (done is null)
            {
                _requests.Enqueue((topic, payload)); // the operator's updates are not requests that came over MQTT
            }
            var parts = topic.Split('/');
            var named = parts.Length == 7 && parts[4] == "name";
            var thing = parts[2];
            var shadow = named ? parts[5] : null;
            var operation = parts[^1];
            var prefix = Prefix(thing, shadow);
            var key = Key(thing, shadow);
            List<(string, string)> answers;
            try
            {
                answers = operation == "get" ? Get(prefix, key, payload) : Update(prefix, key, JsonNode.Parse(payload) as JsonObject);
            }
            catch (System.Text.Json.JsonException)
            {
                answers = [(prefix + "/" + operation + "/rejected", Error(400, "Payload contains invalid json", null))];
            }
            foreach (var (answerTopic, answer) in answers)
            {
                try
                {
                    await PublishAsync(answerTopic, answer);
                }
                catch (Exception) when (!_mqtt.IsConnected)
                {
                    // the broker went away: the answer is lost, as it would be
                }
            }
            done?.TrySetResult();
        }
    }

    private List<(string, string)> Get(string prefix, string key, string payload)
    {
        var token = payload.Length > 0 ? JsonNode.Parse(payload)?["clientToken"]?.GetValue<string>() : null;
        lock (_gate)
        {
            if (!_documents.TryGetValue(key, out var document) || document.Deleted)
            {
                return [(prefix + "/get/rejected", Error(404, $"No shadow exists with name: '{key}'", token))];
            }
            var answer = document.Snapshot(withDelta: true);
            answer["timestamp"] = Now();
            if (token is not null)
            {
                answer["clientToken"] = token;
            }
            return [(prefix + "/get/accepted", answer.ToJsonString())];
        }
    }

    private List<(string, string)> Update(string prefix, string key, JsonObject? request)
    {
        var token = request?["clientToken"]?.GetValue<string>();
        if (request?["state"] is not JsonObject state)
        {
            return [(prefix + "/update/rejected", Error(400, "Missing required node: state", token))];
        }
        if (token is not null && Encoding.UTF8.GetByteCount(token) > 64)
        {
            return [(prefix + "/update/rejected", Error(400, "Invalid clientToken", null))];
        }
        lock (_gate)
        {
            if (!_documents.TryGetValue(key, out var document))
            {
                document = _documents[key] = new ShadowDocument();
            }
            document.Deleted = false;
            if (request["version"] is JsonValue version && version.GetValue<long>() != document.Version)
            {
                return [(prefix + "/update/rejected", Error(409, "Version conflict", token))];
            }
            var previous = document.Snapshot(withDelta: false);
            var now = Now();
            var metadata = new JsonObject();
            foreach (var section in new[] { "desired", "reported" })
            {
                if (!state.ContainsKey(section))
                {
                    continue;
                }
                var target = section == "desired" ? document.Desired : document.Reported;
                if (state[section] is JsonObject changes)
                {
                    metadata[section] = Merge(target, changes, document.Timestamps(section), now);
                }
                else
                {
                    target.Clear(); // "desired": null deletes the whole section
                    document.Timestamps(section).Clear();
                }
            }
            document.Version++;
            var accepted = new JsonObject { ["state"] = state.DeepClone(), ["metadata"] = metadata, ["version"] = document.Version, ["timestamp"] = now };
            var documents = new JsonObject { ["previous"] = previous, ["current"] = document.Snapshot(withDelta: false), ["timestamp"] = now };
            if (token is not null)
            {
                accepted["clientToken"] = token;
                documents["clientToken"] = token;
            }
            var answers = new List<(string, string)> { (prefix + "/update/accepted", accepted.ToJsonString()), (prefix + "/update/documents", documents.ToJsonString()) };
            if (Delta(document.Desired, document.Reported) is { Count: > 0 } delta)
            {
                var message = new JsonObject { ["version"] = document.Version, ["timestamp"] = now, ["state"] = delta, ["metadata"] = DeltaMetadata(delta, document.Timestamps("desired")) };
                if (token is not null)
                {
                    message["clientToken"] = token;
                }
                answers.Add((prefix + "/update/delta", message.ToJsonString()));
            }
            return answers;
        }
    }

    /// <summary>Merges <paramref name="changes"/> into <paramref name="target"/> (null deletes, objects merge); returns the metadata of what was set.</summary>
    private static JsonObject Merge(JsonObject target, JsonObject changes, Dictionary<string, long> timestamps, long now, string path = "")
    {
        var metadata = new JsonObject();
        foreach (var (name, value) in changes)
        {
            var full = path + "/" + name;
            if (value is null)
            {
                target.Remove(name);
                timestamps.Remove(full);
            }
            else if (value is JsonObject nested)
            {
                if (target[name] is not JsonObject existing)
                {
                    existing = new JsonObject();
                    target[name] = existing;
                }
                metadata[name] = Merge(existing, nested, timestamps, now, full);
            }
            else
            {
                target[name] = value.DeepClone();
                timestamps[full] = now;
                metadata[name] = new JsonObject { ["timestamp"] = now };
            }
        }
        return metadata;
    }

    /// <summary>The desired attributes that differ from reported (a missing reported one counts), objects compared attribute by attribute.</summary>
    private static JsonObject Delta(JsonObject desired, JsonObject reported)
    {
        var delta = new JsonObject();
        foreach (var (name, value) in desired)
        {
            var other = reported[name];
            if (value is JsonObject nested && other is JsonObject otherNested)
            {
                if (Delta(nested, otherNested) is { Count: > 0 } inner)
                {
                    delta[name] = inner;
                }
            }
            else if (!JsonNode.DeepEquals(value, other))
            {
                delta[name] = value?.DeepClone();
            }
        }
        return delta;
    }

    private static JsonObject DeltaMetadata(JsonObject delta, Dictionary<string, long> timestamps, string path = "")
    {
        var metadata = new JsonObject();
        foreach (var (name, value) in delta)
        {
            metadata[name] = value is JsonObject nested
                ? DeltaMetadata(nested, timestamps, path + "/" + name)
                : new JsonObject { ["timestamp"] = timestamps.GetValueOrDefault(path + "/" + name) };
        }
        return metadata;
    }

    private static string Error(int code, string message, string? token)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message, ["timestamp"] = Now() };
        if (token is not null)
        {
            error["clientToken"] = token;
        }
        return error.ToJsonString();
    }

    /// <summary>One shadow: its desired and reported state, its version and when each attribute was last set.</summary>
    private sealed class ShadowDocument
    {
        private readonly Dictionary<string, long> _desiredTimes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _reportedTimes = new(StringComparer.Ordinal);

        public JsonObject Desired { get; } = [];

        public JsonObject Reported { get; } = [];

        public long Version { get; set; }

        /// <summary>Deleted: get answers 404 until an update makes it again (with the version kept, or from 0).</summary>
        public bool Deleted { get; set; }

        public Dictionary<string, long> Timestamps(string section) => section == "desired" ? _desiredTimes : _reportedTimes;

        public JsonObject Snapshot(bool withDelta)
        {
            var state = new JsonObject();
            if (Desired.Count > 0)
            {
                state["desired"] = Desired.DeepClone();
            }
            if (Reported.Count > 0)
            {
                state["reported"] = Reported.DeepClone();
            }
            if (withDelta && Delta(Desired, Reported) is { Count: > 0 } delta)
            {
                state["delta"] = delta;
            }
            return new JsonObject { ["state"] = state, ["version"] = Version };
        }
    }
}
