using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Backpack.Threading;
using Backpack.Timepiece;
using Microsoft.Extensions.Logging;

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
/// <para>
/// <b>Stopping.</b> <see cref="StopAsync"/> and <see cref="DisposeAsync"/> stop taking reports, send the ones
/// queued (at most <see cref="FlushTimeout"/>, after which the rest are given up) and then release the sender and
/// the client it owns. <see cref="Tachometer.Dispose()"/> signals the same stop and returns at once, without waiting
/// for the network: the flush goes on in the background, still bounded by <see cref="FlushTimeout"/>. Ticking, stopping
/// and disposing may happen on any threads in any order; a window that closes after the stop is counted in
/// <see cref="ReportsDropped"/>.
/// </para>
/// <para>Needs the IAM permission <c>cloudwatch:PutMetricData</c>.</para>
/// <example>
/// <code>
/// await using var tachometer = new CWTachometer("MyPanoramaMetrics", "frame_processing_time",
///     new Dictionary&lt;string, string&gt; { ["device_id"] = identity.DeviceId ?? "unknown" }, region: "us-east-1");
/// while (running)
/// {
///     tachometer.Tick();
///     ProcessFrame();
/// }
/// // leaving the scope sends the reports still queued, waiting at most FlushTimeout
/// </code>
/// </example>
/// </remarks>
public sealed class CWTachometer : TickerTachometer, IAsyncDisposable
{
    /// <summary>The <see cref="Tachometer.Name"/> of a CloudWatch tachometer created without one.</summary>
    public new const string DefaultName = "backpack.cw_tachometer";

    /// <summary>How many closed windows wait for the sender at most; more drop the oldest.</summary>
    internal const int QueueCapacity = 16;

