using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Backpack.Aws.Relay;
using Backpack.Cli.Commands;
using Microsoft.Extensions.Configuration;

namespace Backpack.Cli.Tests.Commands;

/// <summary><c>backpack relay</c>: the example configuration, refusals that list every problem, and a real relay watched over RTSP.</summary>
[SupportedOSPlatform("linux")]
public sealed partial class RelayCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("backpack-relay-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_example_configuration_is_complete_commented_and_reads_once_its_files_exist()
    {
        var output = new StringWriter();

        var exit = Program.Run(["relay", "--example-config"], output, new StringWriter());

        exit.Should().Be(ExitCodes.Success);
        var example = output.ToString();
        example.Should().Contain("//").And.Contain("\"cameras\"").And.Contain("\"video\"").And.Contain("\"kinesis\"").And.Contain("\"iot\"").And.Contain("\"rtsp\"");
        var path = Path.Combine(_folder, "relay.json");
        File.WriteAllText(path, example);
        var certs = Directory.CreateDirectory(Path.Combine(_folder, "certs")).FullName;
        File.WriteAllText(Path.Combine(certs, "root-ca.pem"), "root");
        foreach (var camera in new[] { "dock-1", "dock-2" })
        {
            File.WriteAllText(Path.Combine(certs, $"{camera}-cert.pem"), "certificate");
            File.WriteAllText(Path.Combine(certs, $"{camera}-private.key"), "key");
            File.SetUnixFileMode(Path.Combine(certs, $"{camera}-private.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var options = CameraRelayConfiguration.Read(new ConfigurationBuilder().AddJsonFile(path).Build(), _folder);

        options.Cameras.Select(camera => camera.Name).Should().Equal("dock-1", "dock-2");
        options.Video.Width.Should().Be(1280);
        options.Video.Fps.Should().Be(15);
        options.Kinesis.Should().NotBeNull();
        options.Iot!.DataEndpoint.Should().NotBeNullOrEmpty();
        options.Rtsp!.Port.Should().Be(8554);
    }

    [Fact]
    public void A_configuration_with_problems_is_refused_with_every_problem_listed()
    {
        var path = Write("""
            {
              "cameras": [ { "name": "dock-1", "source": "ftp://10.0.0.5/" }, { "name": "dock-1", "source": "test:" } ],
              "kinesis": { "region": "eu-west-1" },
              "iot": { "credentialsEndpoint": "xxxx.credentials.iot.eu-west-1.amazonaws.com", "roleAlias": "BackpackRole" }
            }
            """);
        var error = new StringWriter();

        var exit = Program.Run(["relay", "--config", path], new StringWriter(), error);

        exit.Should().Be(ExitCodes.BadInput);
        var text = error.ToString();
        text.Should().Contain("problems):");
        text.Should().Contain("cameras[0].source: the scheme 'ftp:' is not a camera source");
        text.Should().Contain("iot.certificate of camera 'dock-1'").And.Contain("does not exist");
        text.Should().Contain("iot.privateKey of camera 'dock-1'");
        text.Should().Contain("cameras[1].name: 'dock-1' streams as 'dock-1', as cameras[0] ('dock-1') does");
    }

    [Theory]
    [InlineData(new string[0], "give --config FILE")]
    [InlineData(new[] { "--config", "/nonexistent/relay.json" }, "does not exist")]
    [InlineData(new[] { "--config", "relay.json", "--duration", "-1" }, "--duration -1 is out of range")]
    public void Missing_or_wrong_arguments_say_what_is_expected(string[] arguments, string message)
    {
        var error = new StringWriter();

        var exit = Program.Run(["relay", .. arguments], new StringWriter(), error);

        exit.Should().Be(ExitCodes.BadInput);
        error.ToString().Should().Contain(message);
    }

    [Fact]
    public void A_file_that_is_not_json_is_refused_saying_where()
    {
        var path = Write("{ \"cameras\": [ { \"name\": \"dock-1\", ");
        var error = new StringWriter();

        var exit = Program.Run(["relay", "--config", path], new StringWriter(), error);

        exit.Should().Be(ExitCodes.BadInput);
        error.ToString().Should().Contain(path).And.Contain("JSON");
    }

    [Fact]
    public void The_relay_serves_each_camera_at_its_own_mount_prints_status_lines_and_stops_cleanly_on_Ctrl_C()
    {
        var path = Write("""
            {
              "cameras": [
                { "name": "yard_0f8fad5b-d9cb-469f-a165-70867728950e", "source": "test:" },
                { "name": "gate", "source": "test:", "video": { "width": 320, "height": 240 } }
              ],
              "video": { "width": 640, "height": 360, "fps": 15 },
              "rtsp": { "port": 0, "bind": "127.0.0.1" },
              "statusSeconds": 1
            }
            """);
        using var relay = BackgroundBackpack.Start(MountLine(), 2, "relay", "--config", path);
        var urls = relay.WaitForUrls();
        // x264 would round its buffers up to resident 2 MiB pages (TransparentHugePages).
        var hugePages = File.ReadLines($"/proc/{relay.ProcessId}/status").Single(line => line.StartsWith("THP_enabled:", StringComparison.Ordinal));

        var yard = RtspProbe.Frames(urls[0], []);
        var gate = RtspProbe.Frames(urls[1], []);
        relay.Interrupt();
        var exit = relay.WaitForExit();

        urls.Select(url => url.AbsolutePath).Should().Equal("/yard", "/gate");
        yard.Output.Should().MatchRegex(@"^640,360,\d+", yard.Error);
        gate.Output.Should().MatchRegex(@"^320,240,\d+", gate.Error);
        exit.ExitCode.Should().Be(ExitCodes.Success, exit.Error);
        exit.Output.Should().MatchRegex(@"yard_0f8fad5b-d9cb-469f-a165-70867728950e: on, camera Streaming, \d+\.\d fps, \d+ in, \d+ out, \d+ dropped, rtsp [01] viewer\(s\)");
        exit.Output.Should().MatchRegex(@"gate: on, camera Streaming, 1\d\.\d fps");
        exit.Output.Should().EndWith("Stopped." + Environment.NewLine);
        hugePages.Should().MatchRegex(@"^THP_enabled:\s+0$", "the relay turns transparent huge pages off before its encoders allocate");
    }

    [Fact]
    public void A_busy_rtsp_port_is_exit_code_4_naming_the_setting()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        var path = Write($$"""{ "cameras": [ { "name": "yard", "source": "test:" } ], "rtsp": { "port": {{port}}, "bind": "127.0.0.1" } }""");

        var result = BackpackProcess.Run(["relay", "--config", path, "--duration", "5"]);

        result.ExitCode.Should().Be(ExitCodes.CannotListen, result.Error);
        result.Error.Should().Contain($"127.0.0.1:{port}").And.Contain("rtsp.port");
    }

    private string Write(string json)
    {
        var path = Path.Combine(_folder, $"relay-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>The start lines: <c>  yard_... -> rtsp://127.0.0.1:port/yard (on)</c>.</summary>
    [GeneratedRegex(@"^  \S+ -> (?<url>rtsp://\S+) \((on|off)\)$")]
    private static partial Regex MountLine();
}
