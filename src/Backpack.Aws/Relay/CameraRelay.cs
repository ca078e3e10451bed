using Backpack.Aws.Iot;
using Backpack.Streaming.Rtsp;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Relay;

/// <summary>
/// Relays cameras to Kinesis Video Streams and/or RTSP, one stream per camera named after it, each camera switched on
/// and off by its configuration and, with <see cref="RelayIotOptions.DataEndpoint"/> set, by its device shadow's
/// <c>desired.streaming</c>: what <c>backpack relay --config FILE</c> runs.
/// </summary>
/// <remarks>
/// <para>
/// Each camera has its own source, SkyLine (one encode for all its outputs), Kinesis output with its own IoT
/// credentials, and RTSP mount on one shared server; a camera that fails is reconnected by itself and never stops
/// the others. <see cref="DisposeAsync"/> stops every camera cleanly: each Kinesis session ends with its last fragment.
/// </para>
/// <para>Thread safe. <see cref="StartAsync"/> once; <see cref="Status"/> from one thread at a time (it measures frame rates between calls).</para>
/// </remarks>
/// <example>
/// <code>
/// var options = CameraRelayConfiguration.Read(configuration, "/etc/backpack");
/// await using var relay = new CameraRelay(options, "/etc/backpack", loggerFactory);
/// await relay.StartAsync();
/// foreach (var camera in relay.Status()) Console.WriteLine($"{camera.Name}: {camera.FramesPerSecond:0.0} fps");
/// </code>
/// </example>
public sealed partial class CameraRelay : IAsyncDisposable
{
    private readonly RelayPlan _plan;
    private readonly ILogger _logger;
    private readonly RtspServer? _server;
    private readonly RelayCamera[] _cameras;
    private readonly Dictionary<string, RelayCamera> _byStream;
    private readonly List<DeviceShadowClient> _shadows = [];
    private readonly Dictionary<RelayCamera, StreamingReport> _reported = [];
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _clock;
    private int _started;
    private int _disposed;

