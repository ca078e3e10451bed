using System.Diagnostics.Metrics;
using Backpack.Aws.CloudWatch;
using Backpack.Aws.Tests.Fakes;
using Backpack.Aws.Tests.Panorama;
using Backpack.Timepiece;

namespace Backpack.Aws.Tests.CloudWatch;

/// <summary>A refused argument leaves nothing running: no sender loop, no client, no histogram. Counts process-wide senders, hence alone.</summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed class CWTachometerConstructionTests : IDisposable
{
    private readonly CloudWatchClient _client = new(new AwsClientOptions { Region = "us-east-1", EndpointUrl = new Uri("http://127.0.0.1:9/"), Credentials = TestCredentials.Static });

    public void Dispose() => _client.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_stats_interval_that_is_not_positive_is_refused_before_a_sender_starts(int seconds)
    {
        var running = CWTachometer.RunningSenders;

        var withClient = () => new CWTachometer("MyPanoramaMetrics", "frame_processing_time", null, _client, TimeSpan.FromSeconds(seconds));
        var withRegion = () => new CWTachometer("MyPanoramaMetrics", "frame_processing_time", statsInterval: TimeSpan.FromSeconds(seconds), region: "us-east-1");

        withClient.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("statsInterval");
        withRegion.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("statsInterval");
        CWTachometer.RunningSenders.Should().Be(running);
    }

    [Fact]
    public void An_invalid_instrument_name_is_refused_before_a_sender_starts()
    {
        var running = CWTachometer.RunningSenders;

        var create = () => new CWTachometer("MyPanoramaMetrics", "frame_processing_time", null, _client, name: "9 lives");

        create.Should().Throw<ArgumentException>().WithParameterName("name");
        CWTachometer.RunningSenders.Should().Be(running);
    }

    [Fact]
    public void A_namespace_CloudWatch_would_refuse_is_refused_leaving_no_sender_and_no_histogram()
    {
        const string name = "cw_tachometer_refused_namespace_probe";
        var liveHistograms = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == Tachometer.MeterName && instrument.Name == name)
                {
                    Interlocked.Increment(ref liveHistograms);
                    l.EnableMeasurementEvents(instrument);
                }
            },
            MeasurementsCompleted = (instrument, _) =>
            {
                if (instrument.Name == name)
                {
                    Interlocked.Decrement(ref liveHistograms);
                }
            },
        };
        listener.Start();
        var running = CWTachometer.RunningSenders;

        var create = () => new CWTachometer("AWS/EC2", "frame_processing_time", null, _client, name: name);

        create.Should().Throw<ArgumentException>().WithParameterName("metricNamespace");
        CWTachometer.RunningSenders.Should().Be(running);
        liveHistograms.Should().Be(0, "a histogram created before the namespace was refused is released");
    }

    [Fact]
    public async Task A_tachometer_runs_one_sender_until_it_is_disposed()
    {
        var running = CWTachometer.RunningSenders;

        var tachometer = new CWTachometer("MyPanoramaMetrics", "frame_processing_time", null, _client) { FlushTimeout = TimeSpan.Zero };
        CWTachometer.RunningSenders.Should().Be(running + 1);
        tachometer.Dispose();
        tachometer.Dispose();

        // Dispose signals the stop without waiting for it; the sender ends on its own right after.
        await PanoramaClientTests.WaitUntil(() => CWTachometer.RunningSenders == running);
    }

    [Fact]
    public async Task DisposeAsync_returns_once_the_sender_has_stopped()
    {
        var running = CWTachometer.RunningSenders;
        var tachometer = new CWTachometer("MyPanoramaMetrics", "frame_processing_time", null, _client);

        await tachometer.DisposeAsync();
        await tachometer.DisposeAsync();

        CWTachometer.RunningSenders.Should().Be(running);
    }
}
