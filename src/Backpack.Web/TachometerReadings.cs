using System.Diagnostics.Metrics;
using Backpack.Timepiece;

namespace Backpack.Web;

/// <summary>
/// Listens to the app's Timepiece tachometers (their histograms in meter <see cref="Tachometer.MeterName"/>, seconds)
/// through System.Diagnostics.Metrics and sums what they measured since the last read: the processing times the page
/// shows. The app's thread only adds to counters (no lock, no allocation); <see cref="Read"/> takes and resets them.
/// </summary>
/// <remarks>Thread safe.</remarks>
internal sealed class TachometerReadings : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<Accumulator> _accumulators = [];

    internal TachometerReadings()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == Tachometer.MeterName && instrument is Histogram<double>)
            {
                var accumulator = new Accumulator(instrument.Name);
                lock (_gate)
                {
                    _accumulators.Add(accumulator);
                }
                listener.EnableMeasurementEvents(instrument, accumulator);
            }
        };
        _listener.MeasurementsCompleted = (instrument, state) =>
        {
            lock (_gate)
            {
                _accumulators.Remove((Accumulator)state!);
            }
        };
        _listener.SetMeasurementEventCallback<double>(static (_, value, _, state) => ((Accumulator)state!).Add(value));
        _listener.Start();
    }

    /// <summary>What each tachometer (by name; instruments of one name together) measured since the last read, in name order.</summary>
    internal List<TachometerReading> Read()
    {
        var byName = new SortedDictionary<string, TachometerReading>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var accumulator in _accumulators)
            {
                var (count, sum, max) = accumulator.Take();
                var reading = byName.GetValueOrDefault(accumulator.Name, new TachometerReading(accumulator.Name, 0, 0, 0));
                byName[accumulator.Name] = new TachometerReading(accumulator.Name, reading.Count + count, reading.SumSeconds + sum, Math.Max(reading.MaxSeconds, max));
            }
        }
        return [.. byName.Values];
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>Counts, sums (in nanoseconds, to add atomically) and the longest interval of one instrument.</summary>
    private sealed class Accumulator(string name)
    {
        private long _count;
        private long _sumNanoseconds;
        private long _maxNanoseconds;

        internal string Name { get; } = name;

        internal void Add(double seconds)
        {
            if (!(seconds >= 0) || seconds > 1e6)
            {
                return;
            }
            var nanoseconds = (long)(seconds * 1e9);
            Interlocked.Increment(ref _count);
            Interlocked.Add(ref _sumNanoseconds, nanoseconds);
            var max = Volatile.Read(ref _maxNanoseconds);
            while (nanoseconds > max)
            {
                var seen = Interlocked.CompareExchange(ref _maxNanoseconds, nanoseconds, max);
                if (seen == max)
                {
                    break;
                }
                max = seen;
            }
        }

        internal (long Count, double SumSeconds, double MaxSeconds) Take() =>
            (Interlocked.Exchange(ref _count, 0), Interlocked.Exchange(ref _sumNanoseconds, 0) / 1e9, Interlocked.Exchange(ref _maxNanoseconds, 0) / 1e9);
    }
}

/// <summary>What one tachometer measured over a read's interval.</summary>
/// <param name="Name">The tachometer's name.</param>
/// <param name="Count">Intervals measured.</param>
/// <param name="SumSeconds">Their sum, seconds.</param>
/// <param name="MaxSeconds">The longest, seconds; 0 when none.</param>
internal readonly record struct TachometerReading(string Name, long Count, double SumSeconds, double MaxSeconds);
