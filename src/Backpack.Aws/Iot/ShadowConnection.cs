using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Backpack.Aws.Iot;

/// <summary>
/// One MQTT connection to AWS IoT Core as one thing, kept up: connect over mutual TLS, subscribe, tell the owner
/// (which asks for the shadows and reports), wait until the connection is lost, wait a growing, jittered delay,
/// again — until cancelled. MQTTnet 5 has no managed client, so this is that loop. Every failure is logged with the
/// thing, the endpoint and what to check, and retried; nothing escapes <see cref="RunAsync"/> but cancellation.
/// </summary>
/// <remarks>
/// MQTT 3.1.1: what AWS IoT Core has spoken longest and best; the shadow protocol needs nothing of MQTT 5 (no session
/// expiry, no user properties), and CONNACK failures are reported the same way by every broker. Clean session: the
/// subscriptions are made anew and the shadows read anew at every connection, so nothing depends on a session the
/// broker kept. QoS 1 both ways (AWS IoT offers 0 and 1).
/// </remarks>
internal sealed partial class ShadowConnection : IAsyncDisposable
{
    private readonly DeviceShadowClientOptions _options;
    private readonly X509Certificate2Collection? _roots;
    private readonly string _endpoint;
    private readonly IReadOnlyList<string> _topicFilters;
    private readonly Func<CancellationToken, Task> _onConnected;
    private readonly Action<string, Exception?> _onError;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly IMqttClient _mqtt;
    private readonly MqttClientOptions _mqttOptions;
    private TaskCompletionSource? _lost;
    private volatile bool _connected;
    private volatile bool _serverRejected;
    private long _attempts;
    private long _connections;

    internal ShadowConnection(
        DeviceShadowClientOptions options, X509Certificate2 certificate, X509Certificate2Collection? roots, IReadOnlyList<string> topicFilters,
        Action<string, byte[]> onMessage, Func<CancellationToken, Task> onConnected, Action<string, Exception?> onError, ILogger logger, TimeProvider clock)
    {
        _options = options;
        _roots = roots;
        _endpoint = options.Endpoint;
        _topicFilters = topicFilters;
        _onConnected = onConnected;
        _onError = onError;
        _logger = logger;
        _clock = clock;
        DeviceCertificate.TryParseEndpoint(options.Endpoint, DeviceShadowClientOptions.DefaultPort, out var host, out var port);
        _mqttOptions = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(options.EffectiveClientId)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession(true)
            .WithKeepAlivePeriod(options.KeepAlive)
            .WithTimeout(options.ConnectTimeout)
            .WithoutPacketFragmentation() // AWS IoT does not take a packet split over several TLS writes
            .WithTlsOptions(tls =>
            {
                tls.UseTls()
                    .WithTargetHost(host) // SNI: AWS IoT requires it
                    .WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
                    .WithClientCertificates([certificate])
                    .WithCertificateValidationHandler(args => ValidateServer(args.Certificate, args.Chain, args.SslPolicyErrors));
                if (port == 443)
                {
                    tls.WithApplicationProtocols([new SslApplicationProtocol("x-amzn-mqtt-ca")]);
                }
            })
            .Build();
        _mqtt = new MqttClientFactory().CreateMqttClient();
        _mqtt.ApplicationMessageReceivedAsync += args =>
        {
            // MQTTnet's receive thread: copy and hand over, nothing more (the owner queues it for its own loop).
            onMessage(args.ApplicationMessage.Topic, args.ApplicationMessage.Payload.ToArray());
            return Task.CompletedTask;
        };
        _mqtt.DisconnectedAsync += args =>
        {
            if (args.ClientWasConnected)
            {
                Volatile.Read(ref _lost)?.TrySetResult();
            }
            return Task.CompletedTask;
        };
    }

    /// <summary>Whether the connection is up and subscribed.</summary>
    internal bool IsConnected => _connected;

    internal long Attempts => Interlocked.Read(ref _attempts);

    internal long Connections => Interlocked.Read(ref _connections);

