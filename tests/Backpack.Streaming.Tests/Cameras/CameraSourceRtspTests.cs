using Backpack.Streaming.Cameras;
using Backpack.Streaming.Rtsp;
using Xunit.Abstractions;

namespace Backpack.Streaming.Tests.Cameras;

/// <summary>
/// Cameras that are real RTSP servers independent of Backpack (gst-rtsp-server through python3-gi, serving an H.264
/// clip without re-encoding), over TCP and UDP, with credentials, and one that drops and comes back.
/// </summary>
public sealed class CameraSourceRtspTests(ITestOutputHelper output)
{
    private static CancellationToken Within(double seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Theory]
    [InlineData(RtspTransports.Tcp, true)]
    [InlineData(RtspTransports.Udp, false)]
    public async Task An_RTSP_camera_that_requires_a_password_streams_its_frames_over_the_transport_asked(RtspTransports transport, bool credentialsInUrl)
    {
        using var server = CameraServer.Start(CameraClips.Camera, user: "viewer", password: "p@ss:word");
        var options = credentialsInUrl
            ? new CameraSourceOptions { Source = server.Url.Replace("rtsp://", "rtsp://viewer:p%40ss%3Aword@", StringComparison.Ordinal) }
            : new CameraSourceOptions { Source = server.Url, UserName = "viewer", Password = "p@ss:word" };
        options.RtspTransport = transport;
        await using var camera = new CameraSource(options);
        camera.Start();

        var frames = new List<CameraFrame>();
        await foreach (var frame in camera.ReadAllAsync(Within(30)))
        {
            frames.Add(frame);
            if (frames.Count == 15)
            {
                break;
            }
        }

        frames.Should().HaveCount(15, camera.Statistics.ToString());
        frames.Should().AllSatisfy(frame => (frame.Frame.Width, frame.Frame.Height).Should().Be((640, 360)));
        frames.Select(frame => frame.PresentationTime!.Value).Should().BeInAscendingOrder();
        camera.State.Should().Be(CameraState.Streaming);
        frames.ForEach(frame => frame.Dispose());
    }

    [Fact]
    public async Task A_wrong_password_is_a_failure_the_source_retries_never_an_exception_nor_a_frame()
    {
        using var server = CameraServer.Start(CameraClips.Camera, user: "viewer", password: "right");
        await using var camera = new CameraSource(new CameraSourceOptions { Source = server.Url, UserName = "viewer", Password = "wrong", ReconnectDelay = TimeSpan.FromMilliseconds(200) });
        using var watch = new CameraWatch(camera);
        camera.Start();

        var failure = watch.WaitFor(CameraState.Reconnecting);

        failure.Reason.Should().MatchRegex("(?i)unauthori[sz]ed|401|authenticat", "GStreamer's reason says the camera refused the credentials");
        camera.Statistics.FramesReceived.Should().Be(0);
    }

    [Fact]
    public async Task A_camera_that_goes_away_and_comes_back_is_reconnected_and_the_reading_loop_never_sees_an_exception()
    {
        using var server = CameraServer.Start(CameraClips.Camera);
        var logger = new CapturingLogger();
        await using var camera = new CameraSource(new CameraSourceOptions
        {
            Source = server.Url,
            ReconnectDelay = TimeSpan.FromMilliseconds(250),
            MaxReconnectDelay = TimeSpan.FromSeconds(1),
            StallTimeout = TimeSpan.FromSeconds(3),
        }, logger);
        using var watch = new CameraWatch(camera, logger);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var frames = new List<(long Sequence, bool FollowsGap)>();
        camera.Start();
        var loop = Task.Run(async () =>
        {
            await foreach (var frame in camera.ReadAllAsync(stop.Token))
            {
                using (frame)
                {
                    lock (frames)
                    {
                        frames.Add((frame.Sequence, frame.FollowsGap));
                    }
                }
            }
        });
        watch.WaitFor(CameraState.Streaming, seconds: 30);

        server.Kill();
        var lost = watch.WaitFor(CameraState.Reconnecting, seconds: 30);
        int before;
        lock (frames)
        {
            before = frames.Count;
        }
        await Task.Delay(1500);
        server.Restart();
        watch.WaitFor(CameraState.Streaming, occurrence: 2, seconds: 30);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && frames.Count < before + 10)
        {
            await Task.Delay(100);
        }
        await stop.CancelAsync();
        await loop;
        foreach (var entry in logger.Entries)
        {
            output.WriteLine($"{entry.Level}: {entry.Message}");
        }

        lost.Reason.Should().NotBeNullOrEmpty();
        before.Should().BeGreaterThan(0);
        lock (frames)
        {
            frames.Count.Should().BeGreaterThanOrEqualTo(before + 10, "frames resume once the camera is back");
            frames.Skip(before).Should().Contain(frame => frame.FollowsGap, "the first frame after the outage says so");
        }
        camera.Statistics.Reconnects.Should().BeGreaterThan(0);
        watch.Changes.Select(change => change.Current).Should().ContainInOrder(CameraState.Connecting, CameraState.Streaming, CameraState.Reconnecting, CameraState.Streaming);
        loop.IsCompletedSuccessfully.Should().BeTrue("the reading loop never saw an exception");
    }

    [Fact]
    public async Task A_camera_that_hangs_without_a_word_is_noticed_by_the_stall_timeout_and_reconnected_once_it_answers_again()
    {
        using var server = CameraServer.Start(CameraClips.Camera);
        await using var camera = new CameraSource(new CameraSourceOptions
        {
            Source = server.Url,
            RtspTransport = RtspTransports.Udp,
            ReconnectDelay = TimeSpan.FromMilliseconds(250),
            MaxReconnectDelay = TimeSpan.FromSeconds(1),
            StallTimeout = TimeSpan.FromSeconds(2),
        });
        using var watch = new CameraWatch(camera);
        camera.Start();
        watch.WaitFor(CameraState.Streaming, seconds: 30);

        server.Freeze(true);
        var stalled = watch.WaitFor(CameraState.Reconnecting, seconds: 30);
        await Task.Delay(1000);
        var receivedWhileFrozen = camera.Statistics.FramesReceived;
        server.Freeze(false);
        watch.WaitFor(CameraState.Streaming, occurrence: 2, seconds: 30);
        using var frame = await camera.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);

        stalled.Reason.Should().Contain("no frame for 2 s", "a frozen camera sends neither frames nor an error");
        frame.Should().NotBeNull();
        camera.Statistics.FramesReceived.Should().BeGreaterThan(receivedWhileFrozen);
    }
}
