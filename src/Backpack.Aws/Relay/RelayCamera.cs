using Backpack.Annotation;
using Backpack.Aws.Iot;
using Backpack.Aws.Kinesis;
using Backpack.Geometry;
using Backpack.Streaming.Cameras;
using Backpack.Streaming.Rtsp;
using Backpack.Streaming.SkyLines;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Relay;

/// <summary>
/// One camera of a relay: its source, its SkyLine with the outputs the relay has (a Kinesis output, an RTSP mount), the
/// loop that stamps and puts every frame, and the switch that starts and stops all of it.
/// </summary>
/// <remarks>
/// Switched off, nothing of the camera runs: the source is closed and the SkyLine stopped, which ends the Kinesis session
/// with its last fragment. Switching is serialised; status reads are lock-free snapshots. Nothing here throws into the
/// caller after construction: failures are logged and shown as the status's last error.
/// </remarks>
internal sealed partial class RelayCamera : IAsyncDisposable
{
    private static readonly Point NamePoint = new(0.02, 0.96);

    private readonly RelayCameraPlan _plan;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly IotCredentialsProvider? _credentials;
    private readonly KvsOutput? _kinesis;
    private readonly RtspSkyLine? _rtsp;
    private readonly SkyLine _skyLine;
    private readonly RasterAnnotationDriver _driver;
    private readonly Annotation.Annotation[] _annotations;
    private readonly SemaphoreSlim _switch = new(1, 1);
    private CameraSource? _camera;
    private CancellationTokenSource? _pumpStop;
    private Task _pump = Task.CompletedTask;
    private volatile bool _streaming;
    private DateTimeOffset _since;
    private long _framesIn;
    private long _framesDroppedByClosedSources;
    private long _reconnectsOfClosedSources;
    private long _framesInAtLastStatus;
    private long _lastStatusAt;
    private double _framesPerSecond;
    private string? _lastError;
    private bool _disposed;
    private volatile bool _passingThrough;
    private bool _warnedNotRtsp;

    internal RelayCamera(RelayCameraPlan plan, RelayPlan relay, RtspServer? server, ILoggerFactory loggerFactory, TimeProvider clock)
    {
        _plan = plan;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<RelayCamera>();
        _clock = clock;
        _since = clock.GetUtcNow();
        _lastStatusAt = clock.GetTimestamp();
        var kinesis = relay.Options.Kinesis;
        var skyLineOptions = new SkyLineOptions
        {
            Name = plan.StreamName,
            FrameRate = plan.Fps,
            Width = plan.Width,
            Height = plan.Height,
            // Key frames at the fragment length: Kinesis cuts a fragment at each.
            KeyFrameInterval = TimeSpan.FromSeconds(kinesis?.FragmentSeconds ?? 2),
            TimeProvider = clock,
        };
        try
        {
            if (kinesis is not null)
            {
                if (relay.Options.Iot is { } iot)
                {
                    _credentials = new IotCredentialsProvider(
                        new IotCredentialsProviderOptions
                        {
                            CredentialsEndpoint = iot.CredentialsEndpoint!,
                            RoleAlias = iot.RoleAlias!,
                            ThingName = plan.StreamName,
                            CertificatePath = plan.CertificatePath!,
                            PrivateKeyPath = plan.PrivateKeyPath!,
                            RootCaPath = relay.RootCaPath,
                        },
                        loggerFactory,
                        clock);
                }
                _kinesis = new KvsOutput(
                    new KvsOutputOptions
                    {
                        StreamName = plan.StreamName,
                        Region = kinesis.Region,
                        EndpointUrl = kinesis.EndpointUrl is { Length: > 0 } url ? new Uri(url) : null,
                        Credentials = _credentials,
                        CreateStreamIfMissing = kinesis.CreateStreams,
                        Creation = new KinesisVideoStreamSettings { DataRetentionInHours = kinesis.RetentionHours },
                        FragmentDuration = TimeSpan.FromSeconds(kinesis.FragmentSeconds),
                        TimeProvider = clock,
                    },
                    loggerFactory);
            }
            _rtsp = server?.AddStream(plan.StreamName, skyLineOptions);
            _skyLine = _rtsp ?? new SkyLine(skyLineOptions, loggerFactory);
            if (_kinesis is not null)
            {
                _skyLine.Attach(_kinesis);
            }
        }
        catch
        {
            _kinesis?.Dispose();
            _credentials?.Dispose();
            throw;
        }
        _driver = new RasterAnnotationDriver(new RasterAnnotationOptions { LabelBackground = true }, clock, loggerFactory);
        // The driver's own clock at each render: no allocation per frame.
        _annotations = [new TimestampAnnotation(), new LabelAnnotation(NamePoint, plan.StreamName, HtmlColors.White)];
    }

