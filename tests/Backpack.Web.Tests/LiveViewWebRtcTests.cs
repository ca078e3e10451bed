using Microsoft.Playwright;

namespace Backpack.Web.Tests;

/// <summary>WebRTC in a real browser: the player connects, decodes what was put, the SkyLine encodes once for every viewer.</summary>
[Collection(BrowserTests.Name)]
public sealed class LiveViewWebRtcTests(Chromium chromium) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly StreamFeed _demo = new("demo");
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
    public async Task The_player_connects_over_WebRTC_and_decodes_the_frames_that_were_put_at_their_size()
    {
        var page = await OpenPlayerAsync();

        var first = await PlayerStats.WaitForFramesAsync(page, 30, Patience);
        first.Transport.Should().Be("webrtc");
        first.ConnectionState.Should().Be("connected");
        (first.Width, first.Height).Should().Be((_demo.Width, _demo.Height));
        await Task.Delay(1000);
        (await PlayerStats.ReadAsync(page)).FramesDecoded.Should().BeGreaterThan(first.FramesDecoded + 15, "inbound frames decoded keep increasing");

        await page.EvaluateAsync("() => window.backpackPlayer.watchFrameCodes(true)");
        await Task.Delay(1500);
        var codes = await LiveViewPlayerTests.FrameCodesAsync(page);
        codes.Should().HaveCountGreaterThan(20);
        codes.Should().OnlyContain(c => _demo.PutAt(c.Code) > 0 && c.At - _demo.PutAt(c.Code) >= 0 && c.At - _demo.PutAt(c.Code) < 2000,
            "each frame the page shows carries the number of a frame put shortly before");
        (await page.Locator("#transport").InnerTextAsync()).Should().Be("WebRTC");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Eight_pages_at_once_leave_the_encoders_frame_rate_unchanged_and_closing_them_frees_their_WebRTC_elements()
    {
        var one = await OpenPlayerAsync();
        (await PlayerStats.WaitForFramesAsync(one, 15, Patience)).Transport.Should().Be("webrtc");
        var baseElements = _server.FindStream("demo")!.WebRtcElementCount;
        var rateWithOne = await EncodedPerSecondAsync();

        var pages = new List<IPage>();
        for (var i = 0; i < 7; i++)
        {
            pages.Add(await OpenPlayerAsync());
        }
        foreach (var page in pages)
        {
            (await PlayerStats.WaitForFramesAsync(page, 15, Patience)).Transport.Should().Be("webrtc");
        }
        var withEight = _server.FindStream("demo")!.WebRtcElementCount;
        var rateWithEight = await EncodedPerSecondAsync();

        foreach (var page in pages)
        {
            await page.Context.CloseAsync();
        }
        await WaitUntilAsync(() => _server.FindStream("demo")!.WebRtcElementCount == baseElements);

        rateWithEight.Should().BeApproximately(rateWithOne, _demo.FrameRate * 0.1, "one encode serves every viewer");
        rateWithOne.Should().BeApproximately(_demo.FrameRate, _demo.FrameRate * 0.1);
        withEight.Should().BeGreaterThan(baseElements, "each viewer has a webrtcbin of its own");
        _server.FindStream("demo")!.WebRtcElementCount.Should().Be(baseElements);
        await one.Context.CloseAsync();
    }

    [Fact]
    public async Task When_WebRTC_does_not_connect_in_time_the_player_falls_back_to_the_WebSocket_and_plays()
    {
        await using var server = new LiveViewServer(new LiveViewServerOptions { Port = 0, Address = "127.0.0.1", WebRtcConnectTimeout = TimeSpan.FromSeconds(1) });
        server.AddStream("demo", _demo.SkyLine);
        await server.StartAsync();
        var page = await chromium.NewPageAsync();
        // A browser whose WebRTC never gets anywhere (as behind a firewall that drops every UDP packet).
        await page.AddInitScriptAsync("""
            window.RTCPeerConnection = class {
              constructor() { this.connectionState = 'new'; }
              setRemoteDescription() { return new Promise(() => {}); }
              addIceCandidate() { return Promise.resolve(); }
              getStats() { return Promise.resolve(new Map()); }
              close() {}
            };
            """);

        await page.GotoAsync(new Uri(server.Url!, "/view/demo").ToString());
        var stats = await PlayerStats.WaitForFramesAsync(page, 15, Patience);

        stats.Transport.Should().Be("ws");
        stats.FallbackReason.Should().Be("WebRTC did not connect within 1 s");
        (stats.Width, stats.Height).Should().Be((_demo.Width, _demo.Height));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task With_WebRTC_switched_off_every_viewer_gets_the_WebSocket()
    {
        await using var server = new LiveViewServer(new LiveViewServerOptions { Port = 0, Address = "127.0.0.1", WebRtc = false });
        server.AddStream("demo", _demo.SkyLine);
        await server.StartAsync();
        var page = await chromium.NewPageAsync();

        await page.GotoAsync(new Uri(server.Url!, "/view/demo").ToString());
        var stats = await PlayerStats.WaitForFramesAsync(page, 15, Patience);

        stats.Transport.Should().Be("ws");
        server.FindStream("demo")!.WebRtcElementCount.Should().Be(0, "no WebRTC output was made");
        await page.Context.CloseAsync();
    }

    private async Task<IPage> OpenPlayerAsync()
    {
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(new Uri(_server.Url!, "/view/demo").ToString());
        return page;
    }

    private async Task<double> EncodedPerSecondAsync()
    {
        var before = _demo.SkyLine.Statistics.FramesEncoded;
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(3000);
        return (_demo.SkyLine.Statistics.FramesEncoded - before) / started.Elapsed.TotalSeconds;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }
}
