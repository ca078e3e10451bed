using System.Threading.Channels;
using Backpack.Timepiece;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backpack.Aws.CloudWatch;

/// <summary>
/// A <see cref="TickerTachometer"/> that reports the frame loop's statistics to CloudWatch Metrics: every
/// stats interval one PutMetricData statistic set (through <see cref="CloudWatchTimerAdapter"/>), on which
/// CloudWatch alarms can fire when the loop slows down or stops.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="TickerTachometer.Tick"/> never waits for the network and never throws because of CloudWatch: a closed
/// window is handed to a background sender through a small queue (the oldest report is dropped when CloudWatch is
/// slower than the reports, and counted), and failed calls are logged and counted.
/// </para>
/// <para>Needs the IAM permission <c>cloudwatch:PutMetricData</c>. Dispose it to send what is queued (waiting at most the flush timeout) and release the client.</para>
/// <example>
/// <code>
/// using var tachometer = new CWTachometer("MyPanoramaMetrics", "frame_processing_time",
///     new Dictionary&lt;string, string&gt; { ["device_id"] = identity.DeviceId ?? "unknown" }, region: "us-east-1");
/// while (running)
/// {
///     tachometer.Tick();
///     ProcessFrame();
/// }
/// </code>
/// </example>
/// </remarks>
public sealed class CWTachometer : TickerTachometer
{
    /// <summary>The <see cref="Tachometer.Name"/> of a CloudWatch tachometer created without one.</summary>
    public new const string DefaultName = "backpack.cw_tachometer";

    /// <summary>How many closed windows wait for the sender at most; more drop the oldest.</summary>
    internal const int QueueCapacity = 16;

    private readonly Sender _sender;

    /// <summary>A tachometer with a CloudWatch client of its own for <paramref name="region"/>, credentials from the default chain.</summary>
    /// <param name="metricNamespace">The namespace; 1 to 255 characters, not starting with <c>AWS/</c>.</param>
    /// <param name="metricName">The metric, e.g. <c>frame_processing_time</c>.</param>
    /// <param name="dimensions">Dimensions, in the order sent; at most 30.</param>
    /// <param name="statsInterval">The time between reports; default one minute (the resolution of standard CloudWatch metrics).</param>
    /// <param name="region">The CloudWatch region; <see langword="null"/>: <c>AWS_REGION</c>.</param>
    /// <param name="name">The histogram instrument's name; <see cref="DefaultName"/> when null.</param>
    /// <param name="timeProvider">The clock of the windows; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Where failed calls are logged. Default: nowhere.</param>
    /// <exception cref="ArgumentException">An argument is not what CloudWatch accepts, or no region is known.</exception>
    public CWTachometer(
        string metricNamespace,
        string metricName,
        IEnumerable<KeyValuePair<string, string>>? dimensions = null,
        TimeSpan? statsInterval = null,
        string? region = null,
        string? name = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
        : this(new Sender(), () => new CloudWatchTimerAdapter(metricNamespace, metricName, dimensions, region, loggerFactory), statsInterval, name, timeProvider, loggerFactory)
    {
    }

    /// <summary>A tachometer sending through <paramref name="client"/> (its region, endpoint, credentials), which it does not dispose.</summary>
    /// <param name="metricNamespace">The namespace; 1 to 255 characters, not starting with <c>AWS/</c>.</param>
    /// <param name="metricName">The metric's name.</param>
    /// <param name="dimensions">Dimensions, in the order sent; at most 30.</param>
    /// <param name="client">The CloudWatch client.</param>
    /// <param name="statsInterval">The time between reports; default one minute.</param>
    /// <param name="name">The histogram instrument's name; <see cref="DefaultName"/> when null.</param>
    /// <param name="timeProvider">The clock of the windows; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Where failed calls are logged. Default: nowhere.</param>
    /// <exception cref="ArgumentException">An argument is not what CloudWatch accepts.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    public CWTachometer(
        string metricNamespace,
        string metricName,
        IEnumerable<KeyValuePair<string, string>>? dimensions,
        CloudWatchClient client,
        TimeSpan? statsInterval = null,
        string? name = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
        : this(new Sender(), () => new CloudWatchTimerAdapter(metricNamespace, metricName, dimensions, client, loggerFactory), statsInterval, name, timeProvider, loggerFactory)
    {
    }

    /// <summary>
    /// The base checks the interval and name first; only then is the adapter (and maybe its client) created and the
    /// sender started, so that a refused argument leaves nothing running. Should the adapter refuse its arguments, the
    /// base's histogram is released.
    /// </summary>
    private CWTachometer(Sender sender, Func<CloudWatchTimerAdapter> createAdapter, TimeSpan? statsInterval, string? name, TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
        : base(sender.Enqueue, statsInterval ?? DefaultStatsInterval, name ?? DefaultName, dispatcher: null, timeProvider,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<CWTachometer>())
    {
        _sender = sender;
        try
        {
            sender.Start(createAdapter());
        }
        catch
        {
            base.Dispose(disposing: true);
            throw;
        }
    }

    /// <summary>How many senders are running in the process (started and not yet disposed), for tests.</summary>
    internal static int RunningSenders => Volatile.Read(ref Sender.Running);

    /// <summary>The adapter that builds and sends the data points.</summary>
    public CloudWatchTimerAdapter Adapter => _sender.Adapter;

    /// <summary>How many reports CloudWatch accepted.</summary>
    public long ReportsSent => Interlocked.Read(ref _sender.Sent);

    /// <summary>How many reports failed (logged).</summary>
    public long ReportsFailed => Interlocked.Read(ref _sender.Failed);

    /// <summary>How many reports were dropped because CloudWatch was slower than the reports.</summary>
    public long ReportsDropped => Interlocked.Read(ref _sender.Dropped);

    /// <summary>How long <see cref="Tachometer.Dispose()"/> waits for queued reports to be sent. Default 5 s.</summary>
    public TimeSpan FlushTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sender.Complete(FlushTimeout);
        }
        base.Dispose(disposing);
    }

