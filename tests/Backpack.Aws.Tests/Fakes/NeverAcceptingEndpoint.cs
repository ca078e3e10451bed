using System.Net;
using System.Net.Sockets;

namespace Backpack.Aws.Tests.Fakes;

/// <summary>
/// A port on 127.0.0.1 where a connection is never established, as behind a firewall that drops packets: a listening
/// socket with a backlog of 0 whose only slot is taken by a connection nobody accepts. The kernel then drops further
/// SYNs, so a client's connect hangs until its own connect timeout.
/// </summary>
internal sealed class NeverAcceptingEndpoint : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Socket _filler = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public NeverAcceptingEndpoint()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(0);
        var port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _filler.Connect(IPAddress.Loopback, port);
        // The backlog is full once the listener holds the filler's connection, ready to accept.
        if (!_listener.Poll(TimeSpan.FromSeconds(10), SelectMode.SelectRead))
        {
            throw new InvalidOperationException("The filler connection never reached the listener's backlog.");
        }
        Url = new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>The endpoint's URL, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; }

    public void Dispose()
    {
        _filler.Dispose();
        _listener.Dispose();
    }
}
