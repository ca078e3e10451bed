using Backpack.Aws.Kinesis;
using FluentAssertions;

namespace Backpack.Aws.Tests.Kinesis.Output;

/// <summary>
/// A long outage at 720p: nothing is lost and the process grows by the buffered fragments only. It measures the
/// process's resident memory, so it runs apart from every other test (pipelines of tests running beside it would count).
/// </summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed class KvsOutageMemoryTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task A_30_second_outage_at_720p_loses_no_fragment_and_memory_stays_bounded_by_the_buffer()
    {
        await using var rig = await KvsTestRig.StartAsync(width: 1280, height: 720, bitrateKbps: 1000, configure: options => new KvsOutputOptions
        {
            StreamName = options.StreamName, Region = options.Region, EndpointUrl = options.EndpointUrl, Credentials = options.Credentials,
            FragmentDuration = TimeSpan.FromSeconds(2), StopTimeout = TimeSpan.FromSeconds(20),
        });
        long mostBuffered = 0;
        long residentBefore = 0;
        long mostResident = 0;
        var injected = false;
        rig.PutFor(TimeSpan.FromSeconds(40), elapsed =>
        {
            if (!injected && elapsed >= TimeSpan.FromSeconds(4))
            {
                injected = true;
                residentBefore = Resident();
                rig.Endpoint.RefuseConnectionsFor(TimeSpan.FromSeconds(30));
                rig.Endpoint.DropConnectionAfterBytes(0);
            }
            if (injected && rig.FramesPut % 30 == 0)
            {
                mostBuffered = Math.Max(mostBuffered, rig.Output.KinesisStatistics.BufferedBytes);
                mostResident = Math.Max(mostResident, Resident());
            }
        });
        rig.SkyLine.StopStreaming();

        var statistics = rig.Output.KinesisStatistics;
        var stream = rig.Endpoint.Stream(KvsTestRig.Stream);
        rig.Endpoint.Violations.Should().BeEmpty();
        statistics.FragmentsDropped.Should().Be(0);
        statistics.FragmentsAbandoned.Should().Be(0);
        stream.UniqueFragments.Should().HaveCount((int)statistics.FragmentsStarted, "no fragment is lost");
        stream.UniqueFragments.Should().OnlyContain(fragment => fragment.Persisted);
        // About 30 s at ~1 Mbit/s is about 4 MB: held as needed, well under the 32 MiB limit.
        output.WriteLine($"fragments {statistics.FragmentsStarted}, resent {statistics.FragmentsResent}, most buffered {mostBuffered / 1048576.0:0.0} MiB, resident growth {(mostResident - residentBefore) / 1048576.0:0.0} MiB, persist latency p99 {statistics.PersistLatencyP99?.TotalMilliseconds:0} ms");
        mostBuffered.Should().BeGreaterThan(2_000_000).And.BeLessThan(new KvsOutputOptions().MaxBufferedBytes);
        (mostResident - residentBefore).Should().BeLessThan(64L << 20, "the process grows by the buffered fragments, not more");
    }

    private static long Resident()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }
}
