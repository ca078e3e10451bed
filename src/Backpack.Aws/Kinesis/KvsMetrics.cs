using System.Diagnostics.Metrics;

namespace Backpack.Aws.Kinesis;

/// <summary>
/// The instruments of one <see cref="KvsOutput"/> on the meter <see cref="MeterName"/>, every one tagged
/// <c>kvs.stream</c>; read from the producer's figures when a listener collects, so sending costs nothing extra.
/// </summary>
internal sealed class KvsMetrics : IDisposable
{
    /// <summary>The meter's name, for <c>AddMeter</c> in OpenTelemetry or a <see cref="MeterListener"/>.</summary>
    internal const string MeterName = "Backpack.Aws.Kinesis";

    private readonly Meter _meter;

    internal KvsMetrics(string streamName, Func<KvsStatistics> statistics, IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        KeyValuePair<string, object?> stream = new("kvs.stream", streamName);
        _meter.CreateObservableCounter<long>("backpack.kvs.fragments", () =>
        {
            var s = statistics();
            return (Measurement<long>[])
            [
                Measure(s.FragmentsSent, stream, "sent"), Measure(s.FragmentsResent, stream, "resent"),
                Measure(s.FragmentsBuffering, stream, "buffering"), Measure(s.FragmentsReceived, stream, "received"),
                Measure(s.FragmentsPersisted, stream, "persisted"), Measure(s.FragmentsDropped, stream, "dropped"),
                Measure(s.FragmentsAbandoned, stream, "abandoned"), Measure(s.FragmentsSkipped, stream, "skipped"),
            ];
        }, "{fragment}", "Fragments by what happened to them (kvs.fragment.event: sent, resent, buffering, received, persisted, dropped, abandoned, skipped).");
        _meter.CreateObservableCounter("backpack.kvs.fragments.skipped_by_error", () =>
            statistics().SkippedByError.Select(pair => new Measurement<long>(pair.Value, stream, new("kvs.error", pair.Key))),
            "{fragment}", "Fragments the service refused for good, by its error name (kvs.error).");
        _meter.CreateObservableGauge("backpack.kvs.buffered", () => new Measurement<long>(statistics().BufferedBytes, stream), "By", "Bytes kept for fragments the service has not received.");
        _meter.CreateObservableCounter("backpack.kvs.sent", () => new Measurement<long>(statistics().BytesSent, stream), "By", "Bytes written to PutMedia connections.");
        _meter.CreateObservableCounter<long>("backpack.kvs.sessions", () =>
        {
            var s = statistics();
            return (Measurement<long>[])[new Measurement<long>(s.SessionsOpened, stream, new("kvs.session.outcome", "opened")), new Measurement<long>(s.SessionsFailed, stream, new("kvs.session.outcome", "failed"))];
        }, "{session}", "PutMedia connections opened (accepted) and failed (kvs.session.outcome).");
        _meter.CreateObservableGauge("backpack.kvs.persist_latency.p99", () =>
            statistics().PersistLatencyP99 is { } p99 ? [new Measurement<double>(p99.TotalMilliseconds, stream)] : Array.Empty<Measurement<double>>(),
            "ms", "99th percentile over the last 256 fragments of last frame → PERSISTED (RECEIVED without retention).");
        _meter.CreateObservableGauge("backpack.kvs.send_latency.p99", () =>
            statistics().SendLatencyP99 is { } p99 ? [new Measurement<double>(p99.TotalMilliseconds, stream)] : Array.Empty<Measurement<double>>(),
            "ms", "99th percentile over the last 256 frames of encoded → last byte on the connection.");
    }

    public void Dispose() => _meter.Dispose();

    private static Measurement<long> Measure(long value, KeyValuePair<string, object?> stream, string what) =>
        new(value, stream, new("kvs.fragment.event", what));
}
