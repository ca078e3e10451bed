using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using Backpack.Aws.Tests.Fakes;

namespace Backpack.Aws.Tests.Kinesis.Producer;

/// <summary>
/// The local PutMedia endpoint driven by the tests' own raw-socket client and hand-written MKV (a real H.264 clip from
/// GStreamer): it must accept what the producer SDK sends, answer the ACKs of the documentation, refuse what the service
/// refuses, and inject each fault as documented.
/// </summary>
public sealed class LocalKinesisVideoEndpointTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_good_stream_gets_BUFFERING_RECEIVED_PERSISTED_per_fragment_in_order_and_no_violations()
    {
        var clip = await H264TestClip.LoadAsync();
        await using var endpoint = await StartWithCameraAsync();
        var gops = clip.Gops();
        gops.Should().HaveCount(3);
        var start = Epoch();

        await using var client = await OpenAsync(endpoint, "camera_101");
        await client.SendAsync([.. MatroskaTestBuilder.Header(clip), .. MatroskaTestBuilder.Fragment(start, gops[0])]);
        Ack(await client.ReadAckAsync()).Should().Be(("BUFFERING", start));
        for (var i = 1; i < gops.Count; i++)
        {
            // Pieces of odd sizes: the parser must not depend on how the body is chunked.
            var fragment = MatroskaTestBuilder.Fragment(start + gops[i][0].TimestampMs, gops[i]);
            for (var at = 0; at < fragment.Length; at += 777)
            {
                await client.SendAsync(fragment[at..Math.Min(fragment.Length, at + 777)]);
            }
        }
        await client.SendAsync(MatroskaTestBuilder.EndOfFragmentTag());
        await client.EndBodyAsync();
        var acks = await client.ReadAcksToEndAsync();

        var all = new[] { $$"""{"EventType":"BUFFERING","FragmentTimecode":{{start}},"FragmentNumber":"x"}""" }.Concat(acks).Select(Parse).ToList();
        var timecodes = gops.Select(g => start + g[0].TimestampMs).ToList();
        foreach (var timecode in timecodes)
        {
            var mine = all.Where(a => a.Timecode == timecode).Select(a => a.Type).ToList();
            mine.Should().Equal(["BUFFERING", "RECEIVED", "PERSISTED"], $"fragment {timecode}'s ACKs come in order");
        }
        all.Should().HaveCount(9);
        all.Skip(1).Select(a => a.Number).Should().OnlyContain(n => n.Length == 47 && n.All(char.IsAsciiDigit));
        endpoint.Violations.Should().BeEmpty();
        endpoint.Warnings.Should().BeEmpty();
        var stream = endpoint.Stream("camera_101");
        stream.Fragments.Select(f => (f.Timecode, f.FrameCount, f.StartsWithKeyFrame, f.Persisted, f.Duplicate, f.SessionIndex))
            .Should().Equal(timecodes.Select(t => (t, 30, true, true, false, 0)));
        var session = endpoint.Sessions.Should().ContainSingle().Subject;
        await session.Ended.WaitAsync(Patience);
        session.Outcome.Should().Be("completed");
        session.EndOfFragmentTagSeen.Should().BeTrue();
        var request = endpoint.PutMediaRequests.Should().ContainSingle().Subject;
        request.SignedHeaders.Should().Equal("connection", "host", "transfer-encoding", "user-agent", "x-amz-date",
            "x-amzn-fragment-acknowledgment-required", "x-amzn-fragment-timecode-type", "x-amzn-producer-start-timestamp", "x-amzn-stream-name");

        var sessionFile = TempFile();
        var uniqueFile = TempFile();
        try
        {
            endpoint.WriteSessionToFile(0, sessionFile);
            var mkvinfo = await RunAsync("mkvinfo", sessionFile);
            mkvinfo.Exit.Should().Be(0, mkvinfo.Output);
            mkvinfo.Output.Should().Contain("V_MPEG4/ISO/AVC");
            endpoint.WriteUniqueFragmentsToFile("camera_101", uniqueFile);
            (await DecodedFramesAsync(uniqueFile)).Should().Be(90);
        }
        finally
        {
            File.Delete(sessionFile);
            File.Delete(uniqueFile);
        }
    }

    [Fact]
    public async Task The_control_plane_creates_the_stream_and_points_GetDataEndpoint_at_the_data_server()
    {
        var clip = await H264TestClip.LoadAsync();
        await using var endpoint = await LocalKinesisVideoEndpoint.StartAsync();
        using var control = new Backpack.Aws.Kinesis.KinesisVideoClient(ControlPlane.KinesisVideoClientTests.Options(endpoint.ControlPlaneUrl));

        await control.CreateStreamAsync("camera_new", new Backpack.Aws.Kinesis.KinesisVideoStreamSettings { DataRetentionInHours = 0 });
        await LocalKinesisVideoEndpoint.WaitUntilAsync(async () => (await control.DescribeStreamAsync("camera_new")).Status == Backpack.Aws.Kinesis.KinesisVideoStreamStatus.Active, Patience, "the stream to be ACTIVE");
        var dataEndpoint = await control.GetDataEndpointAsync("camera_new", Backpack.Aws.Kinesis.KinesisVideoDataApi.PutMedia);

        dataEndpoint.GetLeftPart(UriPartial.Authority).Should().Be(endpoint.DataUrl.GetLeftPart(UriPartial.Authority));
        var acks = await SendSessionAsync(endpoint, "camera_new", [.. MatroskaTestBuilder.Header(clip), .. MatroskaTestBuilder.Fragment(Epoch(), clip.Gops()[0]), .. MatroskaTestBuilder.EndOfFragmentTag()]);
        acks.Select(a => a.Type).Should().Equal("BUFFERING", "RECEIVED");
    }

    [Fact]
    public async Task The_stream_MatroskaWriter_writes_is_accepted_without_violations_and_every_frame_decodes()
    {
        var clip = await H264TestClip.LoadAsync();
        await using var endpoint = await StartWithCameraAsync();
        var start = Epoch();
        var body = new List<byte>();
        var header = new byte[Backpack.Aws.Kinesis.Producer.MatroskaWriter.HeaderLength(clip.CodecPrivate.Length)];
        Backpack.Aws.Kinesis.Producer.MatroskaWriter.WriteHeader(header, clip.CodecPrivate, clip.Width, clip.Height, Guid.NewGuid().ToByteArray());
        body.AddRange(header);
        foreach (var gop in clip.Gops())
        {
            var cluster = new byte[Backpack.Aws.Kinesis.Producer.MatroskaWriter.ClusterStartLength];
            Backpack.Aws.Kinesis.Producer.MatroskaWriter.WriteClusterStart(cluster, start + gop[0].TimestampMs);
            body.AddRange(cluster);
            foreach (var frame in gop)
            {
                var block = new byte[Backpack.Aws.Kinesis.Producer.MatroskaWriter.SimpleBlockHeaderLength];
                Backpack.Aws.Kinesis.Producer.MatroskaWriter.WriteSimpleBlockHeader(block, frame.Data.Length, (short)(frame.TimestampMs - gop[0].TimestampMs), frame.Key);
                body.AddRange(block);
                body.AddRange(frame.Data);
            }
        }
        body.AddRange(Backpack.Aws.Kinesis.Producer.MatroskaWriter.EndOfFragmentTags.ToArray());

        var acks = await SendSessionAsync(endpoint, "camera_101", [.. body]);

        acks.Count(a => a.Type == "PERSISTED").Should().Be(3);
        endpoint.Violations.Should().BeEmpty();
        endpoint.Warnings.Should().BeEmpty();
        endpoint.Sessions.Single().EndOfFragmentTagSeen.Should().BeTrue();
        (await UniqueFragmentsDecodedFramesAsync(endpoint, "camera_101")).Should().Be(90);
    }

    [Fact]
    public async Task A_bad_signature_is_answered_403_before_any_body_is_read()
    {
        await using var endpoint = await StartWithCameraAsync();
        await using var client = await RawPutMediaClient.ConnectAsync(endpoint.DataUrl);

        await client.SendHeadAsync("camera_101", signingSecret: "not-the-secret");
        var response = await client.ReadResponseAsync();

        response.Status.Should().Be(403);
        response.Headers["x-amzn-ErrorType"].Should().StartWith("InvalidSignatureException:");
        response.ErrorBody.Should().Contain("signature we calculated does not match");
        endpoint.Sessions.Should().BeEmpty();
    }

    [Theory]
    [InlineData("x-amzn-stream-name", null, "x-amzn-stream-name")]
    [InlineData("x-amzn-fragment-timecode-type", null, "x-amzn-fragment-timecode-type")]
    [InlineData("x-amzn-fragment-timecode-type", "RELATIVE", "ABSOLUTE")]
    [InlineData("x-amzn-producer-start-timestamp", null, "x-amzn-producer-start-timestamp")]
    [InlineData("x-amzn-producer-start-timestamp", "1722481464.65", "three decimals")]
    [InlineData("x-amzn-fragment-acknowledgment-required", null, "x-amzn-fragment-acknowledgment-required")]
    [InlineData("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "x-amz-content-sha256")]
    public async Task A_missing_or_wrong_header_is_answered_400_with_a_message_naming_it(string header, string? value, string message)
    {
        await using var endpoint = await StartWithCameraAsync();
        await using var client = await RawPutMediaClient.ConnectAsync(endpoint.DataUrl);

        await client.SendHeadAsync("camera_101", overrides: new Dictionary<string, string?> { [header] = value });
        var response = await client.ReadResponseAsync();

        response.Status.Should().Be(400);
        response.Headers["x-amzn-ErrorType"].Should().StartWith("InvalidArgumentException:");
        JsonDocument.Parse(response.ErrorBody!).RootElement.GetProperty("Message").GetString().Should().Contain(message);
    }

    [Theory]
    [InlineData("nobody_created_it", null)]
    [InlineData("camera_creating", "CREATING")]
    public async Task A_stream_that_does_not_exist_or_is_not_ACTIVE_is_answered_404_ResourceNotFoundException(string name, string? status)
    {
        await using var endpoint = await LocalKinesisVideoEndpoint.StartAsync();
        if (status is not null)
        {
            endpoint.AddStream(name, status: status);
        }
        await using var client = await RawPutMediaClient.ConnectAsync(endpoint.DataUrl);

        await client.SendHeadAsync(name);
        var response = await client.ReadResponseAsync();

        response.Status.Should().Be(404);
        response.Headers["x-amzn-ErrorType"].Should().StartWith("ResourceNotFoundException:");
        response.ErrorBody.Should().Contain("not found or not active");
    }

    [Fact]
    public async Task A_cluster_timecode_not_after_the_previous_fragment_gets_ERROR_4004_and_the_request_closes()
    {
        var clip = await H264TestClip.LoadAsync();
        await using var endpoint = await StartWithCameraAsync();
        var gops = clip.Gops();
        var start = Epoch();
        await using var client = await OpenAsync(endpoint, "camera_101");

        // The second fragment starts at the first one's last frame: not later than it.
        await client.SendAsync([.. MatroskaTestBuilder.Header(clip), .. MatroskaTestBuilder.Fragment(start, gops[0]), .. MatroskaTestBuilder.Fragment(start + gops[0][^1].TimestampMs, gops[1])]);
        var acks = (await client.ReadAcksToEndAsync()).Select(Parse).ToList();

        acks.Select(a => (a.Type, a.Timecode)).Should().ContainInOrder(("BUFFERING", start), ("RECEIVED", start));
        var error = acks.Should().ContainSingle(a => a.Type == "ERROR").Subject;
        (error.Timecode, error.ErrorId, error.ErrorCode).Should().Be((start + gops[0][^1].TimestampMs, 4004, "FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS"));
        (await client.ConnectionClosedAsync(Patience)).Should().BeTrue();
        endpoint.Sessions.Single().Outcome.Should().Be("error 4004 FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS");
        endpoint.Stream("camera_101").Fragments.Should().ContainSingle();
    }

    [Fact]
    public async Task A_new_session_that_goes_back_before_the_streams_last_fragment_gets_ERROR_4004()
    {
        var clip = await H264TestClip.LoadAsync();
        await using var endpoint = await StartWithCameraAsync();
        var gops = clip.Gops();
        var start = Epoch();
        await SendSessionAsync(endpoint, "camera_101", [.. MatroskaTestBuilder.Header(clip), .. MatroskaTestBuilder.Fragment(start + 10_000, gops[0]), .. MatroskaTestBuilder.EndOfFragmentTag()]);

        // Never received before (so no resend), and earlier than what the stream has: the check is per stream, across sessions.
        var acks = await SendSessionAsync(endpoint, "camera_101", [.. MatroskaTestBuilder.Header(clip), .. MatroskaTestBuilder.Fragment(start, gops[1])]);

        acks.Select(a => (a.Type, a.Timecode, a.ErrorId)).Should().Equal(("ERROR", start, 4004));
        endpoint.Stream("camera_101").Fragments.Should().ContainSingle();
    }

    [Fact]
    public async Task A_fragment_resent_in_a_new_session_is_acknowledged_and_stored_once()
    {
        var clip = await H264TestClip.LoadAsync();
        await using var endpoint = await StartWithCameraAsync();
        var gops = clip.Gops();
        var start = Epoch();
        byte[] Fragment(int i) => MatroskaTestBuilder.Fragment(start + gops[i][0].TimestampMs, gops[i]);

        await SendSessionAsync(endpoint, "camera_101", [.. MatroskaTestBuilder.Header(clip), .. Fragment(0), .. Fragment(1), .. MatroskaTestBuilder.EndOfFragmentTag()]);
        var second = await SendSessionAsync(endpoint, "camera_101", [.. MatroskaTestBuilder.Header(clip), .. Fragment(1), .. Fragment(2), .. MatroskaTestBuilder.EndOfFragmentTag()]);

        // ACKs of different fragments may interleave; each fragment's come in order.
        second.GroupBy(a => a.Timecode).Select(g => (g.Key, string.Join(",", g.Select(a => a.Type)))).Should().Equal(
            (start + gops[1][0].TimestampMs, "BUFFERING,RECEIVED,PERSISTED"), (start + gops[2][0].TimestampMs, "BUFFERING,RECEIVED,PERSISTED"));
        var stream = endpoint.Stream("camera_101");
        stream.DuplicateFragments.Should().Be(1);
        stream.UniqueFragments.Select(f => (f.Timecode, f.SessionIndex)).Should().Equal(
            (start, 0), (start + gops[1][0].TimestampMs, 0), (start + gops[2][0].TimestampMs, 1));
        stream.Sessions.Should().Equal(0, 1);
        endpoint.Violations.Should().BeEmpty();
        (await UniqueFragmentsDecodedFramesAsync(endpoint, "camera_101")).Should().Be(90);
    }

    [Fact]
    public async Task With_retention_0_fragments_are_RECEIVED_but_never_PERSISTED()
    {
        var clip = await H264TestClip.LoadAsync();
        await using var endpoint = await StartWithCameraAsync(retentionHours: 0);
        var gops = clip.Gops();
        var start = Epoch();

        var acks = await SendSessionAsync(endpoint, "camera_101", [.. MatroskaTestBuilder.Header(clip), .. MatroskaTestBuilder.Fragment(start, gops[0]), .. MatroskaTestBuilder.EndOfFragmentTag()]);

        acks.Select(a => a.Type).Should().Equal("BUFFERING", "RECEIVED");
        endpoint.Stream("camera_101").Fragments.Should().ContainSingle().Which.Persisted.Should().BeFalse();
    }

    [Fact]
    public async Task A_block_of_an_undeclared_track_gets_ERROR_4010()
    {
        var clip = await H264TestClip.LoadAsync();
        await using var endpoint = await StartWithCameraAsync();
        var start = Epoch();

        var acks = await SendSessionAsync(endpoint, "camera_101", [.. MatroskaTestBuilder.Header(clip), .. MatroskaTestBuilder.Fragment(start, clip.Gops()[0], trackNumber: 2)]);

        acks.Select(a => (a.Type, a.ErrorId)).Should().Equal(("BUFFERING", 0), ("ERROR", 4010));
        endpoint.Violations.Should().ContainSingle().Which.Should().Contain("track 2");
    }

    [Fact]
    public async Task A_fragment_longer_than_10_s_gets_ERROR_4002()
    {
        var clip = await H264TestClip.LoadAsync();
        await using var endpoint = await StartWithCameraAsync();
        var start = Epoch();
        var frames = clip.Gops()[0];
        var cluster = MatroskaTestBuilder.Cluster(start, [(0, true, frames[0].Data), (5000, false, frames[1].Data), (10_001, false, frames[2].Data)]);

        var acks = await SendSessionAsync(endpoint, "camera_101", [.. MatroskaTestBuilder.Header(clip), .. cluster]);

        acks.Select(a => (a.Type, a.ErrorId, a.ErrorCode)).Should().Equal(("BUFFERING", 0, null), ("ERROR", 4002, "MAX_FRAGMENT_DURATION_REACHED"));
    }

    [Fact]
    public async Task What_the_service_would_not_play_is_recorded_as_violations()
    {
        var clip = await H264TestClip.LoadAsync();
        await using var endpoint = await StartWithCameraAsync();
        var start = Epoch();
        var frames = clip.Gops()[0];
        byte[] annexB = [0, 0, 0, 1, .. frames[1].Data[4..]];
        var cluster = MatroskaTestBuilder.Cluster(start, [(0, true, frames[0].Data), (66, false, annexB), (33, false, frames[2].Data)]);
        var broken = new H264TestClip([1, 0x64, 0, 0x1F, 0xFF, 0xE0, 0], clip.Width, clip.Height, clip.Frames);

        await SendSessionAsync(endpoint, "camera_101", [.. MatroskaTestBuilder.Header(broken, timecodeScale: 1000), .. cluster, .. MatroskaTestBuilder.EndOfFragmentTag()]);

        endpoint.Violations.Should().HaveCount(4);
        endpoint.Violations.Should().Contain(v => v.Contains("TimecodeScale is 1000", StringComparison.Ordinal));
        endpoint.Violations.Should().Contain(v => v.Contains("CodecPrivate is not an AVCDecoderConfigurationRecord: no SPS", StringComparison.Ordinal));
        endpoint.Violations.Should().Contain(v => v.Contains("frame 2 of fragment", StringComparison.Ordinal) && v.Contains("not AVCC", StringComparison.Ordinal));
        endpoint.Violations.Should().Contain(v => v.Contains("block timecode 33 after 66", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_segment_in_one_request_gets_ERROR_4006()
    {
        var clip = await H264TestClip.LoadAsync();
        await using var endpoint = await StartWithCameraAsync();
        var gops = clip.Gops();
        var start = Epoch();

        var acks = await SendSessionAsync(endpoint, "camera_101",
            [.. MatroskaTestBuilder.Header(clip), .. MatroskaTestBuilder.Fragment(start, gops[0]), .. MatroskaTestBuilder.Header(clip), .. MatroskaTestBuilder.Fragment(start + 1000, gops[1])]);

        // The first fragment's PERSISTED may come before or after the ERROR.
        acks.Select(a => (a.Type, a.ErrorId)).Should().BeEquivalentTo([("BUFFERING", 0), ("RECEIVED", 0), ("ERROR", 4006), ("PERSISTED", 0)]);
        acks.FindIndex(a => a.Type == "RECEIVED").Should().BeLessThan(acks.FindIndex(a => a.Type == "ERROR"));
        endpoint.Violations.Should().ContainSingle().Which.Should().Contain("second EBML header");
    }

    [Fact]
    public async Task Without_data_IDLE_acks_come_every_interval_and_the_request_closes_after_the_idle_timeout()
    {
        var clip = await H264TestClip.LoadAsync();
        await using var endpoint = await LocalKinesisVideoEndpoint.StartAsync();
        endpoint.IdleAckInterval = TimeSpan.FromMilliseconds(300);
        endpoint.IdleTimeout = TimeSpan.FromSeconds(2);
        endpoint.AddStream("camera_101");
        await using var client = await OpenAsync(endpoint, "camera_101");
        await client.SendAsync([.. MatroskaTestBuilder.Header(clip), .. MatroskaTestBuilder.Fragment(Epoch(), clip.Gops()[0])]);

        var acks = (await client.ReadAcksToEndAsync()).Select(Parse).ToList();

        acks[0].Type.Should().Be("BUFFERING");
        acks.Skip(1).Should().OnlyContain(a => a.Type == "IDLE" && a.Timecode == 0 && a.Number == "");
        acks.Count.Should().BeGreaterThanOrEqualTo(3, "at least two IDLE ACKs in the 2 s without data");
        (await client.ConnectionClosedAsync(Patience)).Should().BeTrue();
        endpoint.Sessions.Single().Outcome.Should().Be("idle timeout");
        endpoint.Stream("camera_101").Fragments.Should().BeEmpty("a fragment is RECEIVED only when it is complete");
    }

    [Fact]
    public async Task Refused_connections_are_reset_until_the_duration_ends()
    {
        await using var endpoint = await StartWithCameraAsync();
        endpoint.RefuseConnectionsFor(TimeSpan.FromSeconds(5));

        var refused = async () =>
        {
            await using var client = await RawPutMediaClient.ConnectAsync(endpoint.DataUrl);
            await client.SendHeadAsync("camera_101");
            await client.ReadResponseAsync();
        };

        (await refused.Should().ThrowAsync<Exception>()).Which.Should().Match(e => e is IOException || e is SocketException, "the client sees a connection failure");
        endpoint.RefusedConnections.Should().BeGreaterThanOrEqualTo(1);
        endpoint.PutMediaRequests.Should().BeEmpty();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var client = await RawPutMediaClient.ConnectAsync(endpoint.DataUrl);
                await client.SendHeadAsync("camera_101");
                (await client.ReadResponseAsync()).Status.Should().Be(200);
                break;
            }
            catch (Exception e) when (e is IOException or SocketException && deadline.Elapsed < Patience)
            {
                await Task.Delay(100);
            }
        }
        deadline.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(1), "the refusal lasts its duration");
    }

    [Fact]
    public async Task A_connection_dropped_mid_fragment_ends_without_the_end_of_the_response_and_the_fragment_is_not_received()
    {
        var clip = await H264TestClip.LoadAsync();
        await using var endpoint = await StartWithCameraAsync();
        var header = MatroskaTestBuilder.Header(clip);
        var start = Epoch();
        var fragment = MatroskaTestBuilder.Fragment(start, clip.Gops()[0]);
        endpoint.DropConnectionAfterBytes(header.Length + (fragment.Length / 2));
        await using var client = await OpenAsync(endpoint, "camera_101");

        var sending = async () =>
        {
            await client.SendAsync(header);
            for (var at = 0; at < fragment.Length; at += 1000)
            {
                await client.SendAsync(fragment[at..Math.Min(fragment.Length, at + 1000)]);
            }
            await client.EndBodyAsync();
        };
        try
        {
            await sending();
        }
        catch (IOException)
        {
            // The reset may reach the sender first.
        }

        // The response never ends properly: the ACK stream stops at a reset or an end of stream without the last chunk.
        var acks = new List<string>();
        while (await client.ReadAckAsync() is { } ack)
        {
            acks.Add(ack);
        }
        // BUFFERING may or may not have left before the reset; nothing after it can have.
        acks.Select(a => Parse(a).Type).Should().BeSubsetOf(["BUFFERING"]);
        var session = endpoint.Sessions.Single();
        await session.Ended.WaitAsync(Patience);
        session.Outcome.Should().StartWith("dropped after");
        endpoint.Stream("camera_101").Fragments.Should().BeEmpty();

        // The producer resends the fragment in a new session: not a duplicate, since it never was received.
        var again = await SendSessionAsync(endpoint, "camera_101", [.. header, .. fragment, .. MatroskaTestBuilder.EndOfFragmentTag()]);
        again.Select(a => a.Type).Should().Equal("BUFFERING", "RECEIVED", "PERSISTED");
        endpoint.Stream("camera_101").DuplicateFragments.Should().Be(0);
    }

    [Theory]
    [InlineData(5000, "INTERNAL_ERROR")]
    [InlineData(4004, "FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS")]
    public async Task An_injected_ERROR_ack_answers_the_next_fragment_and_closes_the_request(int errorId, string errorCode)
    {
        var clip = await H264TestClip.LoadAsync();
        await using var endpoint = await StartWithCameraAsync();
        var gops = clip.Gops();
        var start = Epoch();
        await using var client = await OpenAsync(endpoint, "camera_101");
        await client.SendAsync([.. MatroskaTestBuilder.Header(clip), .. MatroskaTestBuilder.Fragment(start, gops[0])]);
        Ack(await client.ReadAckAsync()).Should().Be(("BUFFERING", start));

        endpoint.FailNextFragment(errorId, errorCode);
        await client.SendAsync(MatroskaTestBuilder.Fragment(start + 1000, gops[1]));
        var acks = (await client.ReadAcksToEndAsync()).Select(Parse).ToList();

        // The first fragment's PERSISTED may come before or after the ERROR.
        acks.Select(a => (a.Type, a.Timecode, a.ErrorId, a.ErrorCode)).Should().BeEquivalentTo([("RECEIVED", start, 0, (string?)null), ("ERROR", start + 1000, errorId, errorCode), ("PERSISTED", start, 0, null)]);
        acks[0].Type.Should().Be("RECEIVED");
        (await client.ConnectionClosedAsync(Patience)).Should().BeTrue();
        endpoint.Sessions.Single().Outcome.Should().Be($"error {errorId} {errorCode}");
    }

    [Fact]
    public async Task Throttled_calls_get_400_ClientLimitExceededException_and_then_calls_succeed()
    {
        await using var endpoint = await StartWithCameraAsync();
        endpoint.ThrottleNextCalls(2);

        var statuses = await CallStatusesAsync(endpoint, 3, withSessionToken: false);

        statuses.Should().Equal((400, "ClientLimitExceededException"), (400, "ClientLimitExceededException"), (200, null));
    }

    [Fact]
    public async Task Calls_with_expired_credentials_get_403_ExpiredTokenException_and_then_calls_succeed()
    {
        await using var endpoint = await StartWithCameraAsync();
        endpoint.ExpireCredentialsForNextCalls(1);

        var statuses = await CallStatusesAsync(endpoint, 2, withSessionToken: true);

        statuses.Should().Equal((403, "ExpiredTokenException"), (200, null));
    }

    [Fact]
    public async Task Slow_acks_come_no_earlier_than_the_delay()
    {
        var clip = await H264TestClip.LoadAsync();
        await using var endpoint = await StartWithCameraAsync();
        endpoint.AckDelay = TimeSpan.FromSeconds(1.5);
        await using var client = await OpenAsync(endpoint, "camera_101");
        var start = Epoch();

        var clock = Stopwatch.StartNew();
        await client.SendAsync([.. MatroskaTestBuilder.Header(clip), .. MatroskaTestBuilder.Fragment(start, clip.Gops()[0])]);
        var ack = await client.ReadAckAsync();

        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1.4));
        Ack(ack).Should().Be(("BUFFERING", start));
    }

    [Fact]
    public async Task A_connection_older_than_the_max_duration_gets_ERROR_4003_and_closes()
    {
        var clip = await H264TestClip.LoadAsync();
        await using var endpoint = await StartWithCameraAsync();
        await using var client = await OpenAsync(endpoint, "camera_101");
        var start = Epoch();
        await client.SendAsync([.. MatroskaTestBuilder.Header(clip), .. MatroskaTestBuilder.Fragment(start, clip.Gops()[0])]);
        Ack(await client.ReadAckAsync()).Should().Be(("BUFFERING", start));

        endpoint.MaxConnectionDuration = TimeSpan.FromSeconds(1);
        var acks = (await client.ReadAcksToEndAsync()).Select(Parse).ToList();

        acks.Should().ContainSingle().Which.Should().Be(new ParsedAck("ERROR", start, acks[0].Number, 4003, "MAX_CONNECTION_DURATION_REACHED"));
        (await client.ConnectionClosedAsync(Patience)).Should().BeTrue();
    }

    private sealed record ParsedAck(string Type, long Timecode, string Number, int ErrorId, string? ErrorCode);

    private static ParsedAck Parse(string json)
    {
        var root = JsonDocument.Parse(json).RootElement;
        return new ParsedAck(
            root.GetProperty("EventType").GetString()!,
            root.TryGetProperty("FragmentTimecode", out var t) ? t.GetInt64() : 0,
            root.TryGetProperty("FragmentNumber", out var n) ? n.GetString()! : "",
            root.TryGetProperty("ErrorId", out var id) ? id.GetInt32() : 0,
            root.TryGetProperty("ErrorCode", out var code) ? code.GetString() : null);
    }

    private static (string, long) Ack(string? json)
    {
        json.Should().NotBeNull("an ACK was expected");
        var ack = Parse(json!);
        return (ack.Type, ack.Timecode);
    }

    /// <summary>A wall-clock start in epoch ms, as ABSOLUTE timecodes are.</summary>
    private static long Epoch() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>An endpoint with the ACTIVE stream camera_101 (retention 2 h unless told).</summary>
    private static async Task<LocalKinesisVideoEndpoint> StartWithCameraAsync(int retentionHours = 2)
    {
        var endpoint = await LocalKinesisVideoEndpoint.StartAsync(retentionHours: retentionHours);
        endpoint.AddStream("camera_101");
        return endpoint;
    }

    private static async Task<RawPutMediaClient> OpenAsync(LocalKinesisVideoEndpoint endpoint, string stream)
    {
        var client = await RawPutMediaClient.ConnectAsync(endpoint.DataUrl);
        await client.SendHeadAsync(stream, endpoint.Region);
        // The 200 comes before any byte of the body: the service answers at once.
        var response = await client.ReadResponseAsync();
        response.Status.Should().Be(200, response.ErrorBody);
        return client;
    }

    /// <summary>One whole session: the body, its end, and every ACK until the response ends.</summary>
    private static async Task<List<ParsedAck>> SendSessionAsync(LocalKinesisVideoEndpoint endpoint, string stream, byte[] body)
    {
        await using var client = await OpenAsync(endpoint, stream);
        await client.SendAsync(body);
        try
        {
            await client.EndBodyAsync();
        }
        catch (IOException)
        {
            // An ERROR ACK closes the request; the end of the body may find the connection gone.
        }
        var acks = (await client.ReadAcksToEndAsync()).Select(Parse).ToList();
        await endpoint.Sessions[^1].Ended.WaitAsync(Patience);
        return acks;
    }

    /// <summary>The status and error type of each of <paramref name="calls"/> PutMedia calls to camera_101, one connection each.</summary>
    private static async Task<List<(int Status, string? ErrorType)>> CallStatusesAsync(LocalKinesisVideoEndpoint endpoint, int calls, bool withSessionToken)
    {
        var statuses = new List<(int, string?)>();
        for (var i = 0; i < calls; i++)
        {
            await using var client = await RawPutMediaClient.ConnectAsync(endpoint.DataUrl);
            if (withSessionToken)
            {
                await client.SendHeadAsync("camera_101", accessKey: "ASIABACKPACKTEST0002", signingSecret: TestCredentials.Secret + "2", token: TestCredentials.Token);
            }
            else
            {
                await client.SendHeadAsync("camera_101");
            }
            var response = await client.ReadResponseAsync();
            statuses.Add((response.Status, response.Headers.TryGetValue("x-amzn-ErrorType", out var type) ? type.Split(':')[0] : null));
        }
        return statuses;
    }

    private static string TempFile() => Path.Combine(Path.GetTempPath(), $"backpack-kvs-{Guid.NewGuid():N}.mkv");

    /// <summary>How many frames ffprobe decodes from the stream's unique fragments written as one .mkv.</summary>
    private static async Task<int> UniqueFragmentsDecodedFramesAsync(LocalKinesisVideoEndpoint endpoint, string stream)
    {
        var file = TempFile();
        try
        {
            endpoint.WriteUniqueFragmentsToFile(stream, file);
            return await DecodedFramesAsync(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<int> DecodedFramesAsync(string path)
    {
        var probe = await RunAsync("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path);
        probe.Exit.Should().Be(0, probe.Output);
        probe.Error.Should().BeEmpty("every frame decodes");
        return int.Parse(probe.Output.Trim(), CultureInfo.InvariantCulture);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
