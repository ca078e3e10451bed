using System.Net;
using System.Net.Sockets;
using Backpack.Streaming.Rtsp;

namespace Backpack.Streaming.Tests.Rtsp;

/// <summary>Starting, stopping, adding and removing streams, and the errors of each.</summary>
public sealed class RtspServerLifecycleTests
{
    [Fact]
    public void A_port_in_use_is_a_socket_exception_saying_so()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;
        using var server = new RtspServer(new RtspServerOptions { Port = port, Address = "127.0.0.1" });

        var start = () => server.Start();

        start.Should().Throw<SocketException>()
            .Where(exception => exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
            .WithMessage($"*127.0.0.1:{port}*in use by another program*");
        server.IsRunning.Should().BeFalse();
    }

    [Fact]
    public void Starting_twice_is_an_invalid_operation()
    {
        using var server = new RtspServer(new RtspServerOptions { Port = 0, Address = "127.0.0.1" });
        server.Start();

        var again = () => server.Start();

        again.Should().Throw<InvalidOperationException>().WithMessage("*already running*Stop*");
        server.IsRunning.Should().BeTrue();
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/a b")]
    [InlineData("/camera/")]
    [InlineData("//camera")]
    [InlineData("/../etc")]
    [InlineData("/cam?x=1")]
    [InlineData("/caméra")]
    public void An_invalid_mount_path_is_an_argument_exception_naming_what_is_expected(string path)
    {
        using var server = new RtspServer(new RtspServerOptions { Port = 0, Address = "127.0.0.1" });

        var add = () => server.AddStream(path);

        add.Should().Throw<ArgumentException>().WithParameterName(nameof(path)).WithMessage("*not a valid mount path*such as /camera*");
        server.Streams.Should().BeEmpty();
    }

    [Theory]
    [InlineData("camera", "/camera")]
    [InlineData("/camera", "/camera")]
    [InlineData("site/entrance-2", "/site/entrance-2")]
    [InlineData("/my_awesome_stream", "/my_awesome_stream")]
    public void A_path_without_its_leading_slash_gets_one(string path, string expected)
    {
        RtspServer.NormalizePath(path).Should().Be(expected);
    }

    [Fact]
    public void A_duplicate_mount_is_an_argument_exception_and_the_first_stream_stays()
    {
        using var server = new RtspServer(new RtspServerOptions { Port = 0, Address = "127.0.0.1" });
        var first = server.AddStream("/camera");

        var duplicate = () => server.AddStream("camera");

        duplicate.Should().Throw<ArgumentException>().WithParameterName("path").WithMessage("*already mounted at /camera*");
        server.Streams.Should().ContainSingle().Which.Should().BeSameAs(first);
    }

    [Fact]
    public void Port_0_binds_a_free_port_and_urls_name_it_with_a_reachable_address()
    {
        using var server = new RtspServer(new RtspServerOptions { Port = 0 });
        var stream = server.AddStream("/camera");
        server.Start();

        server.Port.Should().BeInRange(1, 65535);
        var url = server.Urls.Should().ContainSingle().Subject;
        url.Should().Be(stream.Url);
        url.Scheme.Should().Be("rtsp");
        url.Port.Should().Be(server.Port);
        url.AbsolutePath.Should().Be("/camera");
        IPAddress.TryParse(url.Host.Trim('[', ']'), out var host).Should().BeTrue();
        host!.Equals(IPAddress.Any).Should().BeFalse("a client cannot connect to 0.0.0.0");
        using var probe = new TcpClient();
        probe.Connect(host, server.Port);
        probe.Connected.Should().BeTrue("the URL's address reaches the server");
    }

    [Fact]
    public void A_stream_added_after_start_is_served()
    {
        using var live = new LiveStream().Started();
        live.Add("/late", 320, 240);

        var decoded = RtspClients.Ffprobe(live.Url("/late"), "tcp");

        decoded.Frames.Should().BeGreaterThanOrEqualTo(60, decoded.Process.ToString());
    }

    [Fact]
    public void A_removed_stream_disconnects_its_clients_and_is_no_longer_found()
    {
        using var live = new LiveStream();
        var skyLine = live.Add("/camera", 320, 240);
        live.Started();
        using var watching = RtspClients.StartFfprobe(live.Url("/camera"), "tcp", 30);
        SpinWait.SpinUntil(() => skyLine.ClientCount == 1 && skyLine.Statistics.FramesEncoded > 10, TimeSpan.FromSeconds(20)).Should().BeTrue();

        live.Server.RemoveStream("camera").Should().BeTrue();

        var ended = watching.WaitForExit(TimeSpan.FromSeconds(15));
        ended.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "the client is disconnected, not left to time out");
        live.Server.Streams.Should().BeEmpty();
        live.Server.RemoveStream("/camera").Should().BeFalse();
        var again = RtspClients.Ffprobe(live.Url("/camera"), "tcp", 1);
        again.Frames.Should().Be(0);
        again.Process.Error.Should().Contain("404");
    }

