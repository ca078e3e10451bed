using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Backpack.Cli.Commands;

namespace Backpack.Cli.Tests.Commands;

public sealed partial class DemoCommandTests
{

    [Fact]
    public void The_demo_prints_its_url_serves_a_real_client_prints_status_lines_and_stops_after_its_duration()
    {
        using var demo = DemoProcess("--rtsp-port", "0", "--web-port", "0", "--bind", "127.0.0.1", "--duration", "9", "--width", "320", "--height", "240");
        var url = demo.WaitForUrls()[0];

        var probe = RtspProbe.Frames(url, extraArguments: []);
        var exit = demo.WaitForExit();

        url.Host.Should().Be("127.0.0.1");
        url.AbsolutePath.Should().Be("/demo");
        probe.Output.Should().MatchRegex(@"^320,240,\d+", probe.Error);
        int.Parse(probe.Output.Split(',')[2].Trim(), CultureInfo.InvariantCulture).Should().BeGreaterThanOrEqualTo(60);
        exit.ExitCode.Should().Be(0, exit.Error);
        exit.Output.Should().MatchRegex(@"\d\d:\d\d:\d\d +\d+\.\d fps +processing \d+\.\d ms \(max \d+\.\d\) +encoded \d+ +dropped \d+ +clients [01]");
        exit.Output.Should().Contain("Stopped after");
        exit.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(40));
    }

    [Fact]
    public void Ctrl_C_stops_the_demo_cleanly()
    {
        using var demo = DemoProcess("--rtsp-port", "0", "--web-port", "0", "--bind", "127.0.0.1", "--width", "320", "--height", "240");
        demo.WaitForUrls();

        demo.Interrupt();
        var exit = demo.WaitForExit();

        exit.ExitCode.Should().Be(0, exit.Error);
        exit.Output.Should().Contain("Stopped after");
    }

    [Fact]
    public void With_a_user_and_password_clients_without_them_are_refused_and_clients_with_them_are_served()
    {
        using var demo = DemoProcess("--rtsp-port", "0", "--web-port", "0", "--bind", "127.0.0.1", "--duration", "10", "--width", "320", "--height", "240", "--user", "viewer", "--password", "demo-pass");
        var url = demo.WaitForUrls()[0];
        var withCredentials = new UriBuilder(url) { UserName = "viewer", Password = "demo-pass" }.Uri;

        var refused = RtspProbe.Frames(url, extraArguments: []);
        var served = RtspProbe.Frames(withCredentials, extraArguments: []);
        var exit = demo.WaitForExit();

        refused.Error.Should().Contain("401");
        served.Output.Should().MatchRegex(@"^320,240,\d+", served.Error);
        exit.Output.Should().Contain("user viewer").And.NotContain("demo-pass");
    }

    [Fact]
    public void A_port_in_use_is_an_error_naming_it()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        var result = BackpackProcess.Run(["demo", "--rtsp-port", port, "--web-port", "0", "--bind", "127.0.0.1", "--duration", "5", "--width", "320", "--height", "240"]);

        result.ExitCode.Should().Be(ExitCodes.CannotListen);
        result.Error.Should().Contain($"127.0.0.1:{port}").And.Contain("in use").And.Contain("--rtsp-port").And.NotContain("--bind");
    }

    [Fact]
    public void An_address_that_is_not_this_hosts_is_an_error_suggesting_another_bind_address()
    {
        // 192.0.2.0/24 is reserved for documentation (RFC 5737): no host has it.
        var result = BackpackProcess.Run(["demo", "--rtsp-port", "0", "--web-port", "0", "--bind", "192.0.2.1", "--duration", "5", "--width", "320", "--height", "240"]);

        result.ExitCode.Should().Be(ExitCodes.CannotListen);
        result.Error.Should().Contain("192.0.2.1").And.Contain("not one of this host's").And.Contain("--bind").And.NotContain("--rtsp-port");
    }

    [Fact]
    public async Task The_demo_serves_its_stream_named_demo_in_the_live_view_and_prints_its_address()
    {
        using var demo = BackgroundBackpack.Start(WebLine(), 1, ["demo", "--rtsp-port", "0", "--web-port", "0", "--bind", "127.0.0.1", "--duration", "8", "--width", "320", "--height", "240"]);
        var page = demo.WaitForUrls()[0];
        using var http = new HttpClient();

        var list = await http.GetStringAsync(new Uri(page, "/api/streams"));
        var player = await http.GetAsync(page);
        using var viewer = new System.Net.WebSockets.ClientWebSocket();
        await viewer.ConnectAsync(new Uri($"ws://{page.Authority}/ws/demo"), CancellationToken.None);
        await viewer.SendAsync("{\"type\":\"start\",\"transport\":\"ws\"}"u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
        var frames = await CountBinaryMessagesAsync(viewer, TimeSpan.FromSeconds(3));
        var exit = demo.WaitForExit();

        page.AbsolutePath.Should().Be("/view/demo");
        list.Should().Contain("\"name\":\"demo\"");
        player.StatusCode.Should().Be(HttpStatusCode.OK);
        frames.Should().BeGreaterThan(30, "the live view's fallback sends the encoded frames over the WebSocket");
        exit.ExitCode.Should().Be(0, exit.Error);
    }

    [Fact]
    public void A_web_port_in_use_is_an_error_naming_it_with_the_same_exit_code_as_a_busy_RTSP_port()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        var result = BackpackProcess.Run(["demo", "--rtsp-port", "0", "--web-port", port, "--bind", "127.0.0.1", "--duration", "5", "--width", "320", "--height", "240"]);

        result.ExitCode.Should().Be(ExitCodes.CannotListen);
        result.Error.Should().Contain($"127.0.0.1:{port}").And.Contain("in use").And.Contain("--web-port").And.Contain("--no-web");
    }

    [Fact]
    public void With_no_web_the_demo_serves_RTSP_only()
    {
        var result = BackpackProcess.Run(["demo", "--rtsp-port", "0", "--no-web", "--bind", "127.0.0.1", "--duration", "1", "--width", "320", "--height", "240"]);

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Should().Contain("in VLC or ffplay").And.NotContain("Watch in a browser");
    }

    [Fact]
    public void The_defaults_are_port_8554_on_every_interface_1280x720_at_30_fps_until_stopped_without_login()
    {
        var parsed = DemoCommand.Create().Parse([]);

        parsed.Errors.Should().BeEmpty();
        parsed.GetValue<int>("--rtsp-port").Should().Be(8554);
        parsed.GetValue<int>("--web-port").Should().Be(8080);
        parsed.GetValue<bool>("--no-web").Should().BeFalse();
        parsed.GetValue<string>("--bind").Should().Be("0.0.0.0");
        parsed.GetValue<int>("--width").Should().Be(1280);
        parsed.GetValue<int>("--height").Should().Be(720);
        parsed.GetValue<double>("--fps").Should().Be(30);
        parsed.GetValue<double?>("--duration").Should().BeNull();
        parsed.GetValue<string?>("--user").Should().BeNull();
        parsed.GetValue<string?>("--password").Should().BeNull();
    }

    [Fact]
    public void The_demo_reads_the_nearest_dotenv_and_warns_on_its_console_about_a_variable_it_cannot_set()
    {
        var directory = Directory.CreateTempSubdirectory("backpack-demo-env-").FullName;
        try
        {
            var dotEnv = Path.Combine(directory, ".env");
            File.WriteAllText(dotEnv, "LD_PRELOAD=/opt/kvs/libpreloaded.so\n");

            var result = BackpackProcess.Run(
                ["demo", "--rtsp-port", "0", "--web-port", "0", "--bind", "127.0.0.1", "--duration", "1", "--width", "320", "--height", "240"],
                new Dictionary<string, string?> { ["LD_PRELOAD"] = null },
                workingDirectory: directory);

            result.ExitCode.Should().Be(0, result.Error);
            (result.Output + result.Error).Should().Contain("Backpack.Streaming.Runtime", "the runtime logs through the demo's logger factory")
                .And.Contain($"LD_PRELOAD in {dotEnv} is not set").And.NotContain("/opt/kvs/libpreloaded.so");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_missing_gstreamer_is_reported_with_the_package_to_install()
    {
        var missing = Path.Combine(Path.GetTempPath(), "backpack-no-gstreamer-" + Guid.NewGuid().ToString("N"));

        var result = BackpackProcess.Run(["demo", "--duration", "1"], new Dictionary<string, string?> { ["BACKPACK_GSTREAMER_PATH"] = missing });

        result.ExitCode.Should().Be(ExitCodes.MissingPrerequisite);
        result.Error.Should().Contain("GStreamer runtime is missing").And.Contain("libgstreamer1.0-0").And.Contain("sudo apt-get install");
    }

    [Theory]
    [InlineData("--width", "321", "frame size 321x720")]
    [InlineData("--height", "8", "frame size 1280x8")]
    [InlineData("--fps", "0", "--fps 0")]
    [InlineData("--duration", "-3", "--duration -3")]
    [InlineData("--rtsp-port", "70000", "--rtsp-port 70000")]
    [InlineData("--web-port", "70000", "--web-port 70000")]
    [InlineData("--web-port", "8554", "--web-port and --rtsp-port are both 8554")]
    [InlineData("--bind", "example.com", "--bind 'example.com'")]
    [InlineData("--user", "viewer", "--user and --password go together")]
    [InlineData("--password", "secret", "--user and --password go together")]
    [InlineData("--user", "a:b", "--user: The user name must not be empty and must hold no ':'")]
    public void Bad_arguments_are_errors_saying_what_is_expected(string option, string value, string message)
    {
        var error = new StringWriter();

        string[] credentials = option == "--user" && value.Contains(':', StringComparison.Ordinal) ? ["--password", "secret"] : [];
        var exit = Program.Run(["demo", option, value, .. credentials], new StringWriter(), error);

        exit.Should().Be(ExitCodes.BadInput);
        error.ToString().Should().Contain(message).And.MatchRegex("expected|give both|must", "the message says what is expected");
    }

    /// <summary>The demo in the background; its "Open rtsp://... in VLC or ffplay" line gives the URL.</summary>
    private static BackgroundBackpack DemoProcess(params string[] arguments) =>
        BackgroundBackpack.Start(UrlLine(), 1, ["demo", .. arguments]);

    [GeneratedRegex(@"^Open (?<url>rtsp://\S+) in VLC or ffplay")]
    private static partial Regex UrlLine();

    [GeneratedRegex(@"^Watch in a browser: (?<url>http://\S+?)\.?$")]
    private static partial Regex WebLine();

    private static async Task<int> CountBinaryMessagesAsync(System.Net.WebSockets.ClientWebSocket socket, TimeSpan duration)
    {
        var buffer = new byte[1 << 20];
        var count = 0;
        using var timeout = new CancellationTokenSource(duration);
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == System.Net.WebSockets.WebSocketMessageType.Binary && result.EndOfMessage)
                {
                    count++;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return count;
        }
    }


}