    private readonly Sender _sender;
    private readonly TimeProvider _time;
    private readonly TimeSpan _flushTimeout = TimeSpan.FromSeconds(5);

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
            ContainedLoggerFactory.Wrap(loggerFactory).CreateLogger<CWTachometer>())
    {
        _sender = sender;
        _time = timeProvider ?? TimeProvider.System;
        try
        {
            sender.Start(createAdapter(), ContainedLoggerFactory.Wrap(loggerFactory).CreateLogger<CWTachometer>());
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

    /// <summary>How many reports were dropped: because CloudWatch was slower than the reports, or because they came after the stop.</summary>
    public long ReportsDropped => Interlocked.Read(ref _sender.Dropped);

    /// <summary>
    /// How long a stop (<see cref="StopAsync"/>, <see cref="DisposeAsync"/>, <see cref="Tachometer.Dispose()"/>) keeps
    /// sending the queued reports before it gives up the rest, measured on the tachometer's <see cref="TimeProvider"/>.
    /// Default 5 s; zero (give up at once) or more, or <see cref="Timeout.InfiniteTimeSpan"/> to send everything queued.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    public TimeSpan FlushTimeout
    {
        get => _flushTimeout;
        init => _flushTimeout = value >= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan
            ? value
            : throw new ArgumentOutOfRangeException(nameof(FlushTimeout), value, "Expected a flush timeout of zero or more, or Timeout.InfiniteTimeSpan.");
    }

    /// <summary>
    /// Stops reporting: takes no more reports, sends the ones queued (within <see cref="FlushTimeout"/>) and releases the
    /// sender and the client it owns. Idempotent, thread-safe and never throws; every call waits for the same stop.
    /// Ticking goes on working: the histogram still records until <see cref="Tachometer.Dispose()"/>.
    /// </summary>
    /// <param name="cancellationToken">Cuts the flush short: the reports still queued or in flight are given up at once.</param>
    /// <returns>A task that completes when the sender has stopped.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default) => _sender.StopAsync(FlushTimeout, _time, cancellationToken);

    /// <summary>As <see cref="StopAsync"/>, then ends the histogram instrument as <see cref="Tachometer.Dispose()"/> does.</summary>
    /// <returns>A task that completes when the sender has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        Dispose();
    }

    /// <summary>Signals the stop (see <see cref="StopAsync"/>) without waiting for it, and ends the histogram instrument.</summary>
    /// <param name="disposing">True when called from <see cref="Tachometer.Dispose()"/>.</param>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Never waits for the network: the flush runs on, bounded by the flush timeout, and cleans up after itself.
            _ = _sender.StopAsync(FlushTimeout, _time, CancellationToken.None);
        }
        base.Dispose(disposing);
    }

    /// <summary>
    /// The background sender: one report at a time, in order, off the frame loop. Its cancellation source is disposed
    /// only once the send loop has completed, and cancelled only under a lock that the disposal takes too.
    /// </summary>
    [SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
        Justification = "The stop sequence disposes the cancellation source itself, once the send loop has completed: a Dispose from outside could pull it from under the loop.")]
    private sealed class Sender
    {
        internal static int Running;
        private readonly Channel<(DateTimeOffset Timestamp, IntervalTimer Timer)> _queue;
        private readonly CancellationTokenSource _stop = new();
        private readonly Lock _stopLock = new();
        private bool _stopDisposed;
        private Task _loop = Task.CompletedTask;
        private Task? _stopped;
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

        /// <summary>Takes the adapter (disposed when the sender stops) and starts sending; a fault of the loop goes to <paramref name="logger"/>.</summary>
        internal void Start(CloudWatchTimerAdapter adapter, ILogger logger)
        {
            Adapter = adapter;
            Interlocked.Increment(ref Running);
            _loop = BackgroundWork.RunAsync("CloudWatch send loop", logger, SendLoopAsync);
        }

        /// <summary>Called inside Tick: queues the report and returns at once; after the stop the report is counted as dropped.</summary>
        internal void Enqueue(DateTimeOffset timestamp, IntervalTimer timer)
        {
            if (!_queue.Writer.TryWrite((timestamp, timer)))
            {
                Interlocked.Increment(ref Dropped);
            }
        }

        /// <summary>Starts the stop once (later calls share it) and waits for it; <paramref name="cancellationToken"/> gives up the flush.</summary>
        internal async Task StopAsync(TimeSpan flushTimeout, TimeProvider time, CancellationToken cancellationToken)
        {
            var stopped = Volatile.Read(ref _stopped);
            if (stopped is null)
            {
                var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                stopped = Interlocked.CompareExchange(ref _stopped, started.Task, null) ?? started.Task;
                if (stopped == started.Task)
                {
                    _ = RunStopAsync(flushTimeout, time, started);
                }
            }
            if (stopped.IsCompleted)
            {
                return;
            }
            using (cancellationToken.Register(static sender => ((Sender)sender!).CancelSending(), this))
            {
                await stopped.ConfigureAwait(false);
            }
        }

        /// <summary>Completes the queue, lets the loop drain it within the flush timeout, then releases everything. Never throws.</summary>
        private async Task RunStopAsync(TimeSpan flushTimeout, TimeProvider time, TaskCompletionSource stopped)
        {
            const ConfigureAwaitOptions Quietly = ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ForceYielding;
            try
            {
                _queue.Writer.TryComplete();
                await _loop.WaitAsync(flushTimeout, time).ConfigureAwait(Quietly);
                if (!_loop.IsCompleted)
                {
                    // Past the flush timeout: what is still queued or in flight is given up.
                    CancelSending();
                    await _loop.ConfigureAwait(Quietly);
                }
            }
            finally
            {
                // Only now, with the loop completed, may the cancellation source and the client go.
                lock (_stopLock)
                {
                    _stopDisposed = true;
                    _stop.Dispose();
                }
                Adapter.Dispose();
                Interlocked.Decrement(ref Running);
                stopped.TrySetResult();
            }
        }

        private void CancelSending()
        {
            lock (_stopLock)
            {
                if (!_stopDisposed)
                {
                    _stop.Cancel();
                }
            }
        }

        private async Task SendLoopAsync()
        {
            var token = _stop.Token;
            try
            {
                await foreach (var (timestamp, timer) in _queue.Reader.ReadAllAsync(token).ConfigureAwait(false))
                {
                    var (datum, sent) = await Adapter.TrySendAsync(timestamp, timer, token).ConfigureAwait(false);
                    if (datum is not null)
                    {
                        Interlocked.Increment(ref sent ? ref Sent : ref Failed);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Stopped with reports still queued after the flush timeout: they are given up.
            }
        }
    }
}
