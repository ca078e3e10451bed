using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Backpack.Streaming.Rtsp;

/// <summary>Which address of this host to put in stream URLs so that other machines can reach them.</summary>
internal static class HostAddress
{
    /// <summary>
    /// The host part of a URL for a server bound to <paramref name="bindAddress"/>: that address when it is a
    /// specific one; for "every interface" (<c>0.0.0.0</c>, <c>::</c>) the first address of the same family
    /// on an interface that is up and not loopback (interfaces with a gateway first), or the loopback
    /// address when the machine has no network. IPv6 addresses come in brackets.
    /// </summary>
    internal static string ForUrl(string bindAddress)
    {
        var address = IPAddress.Parse(bindAddress);
        var chosen = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            ? Reachable(address.AddressFamily) ?? (address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback)
            : address;
        return Format(chosen);
    }

    /// <summary>An IP address as the host of a URL: IPv6 in brackets, without a scope id.</summary>
    internal static string Format(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var text = new IPAddress(address.GetAddressBytes()).ToString();
        return "[" + text + "]";
    }

    private static IPAddress? Reachable(AddressFamily family)
    {
        NetworkInterface[] interfaces;
        try
        {
            interfaces = NetworkInterface.GetAllNetworkInterfaces();
        }
        catch (NetworkInformationException)
        {
            return null;
        }
        return interfaces
            .Where(nic => nic.OperationalStatus == OperationalStatus.Up && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .Select(nic => nic.GetIPProperties())
            .OrderByDescending(properties => properties.GatewayAddresses.Count > 0)
            .SelectMany(properties => properties.UnicastAddresses.Select(unicast => unicast.Address))
            .FirstOrDefault(candidate => candidate.AddressFamily == family && !IPAddress.IsLoopback(candidate)
                && !candidate.IsIPv6LinkLocal && !IsIPv4LinkLocal(candidate));
    }

    private static bool IsIPv4LinkLocal(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }
        var bytes = address.GetAddressBytes();
        return bytes[0] == 169 && bytes[1] == 254;
    }
}
