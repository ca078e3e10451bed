using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Backpack.Streaming.Outputs;
using Backpack.Streaming.SkyLines;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Web;

/// <summary>
/// One viewer's WebSocket: the signalling of its WebRTC peer, the fallback's frames when WebRTC does not connect, and
/// the figures once a second. Messages from the page are JSON text (<c>start</c>, <c>answer</c>, <c>candidate</c>);
/// the server sends JSON text (<c>welcome</c>, <c>offer</c>, <c>candidate</c>, <c>config</c>, <c>stats</c>,
/// <c>error</c>) and the fallback's binary frames (<see cref="WebSocketViewerOutput"/>).
/// </summary>
/// <remarks>
/// One send at a time (a lock); the frames' thread waits for its turn, the figures are left out when the socket is
/// busy (the next second brings new ones). Nothing here throws into the SkyLine: a failed send closes the viewer.
/// </remarks>
internal sealed partial class ViewerConnection : IAsyncDisposable
{
    /// <summary>The largest message a page sends (an SDP answer is a few kilobytes).</summary>
    private const int MaxIncomingMessage = 64 << 10;

    private static long _lastId;

    private readonly WebSocket _socket;
    private readonly LiveViewStream _stream;
    private readonly LiveViewServerOptions _options;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _closing;
    private WebSocketViewerOutput? _fallback;
    private int _closeRequested;
    private int _disposed;

