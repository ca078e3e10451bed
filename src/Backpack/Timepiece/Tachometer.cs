using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backpack.Timepiece;

/// <summary>
/// Measures a recurring event and reports its statistics every <see cref="StatsInterval"/> (the Python
/// original's <c>BaseTachometer</c>): <see cref="TickerTachometer"/> measures the time between ticks,
/// <see cref="StopWatchTachometer"/> the duration of a block.
/// </summary>
/// <remarks>
/// <para>
/// <b>Report windows.</b> The first window opens at the first tick (or the end of the first measured
/// block). A window closes at the first tick at or after each multiple of <see cref="StatsInterval"/>
/// since then: the stats callback gets the local time of the report and an <see cref="IntervalTimer"/>
/// holding the window's intervals, and a new window opens. A window without intervals reports nothing.
/// After a stall longer than <see cref="StatsInterval"/>, one report covers the whole stall. The timer
/// handed to the callback is a detached copy: it stays valid after the callback returns, on any thread.
/// Its <see cref="IntervalTimer.Count"/>, <see cref="IntervalTimer.Sum"/>, <see cref="IntervalTimer.Min"/>
/// and <see cref="IntervalTimer.Max"/> cover every interval of the window; <see cref="IntervalTimer.Intervals"/>
/// keeps the latest ones, up to 100 per second of <see cref="StatsInterval"/> (at most 100,000).
/// </para>
/// <para>
/// <b>Inline or dispatched.</b> Without a dispatcher the stats callback runs inside the tick that closes
/// the window, and an exception it throws reaches the caller of the tick (the new window is open all the
/// same). With a dispatcher (a <see cref="TaskScheduler"/>, such as <see cref="TaskScheduler.Default"/>
/// for the thread pool) the tick returns at once and an exception of the callback is logged, never
/// reaching the loop. A reporting callback that talks to a service should be dispatched.
/// </para>
/// <para>
/// <b>Metrics.</b> Every interval is also recorded, in seconds, to a <see cref="Histogram{T}"/> named
/// <see cref="Name"/> with unit <c>s</c> on a <see cref="Meter"/> named <see cref="MeterName"/>, so any
/// <see cref="MeterListener"/> or OpenTelemetry exporter (<c>AddMeter("Backpack.Timepiece")</c>) sees them.
/// <see cref="Dispose()"/> ends the instrument.
/// </para>
/// <para>
/// <b>Cost and thread safety.</b> A tick allocates nothing except the report once per window. Ticks from
/// several threads are safe: each one is recorded once and each window is reported once.
/// </para>
/// </remarks>
public abstract partial class Tachometer : IDisposable
{
    /// <summary>The name of the <see cref="Meter"/> every tachometer publishes its histogram on.</summary>
    public const string MeterName = "Backpack.Timepiece";

    /// <summary>How many intervals per second of <see cref="StatsInterval"/> a report keeps in <see cref="IntervalTimer.Intervals"/>.</summary>
    internal const int KeptIntervalsPerSecond = 100;

    /// <summary>The most intervals a report keeps in <see cref="IntervalTimer.Intervals"/>, whatever the interval.</summary>
    internal const int MaxKeptIntervals = 100_000;

    private const long NoTick = long.MinValue;

