using Backpack.Cli.Bench;
using Microsoft.Playwright;

namespace Backpack.Web.Tests;

/// <summary>The pages in a real browser: the list, the player over the WebSocket fallback, the figures.</summary>
[Collection(BrowserTests.Name)]
public sealed class LiveViewPlayerTests(Chromium chromium) : IAsyncLifetime
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
    public async Task The_list_page_shows_every_stream_with_its_state_and_a_link_to_its_player()
    {
        using var second = new StreamFeed("second", 320, 240, 15);
        _server.AddStream("second", second.SkyLine);
        var page = await chromium.NewPageAsync();

        await page.GotoAsync(_server.Url!.ToString());

        var rows = page.Locator("#streams tbody tr[data-stream]");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        (await rows.Nth(0).GetAttributeAsync("data-stream")).Should().Be("demo");
        (await rows.Nth(1).GetAttributeAsync("data-stream")).Should().Be("second");
        (await rows.Nth(1).InnerTextAsync()).Should().Contain("320×240").And.Contain("15 fps");
        (await rows.Nth(0).Locator("a").GetAttributeAsync("href")).Should().Be("/view/demo");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_fallback_plays_the_stream_decoded_with_WebCodecs_at_its_size_and_shows_the_frames_that_were_put()
    {
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(new Uri(_server.Url!, "/view/demo?transport=ws").ToString());

        var first = await PlayerStats.WaitForFramesAsync(page, 30, Patience);
        first.Transport.Should().Be("ws");
        first.Connected.Should().BeTrue();
        (first.Width, first.Height).Should().Be((_demo.Width, _demo.Height));
        await Task.Delay(1000);
        var later = await PlayerStats.ReadAsync(page);
        later.FramesDecoded.Should().BeGreaterThan(first.FramesDecoded + 15, "frames keep coming at 30 fps");

        await page.EvaluateAsync("() => window.backpackPlayer.watchFrameCodes(true)");
        await Task.Delay(1500);
        var codes = await FrameCodesAsync(page);
        codes.Should().HaveCountGreaterThan(20);
        foreach (var (code, at) in codes)
        {
            var putAt = _demo.PutAt(code);
            putAt.Should().BeGreaterThan(0, $"code {code} read from the canvas is a frame number that was put");
            (at - putAt).Should().BeInRange(0, 2000, "the page shows the frame shortly after it was put");
        }
        codes.Select(c => c.Code).Should().BeInAscendingOrder();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Where_WebCodecs_is_missing_the_fallback_plays_fragmented_MP4_through_Media_Source_Extensions()
    {
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(new Uri(_server.Url!, "/view/demo?transport=ws&decoder=mse").ToString());

        var first = await PlayerStats.WaitForFramesAsync(page, 30, Patience);
        first.Transport.Should().Be("ws");
        (await page.EvaluateAsync<string>("() => window.backpackPlayer.stats().decoder")).Should().Be("mse");
        (first.Width, first.Height).Should().Be((_demo.Width, _demo.Height));
        await page.EvaluateAsync("() => window.backpackPlayer.watchFrameCodes(true)");
        await Task.Delay(1500);
        var codes = await FrameCodesAsync(page);
        codes.Should().HaveCountGreaterThan(20);
        codes.Should().OnlyContain(c => _demo.PutAt(c.Code) > 0 && c.At - _demo.PutAt(c.Code) < 2000, "the frames shown are those put, shortly after");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_figures_beside_the_video_show_the_apps_frame_rate_and_the_viewer()
    {
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(new Uri(_server.Url!, "/view/demo?transport=ws").ToString());
        await PlayerStats.WaitForFramesAsync(page, 30, Patience);
        await Task.Delay(2500);

        var fpsOut = ParseLeadingNumber(await page.Locator("#fps-out").InnerTextAsync());
        var fpsIn = ParseLeadingNumber(await page.Locator("#fps-in").InnerTextAsync());

        fpsIn.Should().BeApproximately(_demo.FrameRate, _demo.FrameRate * 0.1, "the app puts 30 frames a second");
        fpsOut.Should().BeApproximately(_demo.FrameRate, _demo.FrameRate * 0.1);
        (await page.Locator("#viewers").InnerTextAsync()).Should().StartWith("1 (0 WebRTC, 1 WS)");
        (await page.Locator("#state").InnerTextAsync()).Should().Be("Streaming");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Every_output_of_the_SkyLine_is_shown_with_the_figures_of_its_own_kind()
    {
        using var kinesisLike = new FiguresOutput();
        _demo.SkyLine.Attach(kinesisLike);
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(new Uri(_server.Url!, "/view/demo?transport=ws").ToString());
        await PlayerStats.WaitForFramesAsync(page, 15, Patience);

        var outputs = page.Locator("#outputs tbody");
        await Assertions.Expect(outputs).ToContainTextAsync("uploader (kinesis)", new() { Timeout = 5000 });
        await Assertions.Expect(outputs).ToContainTextAsync("fragments persisted 36 · buffered bytes 4096");
        _demo.SkyLine.Detach(kinesisLike);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_stream_that_does_not_exist_gets_a_page_that_says_so()
    {
        var page = await chromium.NewPageAsync();

        var response = await page.GotoAsync(new Uri(_server.Url!, "/view/nowhere").ToString());

        response!.Status.Should().Be(404);
        (await page.Locator("h1").InnerTextAsync()).Should().Be("No such stream");
        await page.Context.CloseAsync();
    }

    /// <summary>An output of another package's kind (as Backpack.Aws's Kinesis output): its own figures travel in the statistics' extras.</summary>
    private sealed class FiguresOutput() : Backpack.Streaming.Outputs.SkyLineOutput("uploader")
    {
        protected override string Kind => "kinesis";

        protected override void OnFrame(Backpack.Streaming.Outputs.EncodedFrame frame)
        {
        }

        protected override void AddExtras(List<KeyValuePair<string, double>> extras)
        {
            extras.Add(new("fragments_persisted", 36));
            extras.Add(new("buffered_bytes", 4096));
        }
    }

    internal static async Task<List<(int Code, double At)>> FrameCodesAsync(IPage page)
    {
        var json = await page.EvaluateAsync<System.Text.Json.JsonElement>("() => window.backpackPlayer.takeFrameCodes()");
        return [.. json.EnumerateArray().Select(item => (item.GetProperty("code").GetInt32(), item.GetProperty("at").GetDouble()))];
    }

    private static double ParseLeadingNumber(string text) =>
        double.Parse(text.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
}
