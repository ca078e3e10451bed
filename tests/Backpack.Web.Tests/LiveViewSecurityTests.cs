using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Backpack.Web.Tests;

/// <summary>Who may watch: the login form and its session cookie, the viewers' limit, the WebSocket's origin, HTTPS.</summary>
[Collection(BrowserTests.Name)]
public sealed class LiveViewSecurityTests(Chromium chromium) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly StreamFeed _demo = new("demo");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _demo.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task With_credentials_every_page_asks_for_the_login_and_a_wrong_password_is_refused()
    {
        await using var server = await StartAsync(new LiveViewServerOptions { Port = 0, Address = "127.0.0.1", Credentials = new LiveViewCredentials("viewer", "s3cret-pass") });
        var page = await chromium.NewPageAsync();

        await page.GotoAsync(new Uri(server.Url!, "/view/demo").ToString());
        page.Url.Should().EndWith("/login?return=%2Fview%2Fdemo");
        await page.FillAsync("input[name=user]", "viewer");
        await page.FillAsync("input[name=password]", "wrong");
        await page.ClickAsync("input[type=submit]");

        page.Url.Should().Contain("/login?error=1");
        (await page.Locator("#error").IsVisibleAsync()).Should().BeTrue();
        (await page.Context.CookiesAsync()).Should().NotContain(cookie => cookie.Name == LiveViewServer.SessionCookie);
        var api = await page.APIRequest.GetAsync(new Uri(server.Url!, "/api/streams").ToString());
        api.Status.Should().Be(401);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task After_the_login_the_browser_holds_a_session_cookie_and_plays_never_the_password()
    {
        await using var server = await StartAsync(new LiveViewServerOptions { Port = 0, Address = "127.0.0.1", Credentials = new LiveViewCredentials("viewer", "s3cret-pass") });
        var page = await chromium.NewPageAsync();

        await page.GotoAsync(new Uri(server.Url!, "/view/demo?transport=ws").ToString());
        await page.FillAsync("input[name=user]", "viewer");
        await page.FillAsync("input[name=password]", "s3cret-pass");
        await page.ClickAsync("input[type=submit]");

        page.Url.Should().EndWith("/view/demo?transport=ws");
        var stats = await PlayerStats.WaitForFramesAsync(page, 10, Patience);
        stats.Connected.Should().BeTrue();
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == LiveViewServer.SessionCookie);
        cookie.HttpOnly.Should().BeTrue();
        cookie.SameSite.Should().Be(SameSiteAttribute.Strict);
        cookie.Value.Should().NotContain("s3cret");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_viewer_beyond_MaxViewers_gets_a_page_that_says_there_are_too_many()
    {
        await using var server = await StartAsync(new LiveViewServerOptions { Port = 0, Address = "127.0.0.1", MaxViewers = 1 });
        var first = await chromium.NewPageAsync();
        await first.GotoAsync(new Uri(server.Url!, "/view/demo?transport=ws").ToString());
        (await PlayerStats.WaitForFramesAsync(first, 5, Patience)).Connected.Should().BeTrue();

        var second = await chromium.NewPageAsync();
        var response = await second.GotoAsync(new Uri(server.Url!, "/view/demo").ToString());

        response!.Status.Should().Be(503);
        (await second.Locator("h1").InnerTextAsync()).Should().Be("Too many viewers");
        (await second.Locator("p").First.InnerTextAsync()).Should().Contain("1 viewers");
        await first.Context.CloseAsync();
        await second.Context.CloseAsync();
    }

    [Fact]
    public async Task A_WebSocket_from_another_sites_page_is_refused_and_one_from_an_allowed_origin_is_not()
    {
        await using var server = await StartAsync(new LiveViewServerOptions { Port = 0, Address = "127.0.0.1", AllowedOrigins = ["https://dashboard.example.com"] });
        var uri = new Uri($"ws://127.0.0.1:{server.Port}/ws/demo");

        using var foreign = new ClientWebSocket();
        foreign.Options.SetRequestHeader("Origin", "https://evil.example.net");
        var refused = () => foreign.ConnectAsync(uri, CancellationToken.None);
        (await refused.Should().ThrowAsync<WebSocketException>()).Which.Message.Should().Contain("403");

        using var allowed = new ClientWebSocket();
        allowed.Options.SetRequestHeader("Origin", "https://dashboard.example.com");
        await allowed.ConnectAsync(uri, CancellationToken.None);
        allowed.State.Should().Be(WebSocketState.Open);
        await allowed.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Fact]
    public async Task With_a_certificate_the_server_speaks_HTTPS_and_the_player_plays_over_WSS()
    {
        using var certificate = SelfSigned();
        await using var server = await StartAsync(new LiveViewServerOptions { Port = 0, Address = "127.0.0.1", Certificate = certificate });
        server.Url!.Scheme.Should().Be("https");
        var page = await chromium.NewPageAsync(ignoreHttpsErrors: true);

        await page.GotoAsync(new Uri(server.Url!, "/view/demo?transport=ws").ToString());

        (await PlayerStats.WaitForFramesAsync(page, 10, Patience)).Connected.Should().BeTrue();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_busy_port_is_an_IOException_that_says_so()
    {
        using var occupier = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        var port = ((IPEndPoint)occupier.LocalEndpoint).Port;
        await using var server = new LiveViewServer(new LiveViewServerOptions { Port = port, Address = "127.0.0.1" });

        var start = () => server.StartAsync();

        (await start.Should().ThrowAsync<IOException>()).Which.Message.Should().Contain($"127.0.0.1:{port}").And.Contain("in use");
    }

    [Fact]
    public async Task Anonymous_access_beyond_loopback_is_warned_about_at_start_and_not_on_loopback()
    {
        var logs = new ListLoggerProvider();
        using (var factory = LoggerFactory.Create(builder => builder.AddProvider(logs)))
        {
            await using (var open = new LiveViewServer(new LiveViewServerOptions { Port = 0, Address = "0.0.0.0" }, factory))
            {
                await open.StartAsync();
            }
            logs.Messages.Should().ContainSingle(m => m.Level == LogLevel.Warning && m.Text.Contains("serves anyone", StringComparison.Ordinal));
            logs.Messages.Clear();
            await using (var local = new LiveViewServer(new LiveViewServerOptions { Port = 0, Address = "127.0.0.1" }, factory))
            {
                await local.StartAsync();
            }
            await using (var guarded = new LiveViewServer(new LiveViewServerOptions { Port = 0, Address = "0.0.0.0", Credentials = new LiveViewCredentials("a", "b") }, factory))
            {
                await guarded.StartAsync();
            }
        }
        logs.Messages.Should().NotContain(m => m.Text.Contains("serves anyone", StringComparison.Ordinal));
    }

    private async Task<LiveViewServer> StartAsync(LiveViewServerOptions options)
    {
        var server = new LiveViewServer(options);
        server.AddStream("demo", _demo.SkyLine);
        await server.StartAsync();
        return server;
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Kestrel wants a key it can use on Linux: round trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}