    /// <summary>Keeps the connection up until <paramref name="cancellationToken"/> is cancelled.</summary>
    internal async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _lost, lost);
            Interlocked.Increment(ref _attempts);
            try
            {
                await ConnectAsync(cancellationToken).ConfigureAwait(false);
                _connected = true;
                Interlocked.Increment(ref _connections);
                LogConnected(_logger, _options.ThingName, _endpoint, _options.EffectiveClientId, Connections - 1);
                await _onConnected(cancellationToken).ConfigureAwait(false);
                failures = 0;
                await lost.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                _connected = false;
                const string what = "the connection to the broker was lost";
                _onError(what, null);
                LogLost(_logger, _options.ThingName, _endpoint);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The loop's purpose: every failure is logged and retried.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                var (what, refused) = Describe(exception);
                _onError(what, exception);
                if (refused)
                {
                    LogRefused(_logger, _options.ThingName, _endpoint, what, Attempts);
                }
                else
                {
                    LogFailed(_logger, _options.ThingName, _endpoint, what, Attempts);
                }
            }
            finally
            {
                _connected = false;
            }
            await CloseQuietlyAsync().ConfigureAwait(false);
            var wait = ReconnectBackOff.Delay(failures++, _options.MinReconnectDelay, _options.MaxReconnectDelay, Random.Shared.NextDouble());
            await Task.Delay(wait, _clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Publishes at QoS 1; false when not connected or the broker did not acknowledge (never throws but for cancellation).</summary>
    internal async Task<bool> PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken)
    {
        if (!_connected)
        {
            return false;
        }
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        try
        {
            var result = await _mqtt.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            return result.IsSuccess;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A publish on a connection that is going away: the caller publishes again at the next connection.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogPublishFailed(_logger, _options.ThingName, topic, exception.Message);
            return false;
        }
    }

    /// <summary>Disconnects (briefly waiting for the broker) and releases the client.</summary>
    public async ValueTask DisposeAsync()
    {
        await CloseQuietlyAsync().ConfigureAwait(false);
        _mqtt.Dispose();
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        _serverRejected = false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        MqttClientConnectResult result;
        try
        {
            result = await _mqtt.ConnectAsync(_mqttOptions, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no CONNACK within {_options.ConnectTimeout.TotalSeconds:0.#} s");
        }
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new ShadowConnectRefusedException($"the broker refused CONNECT ({result.ResultCode}{(string.IsNullOrEmpty(result.ReasonString) ? string.Empty : ": " + result.ReasonString)})");
        }
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in _topicFilters)
        {
            subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }
        var granted = await _mqtt.SubscribeAsync(subscribe.Build(), timeout.Token).ConfigureAwait(false);
        var refused = granted.Items.Where(item => item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2).Select(item => item.TopicFilter.Topic).ToList();
        if (refused.Count > 0)
        {
            throw new ShadowConnectRefusedException($"the broker refused the subscriptions to {string.Join(", ", refused)}: check that the IoT policy allows iot:Subscribe on these topic filters and iot:Receive on their topics");
        }
    }

    private async Task CloseQuietlyAsync()
    {
        try
        {
            if (_mqtt.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _mqtt.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // Closing a connection that may already be gone.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private bool ValidateServer(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var valid = DeviceCertificate.ValidateServer(_roots, certificate, chain, errors);
        _serverRejected = !valid;
        return valid;
    }

    /// <summary>The failure in words, and whether it is a refusal of this device (its certificate, its policy) rather than the network.</summary>
    private (string What, bool Refused) Describe(Exception exception)
    {
        var clientId = _options.EffectiveClientId;
        var refusedAdvice =
            $"check that the certificate is registered and ACTIVE in AWS IoT and attached to the thing {_options.ThingName}, and that its IoT policy allows iot:Connect for the client id {clientId}";
        if (_serverRejected)
        {
            return ($"the broker's certificate is not trusted: check that Endpoint is the account's iot:Data-ATS endpoint and that {(_roots is null ? "the system trusts" : $"RootCaPath {_options.RootCaPath} holds")} its root CA", false);
        }
        if (exception is ShadowConnectRefusedException)
        {
            return ($"{exception.Message}; {refusedAdvice}", true);
        }
        if (exception is TimeoutException)
        {
            return (exception.Message + ": check the network and that the port is open (8883, or 443)", false);
        }
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused } socket:
                    return ($"nothing accepts connections there ({socket.Message}): check Endpoint and its port", false);
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } socket:
                    return ($"the host name does not resolve ({socket.Message}): check Endpoint", false);
                case SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown } socket:
                    return ($"the broker could not be reached ({socket.SocketErrorCode}: {socket.Message})", false);
                case SocketException or AuthenticationException or IOException:
                    // Reached, then closed (reset, EOF, a TLS alert) before CONNACK: how a broker refuses a client certificate.
                    return ($"the broker closed the mutual-TLS connection during the handshake or CONNECT ({inner.Message}): {refusedAdvice}", true);
            }
        }
        return ($"connecting failed: {exception.Message}", false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Device shadow MQTT for thing {Thing}: connected to {Endpoint} as client {ClientId} (reconnects so far: {Reconnects})")]
    private static partial void LogConnected(ILogger logger, string thing, string endpoint, string clientId, long reconnects);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device shadow MQTT for thing {Thing}: the connection to {Endpoint} was lost; reconnecting with back-off, the cameras keep their last state meanwhile")]
    private static partial void LogLost(ILogger logger, string thing, string endpoint);

    [LoggerMessage(Level = LogLevel.Error, Message = "Device shadow MQTT for thing {Thing}: {Endpoint} refused the device: {Reason} (attempt {Attempt}; retrying with back-off)")]
    private static partial void LogRefused(ILogger logger, string thing, string endpoint, string reason, long attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device shadow MQTT for thing {Thing}: connecting to {Endpoint} failed: {Reason} (attempt {Attempt}; retrying with back-off)")]
    private static partial void LogFailed(ILogger logger, string thing, string endpoint, string reason, long attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Device shadow MQTT for thing {Thing}: publishing to {Topic} failed ({Reason}); it is sent again at the next connection")]
    private static partial void LogPublishFailed(ILogger logger, string thing, string topic, string reason);

    /// <summary>The broker answered, but no: CONNACK or SUBACK with a failure code.</summary>
    private sealed class ShadowConnectRefusedException(string message) : Exception(message);
}
