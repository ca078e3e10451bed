using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Backpack.Timepiece;

namespace Backpack.Tests.Timepiece;

/// <summary>Every tachometer publishes its intervals to a System.Diagnostics.Metrics histogram that any listener can read.</summary>
public sealed class TachometerMetricsTests : IDisposable
{
    private readonly ManualTimeProvider _time = new();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(Instrument Instrument, double Value)> _measurements = new();
    private readonly ConcurrentQueue<Instrument> _completed = new();
    private readonly string _name = $"test.frame_time.{Guid.NewGuid():N}";

    public TachometerMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Other tests create tachometers at the same time: listen to this test's instrument only.
            if (instrument.Meter.Name == Tachometer.MeterName && instrument.Name == _name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => _measurements.Enqueue((instrument, value)));
        _listener.MeasurementsCompleted = (instrument, _) => _completed.Enqueue(instrument);
        _listener.Start();
    }

    [Fact]
    public void A_ticker_tachometer_records_each_interval_in_seconds_on_the_Backpack_Timepiece_meter()
    {
        using var tachometer = new TickerTachometer((_, _) => { }, TimeSpan.FromSeconds(60), _name, timeProvider: _time);

        tachometer.Tick();
        _time.AdvanceSeconds(0.04);
        tachometer.Tick();
        _time.AdvanceSeconds(0.25);
        tachometer.Tick();

        _measurements.Select(m => m.Value).Should().Equal([0.04, 0.25], (a, b) => Math.Abs(a - b) < 1e-12);
        var instrument = _measurements.First().Instrument;
        instrument.Should().BeOfType<Histogram<double>>();
        instrument.Meter.Name.Should().Be("Backpack.Timepiece");
        instrument.Name.Should().Be(_name);
        instrument.Unit.Should().Be("s");
    }

    [Fact]
    public void A_stopwatch_tachometer_records_each_duration()
    {
        using var tachometer = new StopWatchTachometer((_, _) => { }, TimeSpan.FromSeconds(60), _name, timeProvider: _time);

        using (tachometer.Start())
        {
            _time.AdvanceSeconds(0.125);
        }

        _measurements.Should().ContainSingle().Which.Value.Should().BeApproximately(0.125, 1e-12);
    }

    [Fact]
    public void Dispose_ends_the_instrument()
    {
        var tachometer = new TickerTachometer((_, _) => { }, TimeSpan.FromSeconds(60), _name, timeProvider: _time);

        tachometer.Dispose();
        tachometer.Tick();
        _time.AdvanceSeconds(1);
        tachometer.Tick();

        _completed.Should().ContainSingle().Which.Name.Should().Be(_name);
        _measurements.Should().BeEmpty();
    }

    [Fact]
    public void Recording_with_a_listener_attached_allocates_nothing()
    {
        using var tachometer = new TickerTachometer((_, _) => { }, TimeSpan.FromHours(1), _name);
        tachometer.Tick();
        _listener.SetMeasurementEventCallback<double>((_, _, _, _) => { });

        Allocations.Of(() => tachometer.Tick()).Should().Be(0);
    }

    public void Dispose() => _listener.Dispose();
}
