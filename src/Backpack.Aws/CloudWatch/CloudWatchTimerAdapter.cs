using Backpack.Timepiece;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backpack.Aws.CloudWatch;

/// <summary>
/// Sends the statistics of an <see cref="IntervalTimer"/> to CloudWatch as one PutMetricData statistic set
/// (SampleCount, Sum, Minimum, Maximum; unit Seconds; timestamp in UTC). A failed call is logged, never thrown:
/// the frame loop survives a CloudWatch outage.
/// </summary>
/// <remarks>
/// Needs the IAM permission <c>cloudwatch:PutMetricData</c>. Thread-safe. Use <see cref="CWTachometer"/> to
/// report a frame loop without ever waiting for the network; use the adapter directly as the stats callback of
/// any tachometer that runs its callback on a dispatcher.
/// <example>
/// <code>
/// using var adapter = new CloudWatchTimerAdapter("MyPanoramaMetrics", "frame_processing_time",
///     new Dictionary&lt;string, string&gt; { ["device_id"] = identity.DeviceId ?? "unknown" }, region: "us-east-1");
/// using var tachometer = new TickerTachometer(
///     (timestamp, timer) => adapter.SendMetrics(timestamp, timer), TimeSpan.FromMinutes(1), dispatcher: TaskScheduler.Default);
/// </code>
/// </example>
/// </remarks>
public sealed partial class CloudWatchTimerAdapter : IDisposable
{
    private readonly CloudWatchClient _client;
    private readonly bool _ownsClient;
    private readonly ILogger _logger;

    /// <summary>An adapter with a CloudWatch client of its own for <paramref name="region"/>, credentials from the default chain.</summary>
    /// <param name="metricNamespace">The namespace, e.g. the project's name; 1 to 255 characters, not starting with <c>AWS/</c>.</param>
    /// <param name="metricName">The metric, e.g. <c>frame_processing_time</c>.</param>
    /// <param name="dimensions">Dimensions such as device and application ids, in the order sent; at most 30.</param>
    /// <param name="region">The CloudWatch region; <see langword="null"/>: <c>AWS_REGION</c>.</param>
    /// <param name="loggerFactory">Where failed calls are logged. Default: nowhere.</param>
    /// <exception cref="ArgumentException">An argument is not what CloudWatch accepts, or no region is known.</exception>
    public CloudWatchTimerAdapter(string metricNamespace, string metricName, IEnumerable<KeyValuePair<string, string>>? dimensions = null, string? region = null, ILoggerFactory? loggerFactory = null)
        : this(metricNamespace, metricName, dimensions, NewClient(region, loggerFactory), ownsClient: true, loggerFactory)
    {
    }

    /// <summary>An adapter sending through <paramref name="client"/> (its region, endpoint, credentials), which it does not dispose.</summary>
    /// <param name="metricNamespace">The namespace; 1 to 255 characters, not starting with <c>AWS/</c>.</param>
    /// <param name="metricName">The metric's name.</param>
    /// <param name="dimensions">Dimensions, in the order sent; at most 30.</param>
    /// <param name="client">The CloudWatch client.</param>
    /// <param name="loggerFactory">Where failed calls are logged. Default: nowhere.</param>
    /// <exception cref="ArgumentException">An argument is not what CloudWatch accepts.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    public CloudWatchTimerAdapter(string metricNamespace, string metricName, IEnumerable<KeyValuePair<string, string>>? dimensions, CloudWatchClient client, ILoggerFactory? loggerFactory = null)
        : this(metricNamespace, metricName, dimensions, client ?? throw new ArgumentNullException(nameof(client)), ownsClient: false, loggerFactory)
    {
    }

    private CloudWatchTimerAdapter(string metricNamespace, string metricName, IEnumerable<KeyValuePair<string, string>>? dimensions, CloudWatchClient client, bool ownsClient, ILoggerFactory? loggerFactory)
    {
        try
        {
            if (CloudWatchClient.NamespaceProblem(metricNamespace) is { } namespaceProblem)
            {
                throw new ArgumentException(namespaceProblem, nameof(metricNamespace));
            }
            _ = new MetricDatum(metricName);
            Dimensions = dimensions?.ToList() ?? [];
            if (CloudWatchClient.DimensionsProblem(Dimensions) is { } dimensionsProblem)
            {
                throw new ArgumentException("The " + dimensionsProblem, nameof(dimensions));
            }
        }
        catch when (ownsClient)
        {
            client.Dispose();
            throw;
        }
        Namespace = metricNamespace;
        MetricName = metricName;
        _client = client;
        _ownsClient = ownsClient;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<CloudWatchTimerAdapter>();
    }