    /// <summary>The camera as the relay runs it.</summary>
    internal RelayCameraPlan Plan => _plan;

    /// <summary>Whether it is switched on.</summary>
    internal bool IsStreaming => _streaming;

    /// <summary>Its RTSP URL, when the relay serves RTSP.</summary>
    internal Uri? RtspUrl => _rtsp?.Url;

    /// <summary>Switches the camera on or off (idempotent); returns once the change is made (off: the last fragment is sent).</summary>
    internal async Task SetStreamingAsync(bool streaming, string why, CancellationToken cancellationToken = default)
    {
        await _switch.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_disposed || streaming == _streaming)
            {
                return;
            }
            if (streaming)
            {
                StartLocked();
            }
            else
            {
                await StopLockedAsync().ConfigureAwait(false);
            }
            _since = _clock.GetUtcNow();
            LogSwitched(_logger, _plan.Name, streaming ? "on" : "off", why);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            _lastError = exception.Message;
            LogSwitchFailed(_logger, _plan.Name, streaming ? "on" : "off", exception);
            throw;
        }
        finally
        {
            _switch.Release();
        }
    }

    /// <summary>What the camera's shadow is told: on or off, frames per second, since when, the last error.</summary>
    internal StreamingReport Report() => new(_streaming, _streaming ? Math.Round(Volatile.Read(ref _framesPerSecond), 1) : 0, _since, LastError());

    /// <summary>A snapshot of what the camera does; the frame rate is over the time since the previous call (one caller: the status loop).</summary>
    internal RelayCameraStatus Status()
    {
        var camera = Volatile.Read(ref _camera);
        var cameraFigures = camera?.Statistics;
        var skyLine = _skyLine.Statistics;
        // Passing through, frames in and out are the camera's units in and handed to the outputs (the SkyLine counts them).
        var framesIn = _passingThrough ? skyLine.FramesPut : Interlocked.Read(ref _framesIn);
        var now = _clock.GetTimestamp();
        var seconds = _clock.GetElapsedTime(Interlocked.Exchange(ref _lastStatusAt, now), now).TotalSeconds;
        var fps = seconds > 0 ? (framesIn - Interlocked.Exchange(ref _framesInAtLastStatus, framesIn)) / seconds : 0;
        Volatile.Write(ref _framesPerSecond, fps);
        var kinesis = _kinesis?.KinesisStatistics;
        return new RelayCameraStatus(
            _plan.Name,
            _plan.StreamName,
            _streaming,
            _since,
            cameraFigures?.State ?? CameraState.Stopped,
            skyLine.State,
            framesIn,
            skyLine.FramesEncoded,
            Interlocked.Read(ref _framesDroppedByClosedSources) + (cameraFigures?.FramesDropped ?? 0) + skyLine.FramesDropped,
            fps,
            Interlocked.Read(ref _reconnectsOfClosedSources) + (cameraFigures?.Reconnects ?? 0),
            kinesis?.FragmentsPersisted,
            kinesis?.BufferedBytes,
            _rtsp?.ClientCount,
            LastError());
    }

    public async ValueTask DisposeAsync()
    {
        await _switch.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            if (_streaming)
            {
                await StopLockedAsync().ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            LogSwitchFailed(_logger, _plan.Name, "off", exception);
        }
        finally
        {
            _switch.Release();
        }
        await _skyLine.DisposeAsync().ConfigureAwait(false);
        _kinesis?.Dispose();
        if (_credentials is not null)
        {
            await _credentials.DisposeAsync().ConfigureAwait(false);
        }
    }

    private string? LastError() =>
        Volatile.Read(ref _camera)?.Statistics.LastError ?? _kinesis?.KinesisStatistics.LastError ?? _lastError;

    private void StartLocked()
    {
        // Passthrough needs the camera's own H.264 as RTP; any other source is decoded and annotated.
        var passthrough = _plan.Mode == RelayMode.Passthrough && IsRtsp(_plan.Source);
        if (_plan.Mode == RelayMode.Passthrough && !passthrough && !_warnedNotRtsp)
        {
            _warnedNotRtsp = true;
            LogPassthroughNotRtsp(_logger, _plan.Name);
        }
        var camera = new CameraSource(
            new CameraSourceOptions
            {
                Passthrough = passthrough,
                Name = _plan.Name,
                Source = _plan.Source,
                Width = _plan.Width,
                Height = _plan.Height,
                // Passing through, a re-encoding keeps the configured rate on the SkyLine's timeline; annotated, the camera's
                // pipeline leaves out frames above the rate (a ceiling: a slower camera passes as it comes).
                FrameRate = passthrough ? null : _plan.Fps,
                RtspTransport = _plan.UseTcp ? RtspTransports.Tcp : RtspTransports.Udp,
                UserName = _plan.User,
                Password = _plan.Password,
                TimeProvider = _clock,
            },
            _loggerFactory);
        _passingThrough = passthrough;
        Volatile.Write(ref _camera, camera);
        if (passthrough)
        {
            // No loop of the relay's own: the units go straight to the outputs. A refused stream is re-encoded by the
            // SkyLine at the configured size, stamped as in annotate mode.
            _skyLine.StartPassthrough(camera, frame => _driver.Render(_annotations, frame));
            camera.Start();
            _streaming = true;
            return;
        }
        _skyLine.StartStreaming(_plan.Fps, _plan.Width, _plan.Height);
        var stop = new CancellationTokenSource();
        _pumpStop = stop;
        camera.Start();
        _pump = BackgroundWork.RunAsync("relay camera loop", _logger, () => PumpAsync(camera, stop.Token));
        _streaming = true;
    }

    private async Task StopLockedAsync()
    {
        _streaming = false;
        var camera = Volatile.Read(ref _camera);
        if (_pumpStop is { } stop)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await _pump.ConfigureAwait(false);
            stop.Dispose();
            _pumpStop = null;
        }
        if (camera is not null)
        {
            var figures = camera.Statistics;
            Interlocked.Add(ref _framesDroppedByClosedSources, figures.FramesDropped);
            Interlocked.Add(ref _reconnectsOfClosedSources, figures.Reconnects);
            Volatile.Write(ref _camera, null);
            await camera.DisposeAsync().ConfigureAwait(false);
        }
        // Ends the Kinesis session with its last fragment (end-of-fragment tag), within the SkyLine's stop timeout.
        await _skyLine.StopStreamingAsync().ConfigureAwait(false);
    }

    /// <summary>Reads the camera, stamps each frame with the time and the camera's name, and puts it; ends when switched off.</summary>
    private async Task PumpAsync(CameraSource camera, CancellationToken stop)
    {
        try
        {
            await foreach (var frame in camera.ReadAllAsync(stop).ConfigureAwait(false))
            {
                using (frame)
                {
                    Interlocked.Increment(ref _framesIn);
                    _driver.Render(_annotations, frame.Frame);
                    _skyLine.Put(frame.Frame);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static bool IsRtsp(string source) =>
        source.TrimStart().StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase) || source.TrimStart().StartsWith("rtsps://", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera {Camera}: its stream cannot go through as it is (passthrough is for RTSP cameras); it is decoded, annotated and re-encoded")]
    private static partial void LogPassthroughNotRtsp(ILogger logger, string camera);

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {Camera}: switched {State} ({Why})")]
    private static partial void LogSwitched(ILogger logger, string camera, string state, string why);

    [LoggerMessage(Level = LogLevel.Error, Message = "Camera {Camera}: could not switch {State}")]
    private static partial void LogSwitchFailed(ILogger logger, string camera, string state, Exception exception);
}