    // Histogram buckets in seconds, from a millisecond to ten seconds: frame times and model latencies.
    private static readonly double[] BucketBoundaries =
        [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly Action<DateTimeOffset, IntervalTimer> _statsCallback;
    private readonly DispatchedCallback? _dispatched;
    private readonly Lock _lock = new();
    private readonly TachometerWindow _window;
    private readonly Meter _meter;
    private readonly Histogram<double> _histogram;
    private readonly double _secondsPerTimestampTick;
    private IntervalGate _reportGate;
    private long _lastTick = NoTick;

    private protected Tachometer(
        Action<DateTimeOffset, IntervalTimer> statsCallback,
        TimeSpan statsInterval,
        string? name,
        string defaultName,
        string timerName,
        TaskScheduler? dispatcher,
        TimeProvider? timeProvider,
        ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(statsCallback);
        StatsInterval = IntervalSchedule.ValidateInterval(statsInterval, nameof(statsInterval));
        Name = name is null ? defaultName : ValidateName(name);
        Time = timeProvider ?? TimeProvider.System;
        _statsCallback = statsCallback;
        _secondsPerTimestampTick = 1.0 / Time.TimestampFrequency;
        _reportGate = new IntervalGate(TimestampMath.ToTimestampTicks(statsInterval, Time.TimestampFrequency));

        var keptIntervals = (int)Math.Clamp(Math.Ceiling(KeptIntervalsPerSecond * statsInterval.TotalSeconds), 1, MaxKeptIntervals);
        _window = new TachometerWindow(keptIntervals, Time.TimestampFrequency, timerName);
        if (dispatcher is not null)
        {
            _dispatched = new DispatchedCallback(
                dispatcher, Report, logger ?? NullLogger.Instance, $"{GetType().Name} '{Name}'");
        }

        _meter = new Meter(MeterName, typeof(Tachometer).Assembly.GetName().Version?.ToString());
        _histogram = _meter.CreateHistogram(
            Name,
            unit: "s",
            description: $"Intervals measured by the {GetType().Name} '{Name}', in seconds.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = BucketBoundaries });
    }

    /// <summary>The default time between reports: one minute.</summary>
    public static TimeSpan DefaultStatsInterval { get; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The tachometer's name: the name of its histogram instrument, and of the metric a reporting
    /// subclass sends. Letters, digits and <c>_ . - /</c>, starting with a letter, at most 255 characters.
    /// </summary>
    public string Name { get; }

    /// <summary>The time between reports.</summary>
    public TimeSpan StatsInterval { get; }

    /// <summary>Where the tachometer's time comes from.</summary>
    private protected TimeProvider Time { get; }

    /// <summary>Ends the histogram instrument: listeners stop receiving intervals. Ticking after it still reports.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the histogram's meter; a subclass releasing more overrides this and calls it.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _meter.Dispose();
        }
    }

    /// <summary>Records the interval since the previous call (the first call only starts measuring) and reports when a window closes.</summary>
    /// <returns>True when this call reported a window.</returns>
    private protected bool TickCore()
    {
        long elapsed;
        TachometerWindow? report;
        lock (_lock)
        {
            var now = Time.GetTimestamp();
            elapsed = _lastTick == NoTick ? -1 : now - _lastTick;
            _lastTick = now;
            report = Advance(now, elapsed);
        }

        return Complete(elapsed, report);
    }

    /// <summary>Records the interval since <paramref name="startTimestamp"/> and reports when a window closes.</summary>
    /// <returns>True when this call reported a window.</returns>
    private protected bool StopCore(long startTimestamp)
    {
        long elapsed;
        TachometerWindow? report;
        lock (_lock)
        {
            var now = Time.GetTimestamp();
            elapsed = now - startTimestamp;
            report = Advance(now, elapsed);
        }

        return Complete(elapsed, report);
    }

    /// <summary>Adds the interval (none when negative) and closes the window when due. Called under the lock.</summary>
    private TachometerWindow? Advance(long now, long elapsed)
    {
        if (elapsed >= 0)
        {
            _window.Add(elapsed);
        }

        if (!_reportGate.IsStarted)
        {
            _reportGate.Start(now);
            return null;
        }

        if (!_reportGate.TryPass(now) || _window.Count == 0)
        {
            return null;
        }

        return _window.Close(Time.GetLocalNow());
    }

    /// <summary>Publishes the interval to the histogram and the report, if any, to the stats callback. Called outside the lock.</summary>
    private bool Complete(long elapsed, TachometerWindow? report)
    {
        if (elapsed >= 0)
        {
            _histogram.Record(elapsed * _secondsPerTimestampTick);
        }

        if (report is null)
        {
            return false;
        }

        if (_dispatched is null)
        {
            _statsCallback(report.Timestamp, report);
        }
        else
        {
            _dispatched.Post(report);
        }

        return true;
    }

    private void Report(object? window)
    {
        var report = (TachometerWindow)window!;
        _statsCallback(report.Timestamp, report);
    }

    private static string ValidateName(string name)
    {
        if (!InstrumentName().IsMatch(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a metric instrument name; expected a letter followed by up to 254 letters, digits or '_', '.', '-', '/'.",
                nameof(name));
        }

        return name;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_./-]{0,254}$", RegexOptions.CultureInvariant)]
    private static partial Regex InstrumentName();
}
