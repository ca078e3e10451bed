using System.Net;
using System.Net.Sockets;
using Backpack.Streaming.Rtsp;
using Backpack.Streaming.SkyLines;
using Backpack.Threading;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backpack.Web;

/// <summary>
/// The live view: an app's SkyLines in any browser, served by Kestrel inside the app. <c>/</c> lists the streams;
/// <c>/view/NAME</c> plays one, over WebRTC first (the SkyLine's encoded H.264, payloaded per viewer, never encoded
/// again) and over the page's WebSocket when WebRTC does not connect, with the loop's figures beside the video,
/// updated every second. Every page, script and style is embedded in the assembly: no CDN.
/// </summary>
/// <remarks>
/// <para>
/// Streams can be added and removed at any time, before or after <see cref="StartAsync"/>; a SkyLine stays the app's
/// (the server never starts, stops or disposes it). Viewers are outputs of the SkyLine's output seam: a SkyLine
/// encodes once for RTSP, Kinesis, recordings and every browser, and encodes nothing while nobody watches.
/// </para>
/// <para>
/// Security: with <see cref="LiveViewServerOptions.Credentials"/>, every page, stream and figure needs the session
/// cookie of one login form (the password is never in a URL); with a certificate it serves HTTPS only; a page's
/// WebSocket is refused unless it comes from the server's own origin (or an allowed one); the server warns at start
/// when it serves anyone on an address other than loopback. Thread safe.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// await using var web = new LiveViewServer(new LiveViewServerOptions { Port = 8080 }, loggerFactory);
/// web.AddStream("entrance", skyLine);
/// await web.StartAsync();
/// Console.WriteLine($"Open {web.Url}view/entrance");
/// </code>
/// </example>
public sealed partial class LiveViewServer : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan FiguresInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, LiveViewStream> _streams = new(StringComparer.Ordinal);
    private readonly ILoggerFactory? _loggerFactory;
    private readonly ILogger _logger;
    private readonly LoginSessions _sessions;
    private readonly TachometerReadings _tachometers = new();
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private Task? _figures;
    private int _viewers;
    private int _port;
    private bool _started;
    private bool _disposed;

    /// <summary>Prepares a server; nothing listens until <see cref="StartAsync"/>.</summary>
    /// <param name="options">How to listen and whom to serve; null for the defaults (port 8080 on every interface, anyone).</param>
    /// <param name="loggerFactory">Where logs go; null for none.</param>
    public LiveViewServer(LiveViewServerOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        Options = options ?? new LiveViewServerOptions();
        _loggerFactory = loggerFactory;
        _logger = ContainedLoggerFactory.Wrap(loggerFactory).CreateLogger(typeof(LiveViewServer).FullName!);
        _sessions = new LoginSessions(Options.SessionLifetime, TimeProvider.System);
    }

    /// <summary>How the server listens and whom it serves.</summary>
    public LiveViewServerOptions Options { get; }

    /// <summary>The port the server listens on (the one chosen when <see cref="LiveViewServerOptions.Port"/> is 0); 0 before the start.</summary>
    public int Port => Volatile.Read(ref _port);

    /// <summary>
    /// The address to open, such as <c>http://192.0.2.10:8080/</c>: the bind address, or for every interface this
    /// machine's name as the network knows it (loopback when it has none); null before the start.
    /// </summary>
    public Uri? Url { get; private set; }

    /// <summary>The names of the streams shown now, in name order.</summary>
    public IReadOnlyList<string> Streams
    {
        get
        {
            lock (_gate)
            {
                return [.. _streams.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Viewers connected now, over every stream.</summary>
    public int ViewerCount => Volatile.Read(ref _viewers);

    /// <summary>
    /// Shows a SkyLine under a name, at <c>/view/NAME</c>; the SkyLine stays the caller's to start, stop and dispose.
    /// </summary>
    /// <param name="name">1 to 64 letters, digits, <c>-</c>, <c>_</c> or <c>.</c>, unique in the server.</param>
    /// <param name="skyLine">The SkyLine.</param>
    /// <exception cref="ArgumentException">The name is not of that form, or already shown.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public void AddStream(string name, SkyLine skyLine)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(skyLine);
        if (!IsStreamName(name))
        {
            throw new ArgumentException($"'{Messages.Shorten(name)}' is not a stream name; expected 1 to 64 letters, digits, '-', '_' or '.', such as 'entrance'.", nameof(name));
        }
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_streams.ContainsKey(name))
            {
                throw new ArgumentException($"A stream named '{name}' is shown already; remove it first or choose another name.", nameof(name));
            }
            _streams[name] = new LiveViewStream(name, skyLine);
        }
    }

    /// <summary>Stops showing a stream: its viewers are closed and what the server attached to the SkyLine is detached.</summary>
    /// <param name="name">The stream's name.</param>
    /// <returns>False when no stream has that name.</returns>
    public bool RemoveStream(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        LiveViewStream? stream;
        lock (_gate)
        {
            if (!_streams.Remove(name, out stream))
            {
                return false;
            }
        }
        stream.Dispose();
        return true;
    }

    /// <summary>Starts listening. Call once.</summary>
    /// <param name="cancellationToken">Stops waiting for the listener.</param>
    /// <exception cref="IOException">The port is in use or the address is not this machine's (the message says which and what to do); its inner exception is the socket's.</exception>
    /// <exception cref="InvalidOperationException">The server was started already.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                throw new InvalidOperationException("The live view server was started already.");
            }
            _started = true;
        }
        var app = Build();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException exception)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw ListenFailure(exception);
        }
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Volatile.Write(ref _port, new Uri(address).Port);
        Url = PublicUrl();
        if (Options.Credentials is null && !IPAddress.IsLoopback(IPAddress.Parse(Options.Address)))
        {
            LogAnonymous(_logger, Url);
        }
        LogStarted(_logger, Url, Options);
        _figures = BackgroundWork.RunAsync("live view figures", _logger, PublishFiguresAsync);
    }

    /// <summary>Closes every viewer and stops listening (waits up to 5 s for open requests). Idempotent.</summary>
    /// <param name="cancellationToken">Stops waiting for open requests.</param>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        LiveViewStream[] streams;
        lock (_gate)
        {
            streams = [.. _streams.Values];
        }
        foreach (var stream in streams)
        {
            foreach (var viewer in stream.Viewers())
            {
                viewer.Close("the server stops");
            }
        }
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StopTimeout);
            try
            {
                await app.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Open requests were cut short.
            }
            await app.DisposeAsync().ConfigureAwait(false);
        }
        if (_figures is { } figures)
        {
            await figures.ConfigureAwait(false);
        }
    }

    /// <summary>Stops the server and detaches what it attached to the SkyLines. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        await StopAsync().ConfigureAwait(false);
        LiveViewStream[] streams;
        lock (_gate)
        {
            streams = [.. _streams.Values];
            _streams.Clear();
        }
        foreach (var stream in streams)
        {
            stream.Dispose();
        }
        _tachometers.Dispose();
        _stopping.Dispose();
    }

    /// <summary>As <see cref="DisposeAsync"/>, blocking.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The address and options, without secrets.</summary>
    public override string ToString() => $"live view {(Url?.ToString() ?? "(not started)")}: {Options}";

    internal static bool IsStreamName(string name) =>
        name.Length is >= 1 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && name is not "." and not "..";

    internal LiveViewStream? FindStream(string name)
    {
        lock (_gate)
        {
            return _streams.GetValueOrDefault(name);
        }
    }

    private WebApplication Build()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddLogging();
        builder.Services.Replace(ServiceDescriptor.Singleton(_loggerFactory ?? NullLoggerFactory.Instance));
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 16 << 10;
            kestrel.Listen(IPAddress.Parse(Options.Address), Options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                if (Options.Certificate is { } certificate)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });
        app.Run(HandleAsync);
        return app;
    }

    private IOException ListenFailure(IOException exception)
    {
        var socket = FindSocketError(exception);
        var where = $"{Options.Address}:{Options.Port}";
        var message = socket == SocketError.AddressAlreadyInUse
            ? $"The live view cannot listen on {where}: the port is in use by another program; choose another port (0: any free one)."
            : $"The live view cannot listen on {where}: {exception.Message} Use an address of this machine (0.0.0.0: every interface, 127.0.0.1: this machine only).";
        return new IOException(message, exception);
    }

    private static SocketError? FindSocketError(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is SocketException socket)
            {
                return socket.SocketErrorCode;
            }
            if (exception.GetType().Name == "AddressInUseException")
            {
                return SocketError.AddressAlreadyInUse;
            }
        }
        return null;
    }

    private Uri PublicUrl()
    {
        var scheme = Options.Certificate is null ? "http" : "https";
        return new Uri($"{scheme}://{HostAddress.ForUrl(Options.Address)}:{Port}/");
    }

    private async Task PublishFiguresAsync()
    {
        using var timer = new PeriodicTimer(FiguresInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                var readings = _tachometers.Read();
                LiveViewStream[] streams;
                lock (_gate)
                {
                    streams = [.. _streams.Values];
                }
                foreach (var stream in streams)
                {
                    stream.PublishFigures(readings);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>A viewer takes one of the server's places; false when every place is taken.</summary>
    private bool TryTakeViewerPlace()
    {
        while (true)
        {
            var viewers = Volatile.Read(ref _viewers);
            if (viewers >= Options.MaxViewers)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _viewers, viewers + 1, viewers) == viewers)
            {
                return true;
            }
        }
    }

    private void ReleaseViewerPlace() => Interlocked.Decrement(ref _viewers);
}
