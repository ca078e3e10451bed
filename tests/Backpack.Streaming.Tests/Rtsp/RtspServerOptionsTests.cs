using Backpack.Streaming.Rtsp;

namespace Backpack.Streaming.Tests.Rtsp;

public sealed class RtspServerOptionsTests
{
    [Fact]
    public void The_defaults_are_port_8554_on_every_interface_without_authentication_over_udp_and_tcp_digest_when_credentials_come_and_32_clients()
    {
        var options = new RtspServerOptions();

        options.Port.Should().Be(8554);
        options.Address.Should().Be("0.0.0.0");
        options.Credentials.Should().BeNull();
        options.AuthenticationMethods.Should().Be(RtspAuthenticationMethods.Digest, "Basic sends the password readable: only when asked for");
        options.Transports.Should().Be(RtspTransports.Udp | RtspTransports.Tcp);
        options.MaxClients.Should().Be(32);
        options.Certificate.Should().BeNull();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void A_port_outside_0_to_65535_is_refused(int port)
    {
        var create = () => new RtspServerOptions { Port = port };

        create.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(RtspServerOptions.Port));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("300.1.1.1")]
    [InlineData("")]
    public void An_address_that_is_not_an_ip_address_is_refused(string address)
    {
        var create = () => new RtspServerOptions { Address = address };

        create.Should().Throw<ArgumentException>().WithParameterName(nameof(RtspServerOptions.Address)).WithMessage("*not an IP address*");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1025)]
    public void A_client_limit_outside_1_to_1024_is_refused_naming_the_range(int maxClients)
    {
        var create = () => new RtspServerOptions { MaxClients = maxClients };

        create.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(RtspServerOptions.MaxClients)).WithMessage("*1 to 1024*");
    }

    [Fact]
    public void Empty_or_unknown_sets_of_methods_and_transports_are_refused()
    {
        ((Action)(() => _ = new RtspServerOptions { AuthenticationMethods = 0 })).Should().Throw<ArgumentException>();
        ((Action)(() => _ = new RtspServerOptions { AuthenticationMethods = (RtspAuthenticationMethods)8 })).Should().Throw<ArgumentException>();
        ((Action)(() => _ = new RtspServerOptions { Transports = 0 })).Should().Throw<ArgumentException>();
        ((Action)(() => _ = new RtspServerOptions { Transports = (RtspTransports)64 })).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void A_server_offering_only_tcp_refuses_udp_and_serves_tcp()
    {
        using var live = new LiveStream(new RtspServerOptions { Port = 0, Address = "127.0.0.1", Transports = RtspTransports.Tcp });
        live.Add("/camera", 320, 240);
        live.Started();

        RtspClients.Ffprobe(live.Url("/camera"), "udp", 1).Frames.Should().Be(0);
        RtspClients.Ffprobe(live.Url("/camera"), "tcp").Frames.Should().BeGreaterThanOrEqualTo(60);
    }
}
