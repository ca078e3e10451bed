using System.Net;
using Backpack.Streaming.Rtsp;

namespace Backpack.Streaming.Tests.Rtsp;

public sealed class HostAddressTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("192.0.2.10", "192.0.2.10")]
    [InlineData("::1", "[::1]")]
    public void A_specific_bind_address_is_the_url_host(string bind, string expected)
    {
        HostAddress.ForUrl(bind).Should().Be(expected);
    }

    [Fact]
    public void Every_interface_is_replaced_by_an_address_of_this_host_that_is_not_0_0_0_0()
    {
        var host = HostAddress.ForUrl("0.0.0.0");

        IPAddress.TryParse(host, out var address).Should().BeTrue();
        address!.Equals(IPAddress.Any).Should().BeFalse();
        address.AddressFamily.Should().Be(System.Net.Sockets.AddressFamily.InterNetwork);
    }

    [Fact]
    public void An_ipv6_address_loses_its_scope_and_gets_brackets()
    {
        HostAddress.Format(IPAddress.Parse("fe80::1%2")).Should().Be("[fe80::1]");
    }
}