    /// <summary>Checks the configuration and creates every camera's pipeline pieces; nothing streams until <see cref="StartAsync"/>.</summary>
    /// <param name="options">The configuration (see <see cref="CameraRelayConfiguration.Read"/>).</param>
    /// <param name="baseDirectory">Where relative paths start: the configuration file's folder.</param>
    /// <param name="loggerFactory">Where cameras, outputs and shadows log. Default: nowhere.</param>
    /// <param name="timeProvider">The clock. Default <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="CameraRelayConfigurationException">The configuration cannot be used; every problem is listed.</exception>
    /// <exception cref="ArgumentException">A certificate or key cannot be read, or they do not match.</exception>
    public CameraRelay(CameraRelayOptions options, string baseDirectory, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _plan = RelayPlan.Resolve(options, baseDirectory);
        _loggerFactory = ContainedLoggerFactory.Wrap(loggerFactory);
        _logger = _loggerFactory.CreateLogger<CameraRelay>();
        _clock = timeProvider ?? TimeProvider.System;
        var cameras = new List<RelayCamera>();
        try
        {
            if (options.Rtsp is { } rtsp)
            {
                _server = new RtspServer(
                    new RtspServerOptions
                    {
                        Port = rtsp.Port,
                        Address = rtsp.Bind,
                        Credentials = rtsp.User is { Length: > 0 } user ? new RtspCredentials(user, rtsp.Password!) : null,
                    },
                    _loggerFactory);
            }
            foreach (var camera in _plan.Cameras)
            {
                cameras.Add(new RelayCamera(camera, _plan, _server, _loggerFactory, _clock));
            }
            _cameras = [.. cameras];
            _byStream = _cameras.ToDictionary(camera => camera.Plan.StreamName, StringComparer.Ordinal);
            CreateShadows();
        }
        catch
        {
            foreach (var shadow in _shadows)
            {
                shadow.Dispose();
            }
            foreach (var camera in cameras)
            {
                camera.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            _server?.Dispose();
            throw;
        }
    }

    /// <summary>The RTSP URL of each camera, by stream name; empty without an <c>rtsp</c> section.</summary>
    public IReadOnlyDictionary<string, Uri> RtspUrls =>
        _cameras.Where(camera => camera.RtspUrl is not null).ToDictionary(camera => camera.Plan.StreamName, camera => camera.RtspUrl!, StringComparer.Ordinal);

    /// <summary>The RTSP port listened on (the one given, or the free one picked for port 0); null without RTSP or before the start.</summary>
    public int? RtspPort => _server is { IsRunning: true } server ? server.Port : null;

    /// <summary>Whether cameras are switched through device shadows (the <c>iot</c> section has a <c>dataEndpoint</c>).</summary>
    public bool HasRemoteControl => _shadows.Count > 0;

    /// <summary>
    /// Starts the RTSP server, the cameras enabled in the configuration, and the shadow clients (whose
    /// <c>desired.streaming</c>, once read, overrides the configuration). Returns once all of it has started; cameras
    /// connect in the background.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The RTSP port cannot be bound (busy, or not allowed).</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The relay has already started.");
        }
        _server?.Start();
        foreach (var camera in _cameras.Where(camera => camera.Plan.Enabled))
        {
            await camera.SetStreamingAsync(true, "enabled in the configuration", cancellationToken).ConfigureAwait(false);
        }
        foreach (var shadow in _shadows)
        {
            foreach (var camera in CamerasOf(shadow))
            {
                await shadow.ReportAsync(Remember(camera), ShadowNameOf(shadow, camera), cancellationToken).ConfigureAwait(false);
            }
            shadow.Start();
        }
        LogStarted(_logger, _cameras.Length, _shadows.Count > 0 ? "on" : "off");
    }

    /// <summary>
    /// What every camera is doing, in the configuration's order. Frame rates are over the time since the previous call.
    /// With remote control, a camera whose state or last error changed since its last report is reported to its shadow.
    /// </summary>
    public IReadOnlyList<RelayCameraStatus> Status()
    {
        var status = _cameras.Select(camera => camera.Status()).ToArray();
        foreach (var shadow in _shadows)
        {
            foreach (var camera in CamerasOf(shadow))
            {
                var report = camera.Report();
                bool changed;
                lock (_reported)
                {
                    changed = !_reported.TryGetValue(camera, out var last) || last.Streaming != report.Streaming || last.LastError != report.LastError;
                }
                if (changed)
                {
                    // Fire and forget: a report that cannot go out now goes at the next connection.
                    _ = shadow.ReportAsync(Remember(camera), ShadowNameOf(shadow, camera));
                }
            }
        }
        return status;
    }

    /// <summary>Switches one camera on or off from code, as its shadow would; returns once done.</summary>
    /// <param name="streamName">The camera's stream name.</param>
    /// <param name="streaming">On (true) or off.</param>
    /// <param name="cancellationToken">Cancels the wait for an earlier switch of the same camera.</param>
    /// <exception cref="ArgumentException">No camera streams as <paramref name="streamName"/>.</exception>
    public Task SetStreamingAsync(string streamName, bool streaming, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamName);
        return _byStream.TryGetValue(streamName, out var camera)
            ? camera.SetStreamingAsync(streaming, "asked by the application", cancellationToken)
            : throw new ArgumentException($"No camera streams as '{streamName}' (the cameras: {string.Join(", ", _byStream.Keys)}).", nameof(streamName));
    }

    /// <summary>
    /// Stops the shadow clients, then every camera at once (each Kinesis session ends with its last fragment, within
    /// the SkyLine's stop timeout), then the RTSP server. Idempotent.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        foreach (var shadow in _shadows)
        {
            await shadow.DisposeAsync().ConfigureAwait(false);
        }
        await Task.WhenAll(_cameras.Select(camera => camera.DisposeAsync().AsTask())).ConfigureAwait(false);
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
        LogStopped(_logger, _cameras.Length);
    }

    /// <inheritdoc/>
    public override string ToString() => $"CameraRelay ({_cameras.Length} camera(s){(_server is null ? string.Empty : ", RTSP")}{(_plan.Options.Kinesis is null ? string.Empty : ", Kinesis")})";

    private void CreateShadows()
    {
        if (_plan.Options.Iot is not { DataEndpoint: { Length: > 0 } endpoint } iot)
        {
            return;
        }
        if (iot.DeviceThing is { Length: > 0 } device)
        {
            // One connection as the device thing, one named shadow per camera.
            var certificate = Path.GetFullPath(iot.Certificate.Replace("{camera}", device, StringComparison.Ordinal), _plan.BaseDirectory);
            var key = Path.GetFullPath(iot.PrivateKey.Replace("{camera}", device, StringComparison.Ordinal), _plan.BaseDirectory);
            _shadows.Add(CreateShadow(endpoint, device, [.. _cameras.Select(camera => camera.Plan.StreamName)], certificate, key));
            return;
        }
        foreach (var camera in _cameras)
        {
            _shadows.Add(CreateShadow(endpoint, camera.Plan.StreamName, [], camera.Plan.CertificatePath!, camera.Plan.PrivateKeyPath!));
        }
    }

    private DeviceShadowClient CreateShadow(string endpoint, string thing, string[] shadowNames, string certificate, string key) =>
        new(
            new DeviceShadowClientOptions
            {
                Endpoint = endpoint,
                ThingName = thing,
                ShadowNames = shadowNames,
                CertificatePath = certificate,
                PrivateKeyPath = key,
                RootCaPath = _plan.RootCaPath,
            },
            ApplyTo(thing),
            _loggerFactory,
            _clock);

    /// <summary>The shadow callback of <paramref name="thing"/>: a change of a named shadow is the camera of that name, of the classic shadow the thing's camera.</summary>
    private Func<DesiredStreamingChange, CancellationToken, ValueTask<StreamingReport>> ApplyTo(string thing) =>
        (change, cancellationToken) => ApplyAsync(change.ShadowName ?? thing, change, cancellationToken);

    private async ValueTask<StreamingReport> ApplyAsync(string streamName, DesiredStreamingChange change, CancellationToken cancellationToken)
    {
        if (!_byStream.TryGetValue(streamName, out var camera))
        {
            LogUnknownShadow(_logger, streamName);
            return new StreamingReport(false, LastError: $"no camera streams as '{streamName}'");
        }
        await camera.SetStreamingAsync(change.Streaming, $"desired.streaming {(change.Streaming ? "true" : "false")}, shadow version {change.Version}", cancellationToken).ConfigureAwait(false);
        return Remember(camera);
    }

    private StreamingReport Remember(RelayCamera camera)
    {
        var report = camera.Report();
        lock (_reported)
        {
            _reported[camera] = report;
        }
        return report;
    }

    private IEnumerable<RelayCamera> CamerasOf(DeviceShadowClient shadow) =>
        shadow.ShadowNames.Count > 0 ? shadow.ShadowNames.Select(name => _byStream[name]) : [_byStream[shadow.ThingName]];

    private static string? ShadowNameOf(DeviceShadowClient shadow, RelayCamera camera) =>
        shadow.ShadowNames.Count > 0 ? camera.Plan.StreamName : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Relay started: {Cameras} camera(s), remote control {RemoteControl}")]
    private static partial void LogStarted(ILogger logger, int cameras, string remoteControl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Relay stopped: {Cameras} camera(s) closed")]
    private static partial void LogStopped(ILogger logger, int cameras);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A shadow change for {Shadow} matches no camera; ignored")]
    private static partial void LogUnknownShadow(ILogger logger, string shadow);
}
