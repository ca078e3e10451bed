using Backpack.Aws.Kinesis;
using Backpack.Aws.Tests.Fakes;
using Backpack.Streaming.Outputs;
using FluentAssertions;

namespace Backpack.Aws.Tests.Kinesis.Output;

/// <summary>
/// The managed producer under the faults the service and the network produce, injected by the local endpoint while a
/// real SkyLine encodes: what the service has not received is sent again, what it refuses for good is skipped and
/// named, and the SkyLine itself never fails.
/// </summary>
public sealed class KvsFaultTests
{
    [Fact]
    public async Task After_an_outage_with_the_connection_dropped_every_fragment_arrives_once_and_the_stream_decodes()
    {
        await using var rig = await KvsTestRig.StartAsync();
        var injected = false;
        rig.PutFor(TimeSpan.FromSeconds(9), elapsed =>
        {
            if (!injected && elapsed >= TimeSpan.FromSeconds(2))
            {
                injected = true;
                rig.Endpoint.RefuseConnectionsFor(TimeSpan.FromSeconds(4));
                rig.Endpoint.DropConnectionAfterBytes(0);
            }
        });
        rig.SkyLine.StopStreaming();

        var statistics = rig.Output.KinesisStatistics;
        var stream = rig.Endpoint.Stream(KvsTestRig.Stream);
        rig.Endpoint.Violations.Should().BeEmpty();
        rig.Endpoint.RefusedConnections.Should().BeGreaterThan(0, "the producer tried to reconnect during the outage");
        statistics.SessionsFailed.Should().BeGreaterThan(0);
        statistics.FragmentsDropped.Should().Be(0);
        statistics.FragmentsAbandoned.Should().Be(0);
        stream.UniqueFragments.Should().HaveCount((int)statistics.FragmentsStarted, "no fragment is lost");
        stream.UniqueFragments.Should().OnlyContain(fragment => fragment.Persisted);
        statistics.FragmentsPersisted.Should().BeGreaterThanOrEqualTo(statistics.FragmentsStarted);
        rig.Output.Statistics.Failures.Should().BeGreaterThan(0, "the outage is reported on the output");
        rig.Output.Statistics.State.Should().NotBe(OutputState.Error, "it recovered");

        var file = rig.WriteReceived();
        try
        {
            MediaCheck.DecodedFrameTimes(file).Should().HaveCount((int)statistics.FramesWritten).And.BeInAscendingOrder();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_connection_dropped_mid_fragment_is_resent_from_the_fragment_the_service_did_not_receive()
    {
        await using var rig = await KvsTestRig.StartAsync();
        var injected = false;
        rig.PutFor(TimeSpan.FromSeconds(5), elapsed =>
        {
            if (!injected && elapsed >= TimeSpan.FromSeconds(2.5))
            {
                injected = true;
                rig.Endpoint.DropConnectionAfterBytes(rig.Output.KinesisStatistics.BytesSent + 3000);
            }
        });
        rig.SkyLine.StopStreaming();

        var statistics = rig.Output.KinesisStatistics;
        var stream = rig.Endpoint.Stream(KvsTestRig.Stream);
        rig.Endpoint.Violations.Should().BeEmpty();
        rig.Endpoint.Sessions.Should().HaveCountGreaterThanOrEqualTo(2);
        statistics.FragmentsResent.Should().BeGreaterThan(0);
        stream.UniqueFragments.Should().HaveCount((int)statistics.FragmentsStarted);
        stream.UniqueFragments.Should().OnlyContain(fragment => fragment.Persisted);
    }

    [Fact]
    public async Task With_a_logger_that_always_throws_a_dropped_connection_is_recovered_and_nothing_is_lost()
    {
        await using var rig = await KvsTestRig.StartAsync(throwingLogger: true);
        var injected = false;
        rig.PutFor(TimeSpan.FromSeconds(5), elapsed =>
        {
            if (!injected && elapsed >= TimeSpan.FromSeconds(2.5))
            {
                injected = true;
                rig.Endpoint.DropConnectionAfterBytes(rig.Output.KinesisStatistics.BytesSent + 3000);
            }
        });
        await rig.SkyLine.StopStreamingAsync();

        var statistics = rig.Output.KinesisStatistics;
        var stream = rig.Endpoint.Stream(KvsTestRig.Stream);
        rig.Logs.Entries.Should().Contain(entry => entry.Category.Contains("Kinesis", StringComparison.Ordinal), "the producer logged, and every call threw");
        rig.Endpoint.Sessions.Should().HaveCountGreaterThanOrEqualTo(2, "the producer reconnected after the drop");
        statistics.FragmentsResent.Should().BeGreaterThan(0);
        stream.UniqueFragments.Should().HaveCount((int)statistics.FragmentsStarted, "no fragment is lost");
        stream.UniqueFragments.Should().OnlyContain(fragment => fragment.Persisted);
        rig.Output.Statistics.State.Should().NotBe(OutputState.Error);
    }

    [Fact]
    public async Task A_fragment_refused_with_4004_is_skipped_named_and_counted_and_the_stream_goes_on()
    {
        await using var rig = await KvsTestRig.StartAsync();
        var injected = false;
        rig.PutFor(TimeSpan.FromSeconds(5), elapsed =>
        {
            if (!injected && elapsed >= TimeSpan.FromSeconds(2))
            {
                injected = true;
                rig.Endpoint.FailNextFragment(4004, "FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS");
            }
        });
        rig.SkyLine.StopStreaming();

        var statistics = rig.Output.KinesisStatistics;
        statistics.FragmentsSkipped.Should().Be(1);
        statistics.SkippedByError.Should().ContainKey("FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS").WhoseValue.Should().Be(1);
        rig.Endpoint.Stream(KvsTestRig.Stream).UniqueFragments.Should().HaveCount((int)statistics.FragmentsStarted - 1);
        statistics.FragmentsPersisted.Should().Be(statistics.FragmentsStarted - 1);
        rig.Logs.Lines.Should().Contain(line => line.Contains("4004 FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_retriable_error_5000_sends_the_fragment_again_on_a_new_connection()
    {
        await using var rig = await KvsTestRig.StartAsync();
        var injected = false;
        rig.PutFor(TimeSpan.FromSeconds(5), elapsed =>
        {
            if (!injected && elapsed >= TimeSpan.FromSeconds(2))
            {
                injected = true;
                rig.Endpoint.FailNextFragment(5000, "INTERNAL_ERROR");
            }
        });
        rig.SkyLine.StopStreaming();

        var statistics = rig.Output.KinesisStatistics;
        statistics.FragmentsSkipped.Should().Be(0);
        statistics.ErrorAcks.Should().Be(1);
        statistics.FragmentsResent.Should().BeGreaterThan(0);
        rig.Endpoint.Stream(KvsTestRig.Stream).UniqueFragments.Should().HaveCount((int)statistics.FragmentsStarted);
        rig.Endpoint.Stream(KvsTestRig.Stream).UniqueFragments.Should().OnlyContain(fragment => fragment.Persisted);
    }

    [Fact]
    public async Task Throttling_is_retried_with_back_off_and_nothing_is_lost()
    {
        await using var rig = await KvsTestRig.StartAsync();
        rig.Endpoint.ThrottleNextCalls(3);
        rig.PutFor(TimeSpan.FromSeconds(4));
        rig.SkyLine.StopStreaming();

        var statistics = rig.Output.KinesisStatistics;
        statistics.SessionsFailed.Should().Be(3);
        rig.Output.Statistics.LastError.Should().Contain("400").And.Contain("ClientLimitExceededException");
        rig.Endpoint.Stream(KvsTestRig.Stream).UniqueFragments.Should().HaveCount((int)statistics.FragmentsStarted);
    }

    [Fact]
    public async Task Expired_credentials_are_refreshed_once_and_the_connection_retried_before_anything_is_reported()
    {
        await using var rig = await KvsTestRig.StartAsync();
        rig.Endpoint.ExpireCredentialsForNextCalls(1);
        rig.PutFor(TimeSpan.FromSeconds(3));
        rig.SkyLine.StopStreaming();

        rig.Output.Statistics.Failures.Should().Be(0, "one 403 is answered by a refresh, not reported");
        rig.Logs.Lines.Should().Contain(line => line.Contains("refreshing the credentials", StringComparison.Ordinal));
        var statistics = rig.Output.KinesisStatistics;
        rig.Endpoint.Stream(KvsTestRig.Stream).UniqueFragments.Should().HaveCount((int)statistics.FragmentsStarted);
    }

    [Fact]
    public async Task Slow_acknowledgements_hold_fragments_in_the_buffer_but_lose_nothing()
    {
        await using var rig = await KvsTestRig.StartAsync();
        rig.Endpoint.AckDelay = TimeSpan.FromSeconds(2);
        long mostBuffered = 0;
        rig.PutFor(TimeSpan.FromSeconds(4), _ => mostBuffered = Math.Max(mostBuffered, rig.Output.KinesisStatistics.BufferedBytes));
        rig.SkyLine.StopStreaming();

        var statistics = rig.Output.KinesisStatistics;
        mostBuffered.Should().BeGreaterThan(0);
        rig.Output.Statistics.Failures.Should().Be(0);
        statistics.FragmentsPersisted.Should().Be(statistics.FragmentsStarted);
        statistics.BufferedBytes.Should().Be(0);
    }

    [Fact]
    public async Task On_a_stream_without_retention_RECEIVED_is_final_and_the_stop_does_not_wait_for_PERSISTED()
    {
        await using var rig = await KvsTestRig.StartAsync(retentionHours: 0);
        rig.PutFor(TimeSpan.FromSeconds(3));
        var stopping = System.Diagnostics.Stopwatch.StartNew();
        rig.SkyLine.StopStreaming();
        stopping.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));

        var statistics = rig.Output.KinesisStatistics;
        statistics.FragmentsPersisted.Should().Be(0);
        statistics.FragmentsReceived.Should().Be(statistics.FragmentsStarted);
        statistics.FragmentsAbandoned.Should().Be(0);
        statistics.LastPersistLatency.Should().NotBeNull();
    }

    [Fact]
    public async Task A_missing_stream_is_an_error_on_the_output_naming_the_stream_and_the_SkyLine_keeps_streaming()
    {
        await using var rig = await KvsTestRig.StartAsync(addStream: false);
        rig.PutFor(TimeSpan.FromSeconds(2));

        rig.Output.Statistics.State.Should().Be(OutputState.Error);
        rig.Output.Statistics.LastError.Should().Contain(KvsTestRig.Stream).And.Contain(rig.Endpoint.Region);
        rig.SkyLine.Statistics.FramesEncoded.Should().BeGreaterThan(0);
        rig.SkyLine.State.Should().Be(Backpack.Streaming.SkyLines.SkyLineState.Streaming);
    }

    [Fact]
    public async Task A_missing_stream_is_created_when_asked()
    {
        await using var rig = await KvsTestRig.StartAsync(addStream: false, configure: options => new KvsOutputOptions
        {
            StreamName = options.StreamName, Region = options.Region, EndpointUrl = options.EndpointUrl, Credentials = options.Credentials,
            FragmentDuration = options.FragmentDuration, CreateStreamIfMissing = true,
        });
        rig.PutFor(TimeSpan.FromSeconds(3));
        rig.SkyLine.StopStreaming();

        rig.Endpoint.ControlPlane.Paths.Should().Contain("/createStream");
        rig.Output.KinesisStatistics.FragmentsPersisted.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Secrets_never_reach_the_logs_or_the_statistics()
    {
        await using var rig = await KvsTestRig.StartAsync();
        rig.Endpoint.ExpireCredentialsForNextCalls(2);
        rig.PutFor(TimeSpan.FromSeconds(3));
        rig.SkyLine.StopStreaming();

        var everything = string.Join('\n', rig.Logs.Lines) + rig.Output.Statistics + rig.Output.KinesisStatistics + rig.Output + rig.SkyLine;
        everything.Should().NotContain(TestCredentials.Secret).And.NotContain(TestCredentials.Token).And.NotContain("Signature=");
    }

    [Fact]
    public async Task Sessions_rotate_at_a_fragment_boundary_closing_the_old_one_with_the_end_of_fragment_tag_and_losing_nothing()
    {
        await using var rig = await KvsTestRig.StartAsync(configure: options => new KvsOutputOptions
        {
            StreamName = options.StreamName, Region = options.Region, EndpointUrl = options.EndpointUrl, Credentials = options.Credentials,
            FragmentDuration = options.FragmentDuration, SessionRotationForTests = TimeSpan.FromSeconds(2),
        });
        rig.PutFor(TimeSpan.FromSeconds(7));
        rig.SkyLine.StopStreaming();

        var statistics = rig.Output.KinesisStatistics;
        var stream = rig.Endpoint.Stream(KvsTestRig.Stream);
        rig.Endpoint.Violations.Should().BeEmpty();
        rig.Endpoint.Sessions.Should().HaveCountGreaterThanOrEqualTo(3).And.OnlyContain(session => session.EndOfFragmentTagSeen);
        statistics.SessionsFailed.Should().Be(0);
        statistics.FragmentsResent.Should().Be(0);
        stream.DuplicateFragments.Should().Be(0);
        stream.UniqueFragments.Should().HaveCount((int)statistics.FragmentsStarted).And.OnlyContain(fragment => fragment.Persisted);
    }

    [Fact]
    public async Task The_service_ending_an_old_connection_with_4003_gets_a_new_one_at_once_and_nothing_is_lost()
    {
        await using var rig = await KvsTestRig.StartAsync();
        rig.Endpoint.MaxConnectionDuration = TimeSpan.FromSeconds(2);
        rig.PutFor(TimeSpan.FromSeconds(6));
        rig.SkyLine.StopStreaming();

        var statistics = rig.Output.KinesisStatistics;
        rig.Endpoint.Sessions.Should().HaveCountGreaterThanOrEqualTo(2);
        rig.Endpoint.Stream(KvsTestRig.Stream).UniqueFragments.Should().HaveCount((int)statistics.FragmentsStarted).And.OnlyContain(fragment => fragment.Persisted);
    }

}