    /// <summary>The metric's namespace.</summary>
    public string Namespace { get; }

    /// <summary>The metric's name.</summary>
    public string MetricName { get; }

    /// <summary>The dimensions sent with every data point.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Dimensions { get; }

    /// <summary>Sends the timer's statistics and waits for the answer (for a stats callback that already runs on a dispatcher).</summary>
    /// <param name="timestamp">The time the statistics refer to; sent in UTC.</param>
    /// <param name="timer">The timer with the window's intervals.</param>
    /// <returns>The data point sent (also when the call failed, which is logged); <see langword="null"/> when the timer is empty and nothing was sent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="timer"/> is null.</exception>
    public MetricDatum? SendMetrics(DateTimeOffset timestamp, IntervalTimer timer) =>
        SendMetricsAsync(timestamp, timer).GetAwaiter().GetResult();

    /// <summary>Sends the timer's statistics.</summary>
    /// <param name="timestamp">The time the statistics refer to; sent in UTC.</param>
    /// <param name="timer">The timer with the window's intervals.</param>
    /// <param name="cancellationToken">Cancels the call; only then does this method throw.</param>
    /// <returns>The data point sent (also when the call failed, which is logged); <see langword="null"/> when the timer is empty and nothing was sent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="timer"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<MetricDatum?> SendMetricsAsync(DateTimeOffset timestamp, IntervalTimer timer, CancellationToken cancellationToken = default) =>
        (await TrySendAsync(timestamp, timer, cancellationToken).ConfigureAwait(false)).Datum;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    /// <summary>The data point of a timer, or <see langword="null"/> when it holds no interval.</summary>
    internal MetricDatum? Datum(DateTimeOffset timestamp, IntervalTimer timer) => timer.Count == 0
        ? null
        : new MetricDatum(MetricName)
        {
            Dimensions = Dimensions,
            Timestamp = timestamp.ToUniversalTime(),
            StatisticValues = new StatisticSet(timer.Count, timer.Sum.TotalSeconds, timer.Min.TotalSeconds, timer.Max.TotalSeconds),
            Unit = "Seconds",
        };

    /// <summary>Sends and tells whether CloudWatch accepted the data point.</summary>
    internal async Task<(MetricDatum? Datum, bool Sent)> TrySendAsync(DateTimeOffset timestamp, IntervalTimer timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var datum = Datum(timestamp, timer);
        if (datum is null)
        {
            LogEmptyWindow(_logger, Namespace, MetricName);
            return (null, false);
        }
        try
        {
            await _client.PutMetricDataAsync(Namespace, [datum], cancellationToken).ConfigureAwait(false);
            LogSent(_logger, Namespace, MetricName, timer.Count);
            return (datum, true);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogSendFailed(_logger, Namespace, MetricName, exception.GetType().Name, exception.Message);
            return (datum, false);
        }
    }

    private static CloudWatchClient NewClient(string? region, ILoggerFactory? loggerFactory)
    {
        try
        {
            return new CloudWatchClient(new AwsClientOptions { Region = region, LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance });
        }
        catch (ArgumentException exception)
        {
            throw new ArgumentException(exception.Message.Replace(" (Parameter 'options')", "", StringComparison.Ordinal), nameof(region), exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sent {Count} samples of {Namespace}.{MetricName} to CloudWatch")]
    private static partial void LogSent(ILogger logger, string @namespace, string metricName, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No samples of {Namespace}.{MetricName} in this window; nothing sent")]
    private static partial void LogEmptyWindow(ILogger logger, string @namespace, string metricName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Couldn't put data for metric {Namespace}.{MetricName}: {ErrorType}: {ErrorMessage}")]
    private static partial void LogSendFailed(ILogger logger, string @namespace, string metricName, string errorType, string errorMessage);
}
