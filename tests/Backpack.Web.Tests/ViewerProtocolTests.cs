using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Backpack.Web.Tests;

/// <summary>The viewer's WebSocket as a page speaks it, from a plain client: messages, the fallback's frames, the limits.</summary>
public sealed class ViewerProtocolTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly StreamFeed _demo = new("demo", 320, 240, 30);
    private LiveViewServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = new LiveViewServer(new LiveViewServerOptions { Port = 0, Address = "127.0.0.1" });
        _server.AddStream("demo", _demo.SkyLine);
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _demo.Dispose();
    }

    [Fact]
    public async Task The_fallback_sends_the_codec_configuration_then_the_encoded_frames_starting_with_a_key_frame()
    {
        using var socket = await ConnectAsync();
        (await ReceiveJsonAsync(socket)).GetProperty("type").GetString().Should().Be("welcome");

        await SendAsync(socket, """{"type":"start","transport":"ws"}""");

        var config = await ReceiveJsonAsync(socket, skipStats: true);
        config.GetProperty("type").GetString().Should().Be("config");
        config.GetProperty("codec").GetString().Should().StartWith("avc1.");
        (config.GetProperty("width").GetInt32(), config.GetProperty("height").GetInt32()).Should().Be((320, 240));
        config.GetProperty("description").GetBytesFromBase64()[0].Should().Be(1, "an AVCDecoderConfigurationRecord starts with version 1");
        var first = await ReceiveBinaryAsync(socket);
        (first[0] & 1).Should().Be(1, "a viewer starts at a key frame");
        var wallClock = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(first.AsSpan(1)) / 1000);
        wallClock.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(3));
        var length = BinaryPrimitives.ReadInt32BigEndian(first.AsSpan(WebSocketViewerOutput.HeaderLength));
        length.Should().BeInRange(1, first.Length - WebSocketViewerOutput.HeaderLength - 4, "the frame is AVCC: a length before each NAL unit");
        for (var i = 0; i < 30; i++)
        {
            await ReceiveBinaryAsync(socket);
        }
    }

    [Fact]
    public async Task A_message_the_server_does_not_know_gets_an_error_saying_what_it_expects_and_the_viewer_stays()
    {
        using var socket = await ConnectAsync();
        await ReceiveJsonAsync(socket);

        await SendAsync(socket, """{"type":"dance"}""");
        var unknown = await ReceiveJsonAsync(socket, skipStats: true);
        await SendAsync(socket, "not json");
        var garbage = await ReceiveJsonAsync(socket, skipStats: true);
        await SendAsync(socket, """{"type":"answer","sdp":"v=0"}""");
        var early = await ReceiveJsonAsync(socket, skipStats: true);

        unknown.GetProperty("message").GetString().Should().Contain("'dance'").And.Contain("expected start, answer or candidate");
        garbage.GetProperty("message").GetString().Should().Contain("expected a JSON object");
        early.GetProperty("message").GetString().Should().Contain("start");
        socket.State.Should().Be(WebSocketState.Open);
    }

    [Fact]
    public async Task A_client_that_takes_the_offer_and_never_answers_loses_its_peer_some_seconds_after_the_pages_deadline()
    {
        await using var server = new LiveViewServer(new LiveViewServerOptions { Port = 0, Address = "127.0.0.1", WebRtcConnectTimeout = TimeSpan.FromSeconds(1) });
        server.AddStream("demo", _demo.SkyLine);
        await server.StartAsync();
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/ws/demo"), CancellationToken.None);
        await ReceiveJsonAsync(socket);

        await SendAsync(socket, """{"type":"start","transport":"webrtc"}""");
        var offer = await ReceiveJsonAsync(socket, skipStats: true);
        var withPeer = server.FindStream("demo")!.WebRtcElementCount;
        JsonElement error;
        do
        {
            error = await ReceiveJsonAsync(socket, skipStats: true);
        }
        while (error.GetProperty("type").GetString() == "candidate");

        offer.GetProperty("type").GetString().Should().Be("offer");
        offer.GetProperty("sdp").GetString().Should().Contain("H264");
        error.GetProperty("message").GetString().Should().Contain("gave the peer up");
        server.FindStream("demo")!.WebRtcElementCount.Should().BeLessThan(withPeer, "the peer's webrtcbin was freed");
        socket.State.Should().Be(WebSocketState.Open, "the viewer may still ask for the WebSocket");
    }

    [Fact]
    public async Task A_message_larger_than_64_KiB_closes_the_viewer()
    {
        using var socket = await ConnectAsync();
        await ReceiveJsonAsync(socket);

        await socket.SendAsync(new byte[(64 << 10) + 10], WebSocketMessageType.Text, true, CancellationToken.None);

        var closed = await ReceiveUntilCloseAsync(socket);
        closed.Should().Be(WebSocketCloseStatus.MessageTooBig);
    }

    [Fact]
    public async Task Removing_a_stream_closes_its_viewers_and_detaches_their_outputs_while_the_app_goes_on_putting()
    {
        using var socket = await ConnectAsync();
        await ReceiveJsonAsync(socket);
        await SendAsync(socket, """{"type":"start","transport":"ws"}""");
        await ReceiveBinaryAsync(socket);
        _demo.SkyLine.Outputs.Should().ContainSingle();

        _server.RemoveStream("demo").Should().BeTrue();

        (await ReceiveUntilCloseAsync(socket)).Should().Be(WebSocketCloseStatus.NormalClosure);
        await WaitUntilAsync(() => _demo.SkyLine.Outputs.Count == 0);
        var before = _demo.FramesPut;
        await Task.Delay(300);
        _demo.FramesPut.Should().BeGreaterThan(before);
    }

    [Fact]
    public async Task Viewers_connecting_and_leaving_from_many_threads_while_the_server_stops_never_throw_into_the_app()
    {
        var viewers = Enumerable.Range(0, 12).Select(async i =>
        {
            try
            {
                using var socket = await ConnectAsync();
                await SendAsync(socket, """{"type":"start","transport":"ws"}""");
                await Task.Delay(50 * (i % 5));
                if (i % 2 == 0)
                {
                    socket.Abort();
                }
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or System.Net.Http.HttpRequestException)
            {
                // The server stopped under it: what a viewer sees then.
            }
        }).ToList();
        await Task.Delay(150);

        await _server.StopAsync();
        await Task.WhenAll(viewers);

        await WaitUntilAsync(() => _demo.SkyLine.Outputs.Count == 0);
        _server.ViewerCount.Should().Be(0);
        var before = _demo.FramesPut;
        await Task.Delay(300);
        _demo.FramesPut.Should().BeGreaterThan(before, "the app's loop never noticed");
    }

    private async Task<ClientWebSocket> ConnectAsync()
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{_server.Port}/ws/demo"), CancellationToken.None);
        return socket;
    }

    private static Task SendAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var buffer = new byte[1 << 20];
        var count = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(count), timeout.Token);
            count += result.Count;
            if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close)
            {
                return (result.MessageType, buffer[..count]);
            }
        }
    }

    private static async Task<JsonElement> ReceiveJsonAsync(ClientWebSocket socket, bool skipStats = false)
    {
        while (true)
        {
            var (type, data) = await ReceiveAsync(socket);
            if (type != WebSocketMessageType.Text)
            {
                continue;
            }
            var message = JsonDocument.Parse(data).RootElement.Clone();
            if (skipStats && message.GetProperty("type").GetString() == "stats")
            {
                continue;
            }
            return message;
        }
    }

    private static async Task<byte[]> ReceiveBinaryAsync(ClientWebSocket socket)
    {
        while (true)
        {
            var (type, data) = await ReceiveAsync(socket);
            if (type == WebSocketMessageType.Binary)
            {
                return data;
            }
        }
    }

    private static async Task<WebSocketCloseStatus?> ReceiveUntilCloseAsync(ClientWebSocket socket)
    {
        while (true)
        {
            var (type, _) = await ReceiveAsync(socket);
            if (type == WebSocketMessageType.Close)
            {
                return socket.CloseStatus;
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        condition().Should().BeTrue();
    }
}
