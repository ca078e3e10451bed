using Backpack.Aws.Tests.Kinesis.Producer;
using FluentAssertions;

namespace Backpack.Aws.Tests.Kinesis.Output;

/// <summary>KvsSkyLine with the managed producer, end to end against the local Kinesis endpoint: real encoder, real sockets.</summary>
public sealed class KvsSkyLineTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_fragment_starts_at_a_key_frame_is_persisted_once_and_the_whole_stream_decodes()
    {
        await using var rig = await KvsTestRig.StartAsync();
        rig.PutFor(TimeSpan.FromSeconds(5.5));
        rig.SkyLine.StopStreaming();

        var statistics = rig.Output.KinesisStatistics;
        var stream = rig.Endpoint.Stream(KvsTestRig.Stream);
        rig.Endpoint.Violations.Should().BeEmpty();
        stream.UniqueFragments.Should().HaveCountGreaterThanOrEqualTo(5);
        stream.UniqueFragments.Should().OnlyContain(fragment => fragment.StartsWithKeyFrame && fragment.Persisted);
        stream.DuplicateFragments.Should().Be(0);
        statistics.FragmentsPersisted.Should().Be(stream.UniqueFragments.Count, "the stop waited for the last PERSISTED");
        statistics.FragmentsStarted.Should().Be(stream.UniqueFragments.Count);
        statistics.BufferedBytes.Should().Be(0);
        statistics.SendLatencyP99.Should().NotBeNull("every frame sent is timed from the encoder to the socket");
        statistics.PersistLatencyP99.Should().NotBeNull();
        rig.Endpoint.Sessions.Should().OnlyContain(session => session.EndOfFragmentTagSeen);
        // About one second each (key frames every FragmentDuration), never past the service's limit.
        var timecodes = stream.UniqueFragments.Select(fragment => fragment.Timecode).ToList();
        timecodes.Zip(timecodes.Skip(1), (a, b) => b - a).Should().OnlyContain(gap => gap >= 900 && gap <= 1100);

        var file = rig.WriteReceived();
        try
        {
            var info = MediaCheck.MkvInfo(file);
            info.Should().Contain("V_MPEG4/ISO/AVC").And.Contain("Pixel width: 320").And.Contain("Pixel height: 240");
            var times = MediaCheck.DecodedFrameTimes(file);
            times.Should().HaveCount((int)statistics.FramesWritten, "every frame the producer took decodes");
            times.Should().BeInAscendingOrder();
            statistics.FramesWritten.Should().BeGreaterThanOrEqualTo(rig.FramesPut - 2);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_meter_reports_fragments_by_event_buffered_bytes_and_sessions_tagged_with_the_stream()
    {
        var measurements = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Backpack.Aws.Kinesis.KvsOutput.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var tagText = string.Join(",", tags.ToArray().Select(tag => $"{tag.Key}={tag.Value}"));
            measurements[$"{instrument.Name}|{tagText}"] = value;
        });
        listener.Start();
        // A stream name of its own: the meter's name is shared by every output in the process, other tests' included.
        const string stream = "meter-test";
        await using var rig = await KvsTestRig.StartAsync(streamName: stream);
        rig.PutFor(TimeSpan.FromSeconds(3));
        rig.SkyLine.StopStreaming();
        listener.RecordObservableInstruments();

        var persisted = rig.Output.KinesisStatistics.FragmentsPersisted;
        measurements.Should().ContainKey($"backpack.kvs.fragments|kvs.stream={stream},kvs.fragment.event=persisted")
            .WhoseValue.Should().Be(persisted).And.BeGreaterThan(0);
        measurements.Should().ContainKey($"backpack.kvs.sessions|kvs.stream={stream},kvs.session.outcome=opened").WhoseValue.Should().BeGreaterThan(0);
        measurements.Should().ContainKey($"backpack.kvs.buffered|kvs.stream={stream}");
        measurements.Should().ContainKey($"backpack.kvs.sent|kvs.stream={stream}").WhoseValue.Should().BeGreaterThan(0);
    }
}
