using Backpack.Aws.Kinesis.Producer;
using Backpack.Streaming.Outputs;
using Backpack.Streaming.SkyLines;
using Backpack.Threading;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Kinesis;

/// <summary>
/// An output that sends a SkyLine's encoded stream to an Amazon Kinesis Video Streams stream with a managed PutMedia
/// producer: no Producer SDK, no <c>kvssink</c>. Attach it to any SkyLine (<see cref="Streaming.SkyLines.SkyLine.Attach"/>)
/// beside RTSP, recordings and other outputs: they share the one encoder. <see cref="KvsSkyLine"/> is the one-output
/// convenience.
/// </summary>
/// <remarks>
/// <para>
/// Each fragment is one Matroska Cluster that starts at a key frame; the SkyLine's encoder makes one every
/// <see cref="KvsOutputOptions.FragmentDuration"/>. Frames go to the connection as they are encoded. What the service
/// has not acknowledged as RECEIVED is kept (up to <see cref="KvsOutputOptions.MaxBufferedBytes"/>) and sent again
/// after a dropped connection, a retriable error or a stall; a fragment the service refuses for good (such as 4004) is
/// skipped, logged with the service's error name and counted. Connections rotate before the service's limit and before
/// the credentials expire.
/// </para>
/// <para>
/// A network or service failure never fails the SkyLine, not even a <see cref="KvsSkyLine"/>'s: it is logged, counted,
/// shown in <see cref="SkyLineOutput.Statistics"/> (state <c>Error</c>, last error) and retried with jittered back-off.
/// When the SkyLine stops after draining its encoder the output waits, on its own thread, up to
/// <see cref="KvsOutputOptions.StopTimeout"/> for the last acknowledgement; <see cref="SkyLineOutput.Dispose()"/> waits at
/// most 2 s. What is still unacknowledged then is abandoned, logged and counted.
/// </para>
/// <para>Credentials never reach logs, messages or <see cref="object.ToString"/>. Thread safe.</para>
/// </remarks>
/// <example>
/// <code>
/// using var kinesis = new KvsOutput(new KvsOutputOptions { StreamName = "dock-3", Region = "eu-west-1" });
/// rtspSkyLine.Attach(kinesis);   // RTSP viewers and Kinesis from one encode
/// </code>
/// </example>
public sealed partial class KvsOutput : SkyLineOutput
{
    /// <summary>How long <see cref="SkyLineOutput.Dispose()"/> waits for the last acknowledgements.</summary>
    public static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(2);

    private readonly KvsOutputOptions _options;
    private readonly KinesisVideoClient _client;
    private readonly KinesisVideoStreamResolver _resolver;
    private readonly KinesisVideoProducer _producer;
    private readonly KvsMetrics _metrics;
    private int _disposed;

    /// <summary>Prepares the output; it connects once it has a frame to send.</summary>
    /// <param name="options">The stream and how to send to it.</param>
    /// <param name="loggerFactory">Where logs go; null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid (the message names it), or no region is known.</exception>
    public KvsOutput(KvsOutputOptions options, ILoggerFactory? loggerFactory = null)
        : base(ValidName(options), maxQueuedFrames: 300, maxQueuedBytes: 32L << 20, loggerFactory: loggerFactory)
    {
        var factory = ContainedLoggerFactory.Wrap(loggerFactory);
        _options = options;
        _client = new KinesisVideoClient(new AwsClientOptions
        {
            Region = options.Region,
            EndpointUrl = options.EndpointUrl,
            Credentials = options.Credentials,
            TimeProvider = options.TimeProvider,
            LoggerFactory = factory,
        });
        _resolver = new KinesisVideoStreamResolver(_client, new KinesisVideoStreamResolverOptions
        {
            StreamName = options.StreamName,
            CreateIfMissing = options.CreateStreamIfMissing,
            Creation = options.Creation,
            TimeProvider = options.TimeProvider,
            LoggerFactory = factory,
        });
        _producer = new KinesisVideoProducer(options, _client, _resolver, factory);
        _producer.Failed += reason => ReportTransientFailure(reason);
        _producer.Recovered += ReportRecovered;
        _metrics = new KvsMetrics(options.StreamName, () => _producer.Statistics, options.MeterFactory);
    }

    /// <summary>The name of the meter every KvsOutput reports on (instruments <c>backpack.kvs.*</c>, tagged <c>kvs.stream</c>).</summary>
    public const string MeterName = KvsMetrics.MeterName;

    /// <summary>The stream's name.</summary>
    public string StreamName => _options.StreamName;

    /// <summary>The region the stream is in.</summary>
    public string Region => _client.Region;

    /// <summary>The producer's figures now: fragments through their acknowledgements, buffered bytes, connections.</summary>
    public KvsStatistics KinesisStatistics => _producer.Statistics;

    /// <inheritdoc/>
    protected override TimeSpan? KeyFrameSpacing => _options.FragmentDuration;

    /// <inheritdoc/>
    protected override string Kind => "kinesis";

    /// <inheritdoc/>
    public override string ToString() => $"kinesis output {Name} (stream {StreamName}, {Region})";

    /// <inheritdoc/>
    protected override void OnStreamStarted(H264Configuration configuration, StreamFormat format) => _producer.Start();

    /// <inheritdoc/>
    protected override void OnFrame(EncodedFrame frame)
    {
        if (_producer.Write(frame.Data.Span, frame.IsKeyFrame, frame.WallClockTime, frame.Configuration, frame.EncodedAt))
        {
            RequestKeyFrame();
        }
    }

    /// <inheritdoc/>
    protected override void OnStreamEnded(bool drained)
    {
        if (drained)
        {
            // On the output's own thread: the SkyLine's stop waits for it up to its own stop timeout.
            _producer.FlushAsync(_options.StopTimeout).GetAwaiter().GetResult();
        }
        else
        {
            _producer.EndFragment();
        }
    }

    /// <inheritdoc/>
    protected override void AddExtras(List<KeyValuePair<string, double>> extras)
    {
        var statistics = _producer.Statistics;
        extras.Add(new("fragments_persisted", statistics.FragmentsPersisted));
        extras.Add(new("fragments_received", statistics.FragmentsReceived));
        extras.Add(new("fragments_dropped", statistics.FragmentsDropped + statistics.FragmentsAbandoned));
        extras.Add(new("fragments_skipped", statistics.FragmentsSkipped));
        extras.Add(new("buffered_bytes", statistics.BufferedBytes));
        extras.Add(new("sessions_opened", statistics.SessionsOpened));
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            try
            {
                _producer.DisposeAsync(DisposeTimeout).AsTask().Wait(DisposeTimeout + TimeSpan.FromSeconds(1));
            }
            catch (AggregateException exception)
            {
                var reason = exception.InnerException?.Message ?? exception.Message;
                LogStopFailed(Logger, StreamName, reason);
            }
            _metrics.Dispose();
            _resolver.Dispose();
            _client.Dispose();
        }
    }

    private static string ValidName(KvsOutputOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return $"kinesis-{options.StreamName}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kinesis stream {Stream}: the producer failed to stop: {Reason}")]
    private static partial void LogStopFailed(ILogger logger, string stream, string reason);
}