    internal ViewerConnection(WebSocket socket, LiveViewStream stream, LiveViewServerOptions options, ILoggerFactory? loggerFactory, ILogger logger, CancellationToken serverStopping)
    {
        _socket = socket;
        _stream = stream;
        _options = options;
        _loggerFactory = loggerFactory;
        _logger = logger;
        _closing = CancellationTokenSource.CreateLinkedTokenSource(serverStopping);
        Id = Interlocked.Increment(ref _lastId).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The viewer's number in this process, for logs and output names.</summary>
    internal string Id { get; }

    /// <summary>How the viewer receives the video now: <c>none</c>, <c>webrtc</c> or <c>ws</c>.</summary>
    internal string Transport { get; private set; } = "none";

    /// <summary>Receives and answers the page's messages until it closes, the stream is removed or the server stops.</summary>
    internal async Task RunAsync()
    {
        var token = _closing.Token;
        try
        {
            await SendTextAsync(Messages.Welcome(_stream.Name, _options), token).ConfigureAwait(false);
            var buffer = new byte[MaxIncomingMessage];
            while (!token.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                var (count, type) = await ReceiveAsync(buffer, token).ConfigureAwait(false);
                if (type == WebSocketMessageType.Close)
                {
                    break;
                }
                if (count > MaxIncomingMessage)
                {
                    await CloseAsync(WebSocketCloseStatus.MessageTooBig, $"messages are limited to {MaxIncomingMessage} bytes").ConfigureAwait(false);
                    break;
                }
                if (type != WebSocketMessageType.Text)
                {
                    await SendTextAsync(Messages.Error("expected JSON text messages"), token).ConfigureAwait(false);
                    continue;
                }
                await HandleAsync(buffer.AsMemory(0, count), token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (WebSocketException exception)
        {
            LogViewerLost(_logger, Id, _stream.Name, exception.Message);
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends the viewer (the stream is removed, the server stops): its video stops, the page gets a close frame with the
    /// reason, and the socket is cut 2 s later if the page does not answer it. Returns at once.
    /// </summary>
    internal void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) == 0)
        {
            _ = BackgroundWork.RunAsync("live view viewer close", _logger, () => CloseGracefullyAsync(reason));
        }
    }

    /// <summary>The figures of the last second, as one text message; left out when a send is under way.</summary>
    internal void OfferFigures(ReadOnlyMemory<byte> message)
    {
        if (Closing || !_sendLock.Wait(0))
        {
            return;
        }
        _ = SendLockedAsync(message, WebSocketMessageType.Text);
    }

    /// <summary>On the fallback output's thread: the codec configuration, before the first frame of a stream.</summary>
    internal void SendConfiguration(H264Configuration configuration, StreamFormat format) =>
        SendBlocking(Messages.Configuration(configuration, format), WebSocketMessageType.Text);

    /// <summary>On the fallback output's thread: one frame, sent before the call returns (or the viewer closed).</summary>
    internal void SendFrame(ReadOnlyMemory<byte> message) => SendBlocking(message, WebSocketMessageType.Binary);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _closing.CancelAsync().ConfigureAwait(false);
        StopFallback();
        StopWebRtc();
        _stream.RemoveViewer(this);
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            var locked = await _sendLock.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            await CloseAsync(WebSocketCloseStatus.NormalClosure, "closed").ConfigureAwait(false);
            if (locked)
            {
                _sendLock.Release();
            }
        }
        _socket.Dispose();
        _closing.Dispose();
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> text, CancellationToken token)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            await SendTextAsync(Messages.Error("expected a JSON object with a type"), token).ConfigureAwait(false);
            return;
        }
        using (document)
        {
            var root = document.RootElement;
            var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            switch (type)
            {
                case "start":
                    var transport = root.TryGetProperty("transport", out var wanted) && wanted.ValueKind == JsonValueKind.String ? wanted.GetString() : null;
                    if (transport == "ws")
                    {
                        StopWebRtc();
                        StartFallback();
                    }
                    else if (transport == "webrtc" && _options.WebRtc)
                    {
                        StopFallback();
                        await StartWebRtcAsync(token).ConfigureAwait(false);
                    }
                    else
                    {
                        await SendTextAsync(Messages.Error(_options.WebRtc ? "transport must be webrtc or ws" : "WebRTC is switched off on this server; use transport ws"), token).ConfigureAwait(false);
                    }
                    break;
                case "answer":
                case "candidate":
                    if (await HandleSignallingAsync(type, root, token).ConfigureAwait(false) is { } problem)
                    {
                        await SendTextAsync(Messages.Error(problem), token).ConfigureAwait(false);
                    }
                    break;
                default:
                    await SendTextAsync(Messages.Error($"unknown message type '{Messages.Shorten(type)}'; expected start, answer or candidate"), token).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task CloseGracefullyAsync(string reason)
    {
        StopFallback();
        StopWebRtc();
        try
        {
            if (await _sendLock.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false))
            {
                try
                {
                    await CloseAsync(WebSocketCloseStatus.NormalClosure, reason).ConfigureAwait(false);
                }
                finally
                {
                    _sendLock.Release();
                }
            }
            _closing.CancelAfter(TimeSpan.FromSeconds(2));
        }
        catch (ObjectDisposedException)
        {
            // The viewer ended meanwhile.
        }
    }

    private bool Closing => Volatile.Read(ref _closeRequested) != 0 || _closing.IsCancellationRequested;

    private void StartFallback()
    {
        if (_fallback is not null || Closing)
        {
            return;
        }
        var output = new WebSocketViewerOutput(this, _loggerFactory);
        try
        {
            _stream.SkyLine.Attach(output);
        }
        catch (ObjectDisposedException)
        {
            output.Dispose();
            Close("the stream is gone");
            return;
        }
        _fallback = output;
        Transport = "ws";
    }

    private void StopFallback()
    {
        if (Interlocked.Exchange(ref _fallback, null) is { } output)
        {
            output.Dispose();
            Transport = "none";
        }
    }

    private async Task<(int Count, WebSocketMessageType Type)> ReceiveAsync(byte[] buffer, CancellationToken token)
    {
        var count = 0;
        while (true)
        {
            if (count == buffer.Length)
            {
                // Larger than any page sends: the caller closes the socket.
                return (count + 1, WebSocketMessageType.Text);
            }
            var result = await _socket.ReceiveAsync(buffer.AsMemory(count), token).ConfigureAwait(false);
            count += result.Count;
            if (result.MessageType == WebSocketMessageType.Close || result.EndOfMessage)
            {
                return (count, result.MessageType);
            }
        }
    }

    private async Task SendTextAsync(ReadOnlyMemory<byte> message, CancellationToken token)
    {
        await _sendLock.WaitAsync(token).ConfigureAwait(false);
        await SendLockedAsync(message, WebSocketMessageType.Text).ConfigureAwait(false);
    }

    /// <summary>Sends with the lock held, and releases it; a failure closes the viewer.</summary>
    private async Task SendLockedAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type)
    {
        try
        {
            await _socket.SendAsync(message, type, endOfMessage: true, _closing.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The page is gone: the receive loop ends too.
            CancelClosing();
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private void SendBlocking(ReadOnlyMemory<byte> message, WebSocketMessageType type)
    {
        try
        {
            _sendLock.Wait(_closing.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
        {
            return;
        }
        SendLockedAsync(message, type).GetAwaiter().GetResult();
    }

    private void CancelClosing()
    {
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task CloseAsync(WebSocketCloseStatus status, string description)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _socket.CloseOutputAsync(status, description, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // Gone already.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Viewer {Id} of stream {Stream} was lost: {Reason}")]
    private static partial void LogViewerLost(ILogger logger, string id, string stream, string reason);

}
