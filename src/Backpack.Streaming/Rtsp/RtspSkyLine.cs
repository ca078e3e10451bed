using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Backpack.Streaming.SkyLines;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Rtsp;

/// <summary>
/// A SkyLine served by an <see cref="RtspServer"/> at a path: every RTSP client of
/// <c>rtsp://HOST:PORT/PATH</c> watches the frames put into it. Made by <see cref="RtspServer.AddStream"/>
/// (the Python original's <c>RTSPSkyLine(server, path)</c>).
/// </summary>
/// <remarks>
/// <para>
/// One encoder serves every client. While nobody watches, <see cref="SkyLine.Put(Imaging.BgrFrame)"/> takes
/// frames without converting or encoding them; when a client asks for the stream, encoding starts with a key
/// frame, and each client that joins later gets a key frame at once.
/// </para>
/// <para>
/// The stream is served while the SkyLine is streaming: clients that ask before <see cref="SkyLine.StartStreaming"/>
/// (or during its warmup) get 404 Not Found; <see cref="SkyLine.StopStreaming"/> ends the stream for its clients.
/// A client's picture starts with the next frame put after it asked; until one comes it waits (up to 20 s, then
/// 503 Service Unavailable), without holding up the clients of other streams.
/// During an automatic restart after a pipeline error, connected clients stay and receive the stream again
/// once the pipeline is back. Disposing removes the stream from the server.
/// </para>
/// <para>Thread safety as <see cref="SkyLine"/>.</para>
/// </remarks>
public sealed class RtspSkyLine : SkyLine
{
    private readonly Lock _mountGate = new();
    private readonly RtspMountOutput _output;

    internal RtspSkyLine(RtspServer server, string path, SkyLineOptions? options, ILoggerFactory loggerFactory)
        : base(options, loggerFactory)
    {
        RequireElements("An RTSP stream", "appsrc", "rtph264pay");
        Server = server;
        Path = path;
        // Nothing is encoded until a client asks for the stream: the mount's output needs frames only while watched.
        _output = new RtspMountOutput(Options.Name, loggerFactory);
        Mount = new RtspMount(
            path,
            server.Options.Transports,
            requireViewerRole: server.Options.Credentials is not null || server.Options.Certificate is not null,
            _output.SetWatched,
            Logger);
        _output.Mount = Mount;
        AttachPrimaryOutput(_output);
    }

    /// <summary>The server that serves this stream.</summary>
    public RtspServer Server { get; }

    /// <summary>The mount path, such as <c>/camera</c>.</summary>
    public string Path { get; }

    /// <summary>The URL to open in a player, such as <c>rtsp://192.168.0.100:8554/camera</c>, with a reachable address of this host.</summary>
    public Uri Url => Server.UrlOf(Path);

    /// <summary>The connected clients that asked for this stream.</summary>
    public int ClientCount => Mount.ClientCount;

    /// <summary>Whether a client watches, so that frames are being encoded.</summary>
    public bool IsWatched => Mount.IsActive;

    internal RtspMount Mount { get; }

    /// <summary>The path and state; never credentials.</summary>
    public override string ToString() => $"RtspSkyLine {Url} ({State}, {ClientCount} client(s))";

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Server.Unmount(this, endStream: true);
            Server.Forget(this);
            Mount.Dispose();
        }
    }

    /// <summary>A client started playing: give it a key frame to start decoding from.</summary>
    internal void OnClientPlays() => _output.AskForKeyFrame();

    private protected override void OnStateChanged(SkyLineStateChangedEventArgs change) => SyncMount();

    /// <summary>After the server stopped (which ended every stream for its clients): served again at the next start if still streaming.</summary>
    internal void RemountIfStreaming()
    {
        lock (_mountGate)
        {
            if (State == SkyLineState.Streaming)
            {
                Server.Mount(this);
            }
        }
    }

    /// <summary>Serves the mount exactly while streaming; a stop ends the stream for its clients.</summary>
    private void SyncMount()
    {
        lock (_mountGate)
        {
            switch (State)
            {
                case SkyLineState.Streaming:
                    Server.Mount(this);
                    break;
                case SkyLineState.Stopped:
                    Server.Unmount(this, endStream: true);
                    break;
                default:
                    // Warmup or a restart after an error: new clients wait for the stream (404), connected ones stay.
                    Server.Unmount(this, endStream: false);
                    break;
            }
        }
    }
}