    [Fact]
    public void A_stream_that_is_not_streaming_is_not_found_and_is_served_once_it_streams()
    {
        using var live = new LiveStream().Started();
        var idle = live.Server.AddStream("/idle");

        var before = RtspClients.Ffprobe(live.Url("/idle"), "tcp", 1);
        before.Process.Error.Should().Contain("404");

        idle.Dispose();
        live.Add("/idle", 320, 240);
        RtspClients.Ffprobe(live.Url("/idle"), "tcp").Frames.Should().BeGreaterThanOrEqualTo(60);
    }

    [Fact]
    public void Stop_disconnects_clients_and_ends_the_server_thread_and_start_serves_again()
    {
        using var live = new LiveStream();
        var skyLine = live.Add("/camera", 320, 240);
        live.Started();
        using var watching = RtspClients.StartFfprobe(live.Url("/camera"), "tcp", 30);
        SpinWait.SpinUntil(() => live.Server.ClientCount == 1 && skyLine.IsWatched, TimeSpan.FromSeconds(20)).Should().BeTrue();

        live.Server.Stop();

        live.Server.IsRunning.Should().BeFalse();
        live.Logs.Entries.Should().NotContain(entry => entry.Level >= Microsoft.Extensions.Logging.LogLevel.Warning, "disconnecting the clients went through without waiting out a timeout");
        watching.WaitForExit(TimeSpan.FromSeconds(15)).Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15));
        SpinWait.SpinUntil(() => !skyLine.IsWatched && live.Server.ClientCount == 0, TimeSpan.FromSeconds(10)).Should().BeTrue("the media is released");
        live.Server.LastLoopThread!.IsAlive.Should().BeFalse("the server's loop thread ends with it");

        live.Server.Start();
        RtspClients.Ffprobe(live.Url("/camera"), "udp").Frames.Should().BeGreaterThanOrEqualTo(60);
    }

    [Fact]
    public void Stopping_the_skyline_ends_the_stream_for_its_clients()
    {
        using var live = new LiveStream();
        var skyLine = live.Add("/camera", 320, 240);
        live.Started();
        using var watching = RtspClients.StartFfprobe(live.Url("/camera"), "tcp", 30);
        SpinWait.SpinUntil(() => skyLine.Statistics.FramesEncoded > 10, TimeSpan.FromSeconds(20)).Should().BeTrue();

        skyLine.StopStreaming();

        watching.WaitForExit(TimeSpan.FromSeconds(15)).Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15));
        RtspClients.Ffprobe(live.Url("/camera"), "tcp", 1).Process.Error.Should().Contain("404");
    }

    [Fact]
    public void Client_objects_are_released_after_they_disconnect_whether_they_tear_down_or_vanish()
    {
        using var live = new LiveStream();
        live.Add("/camera", 320, 240);
        live.Started();
        live.Server.LiveRegistrations.Should().Be(1, "only the server's own client-connected handler");

        for (var i = 0; i < 6; i++)
        {
            RtspClients.Ffprobe(live.Url("/camera"), i % 2 == 0 ? "tcp" : "udp", 0.5);
        }
        using (var vanishing = RtspClients.StartFfprobe(live.Url("/camera"), "udp", 30))
        {
            SpinWait.SpinUntil(() => live.Server.ClientCount == 1, TimeSpan.FromSeconds(20)).Should().BeTrue();
        }

        SpinWait.SpinUntil(() => live.Server.LiveRegistrations == 1 && live.Server.ClientCount == 0, TimeSpan.FromSeconds(20))
            .Should().BeTrue($"every client was finalized; {live.Server.LiveRegistrations} registrations and {live.Server.ClientCount} clients remain");
    }

    [Fact]
    public void Operations_on_a_disposed_server_throw_and_dispose_is_idempotent()
    {
        var server = new RtspServer(new RtspServerOptions { Port = 0, Address = "127.0.0.1" });
        var stream = server.AddStream("/camera");
        server.Dispose();
        server.Dispose();

        ((Action)server.Start).Should().Throw<ObjectDisposedException>();
        ((Action)(() => server.AddStream("/other"))).Should().Throw<ObjectDisposedException>();
        stream.Put(TestFrames.Numbered(320, 240, 0)).Should().BeFalse("the server disposed its streams");
    }
}