    /// <summary>The background sender: one report at a time, in order, off the frame loop.</summary>
    private sealed class Sender : IDisposable
    {
        internal static int Running;
        private readonly Channel<(DateTimeOffset Timestamp, IntervalTimer Timer)> _queue;
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;
        private int _disposed;
        internal long Sent;
        internal long Failed;
        internal long Dropped;

        /// <summary>Creates the queue; nothing runs until <see cref="Start"/>.</summary>
        internal Sender()
        {
            _queue = Channel.CreateBounded<(DateTimeOffset, IntervalTimer)>(
                new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                _ => Interlocked.Increment(ref Dropped));
        }

        /// <summary>Set by <see cref="Start"/>, which the tachometer's constructor calls.</summary>
        internal CloudWatchTimerAdapter Adapter { get; private set; } = null!;

        /// <summary>Takes the adapter (disposed with the sender) and starts sending.</summary>
        internal void Start(CloudWatchTimerAdapter adapter)
        {
            Adapter = adapter;
            Interlocked.Increment(ref Running);
            _loop = Task.Run(SendLoopAsync);
        }

        /// <summary>Called inside Tick: queues the report and returns at once.</summary>
        internal void Enqueue(DateTimeOffset timestamp, IntervalTimer timer)
        {
            if (!_queue.Writer.TryWrite((timestamp, timer)))
            {
                Interlocked.Increment(ref Dropped);
            }
        }

        internal void Complete(TimeSpan flushTimeout)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return;
            }
            _queue.Writer.TryComplete();
            if (!_loop.Wait(flushTimeout))
            {
                _stop.Cancel();
                _loop.Wait(TimeSpan.FromSeconds(1));
            }
            Dispose();
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }
            _stop.Dispose();
            Adapter.Dispose();
            Interlocked.Decrement(ref Running);
        }

        private async Task SendLoopAsync()
        {
            try
            {
                await foreach (var (timestamp, timer) in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
                {
                    var (datum, sent) = await Adapter.TrySendAsync(timestamp, timer, _stop.Token).ConfigureAwait(false);
                    if (datum is not null)
                    {
                        Interlocked.Increment(ref sent ? ref Sent : ref Failed);
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Disposed with reports still queued after the flush timeout: they are given up.
            }
        }
    }
}
