using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

public sealed class SkyLineMetricsTests
{
    [Fact]
    public void Counters_and_state_are_published_through_the_Backpack_SkyLine_meter()
    {
        var clock = new ManualClock();
        var name = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        using var skyLine = new SinkSkyLine("fakesink", new SkyLineOptions { Name = name, TimeProvider = clock, MaxQueuedFrames = 64 });
        var measurements = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == SkyLine.MeterName)
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "skyline.name" && (string?)tag.Value == name)
                {
                    measurements[instrument.Name] = value;
                }
            }
        }
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();

        skyLine.StartStreaming(30, 64, 48);
        for (var i = 0; i < 12; i++)
        {
            clock.AdvanceTo(TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / 30));
            using var frame = TestFrames.Numbered(64, 48, i);
            skyLine.Put(frame);
        }
        listener.RecordObservableInstruments();
        measurements["backpack.skyline.state"].Should().Be((int)SkyLineState.Streaming);
        skyLine.StopStreaming();
        listener.RecordObservableInstruments();

        measurements["backpack.skyline.frames.put"].Should().Be(12);
        measurements["backpack.skyline.frames.encoded"].Should().Be(12);
        measurements["backpack.skyline.frames.dropped"].Should().Be(0);
        measurements["backpack.skyline.restarts"].Should().Be(0);
        measurements["backpack.skyline.state"].Should().Be((int)SkyLineState.Stopped);
        measurements.Should().ContainKeys("backpack.skyline.frames.skipped", "backpack.skyline.frames.repeated", "backpack.skyline.queue.frames");
    }
}
