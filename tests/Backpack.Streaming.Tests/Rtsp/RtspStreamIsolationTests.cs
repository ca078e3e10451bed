using System.Diagnostics;
using Backpack.Streaming.Rtsp;

namespace Backpack.Streaming.Tests.Rtsp;

/// <summary>
/// One stream never holds up the clients of another: a stream without frames, or one stopped or removed
/// while a client is connecting to it, leaves the other streams served at once.
/// </summary>
/// <remarks>
/// A client's request for a stream waits until the stream's media has its first frame (gst-rtsp-server
/// gives up after 20 s). The bounds below (10 s) sit well under that wait and well above the second or two
/// a client of a healthy stream needs on a busy machine.
/// </remarks>
public sealed class RtspStreamIsolationTests
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_stream_without_frames_does_not_delay_the_clients_of_another_stream()
    {
        using var live = new LiveStream();
        var silent = live.AddWithoutFrames("/silent");
        live.Add("/camera");
        live.Started();
        using var waiting = StartConnecting(live, silent);

        var other = RtspClients.Ffprobe(live.Url("/camera"), "tcp", seconds: 1);

        other.Frames.Should().BeGreaterThan(0, other.Process.ToString());
        other.Process.Elapsed.Should().BeLessThan(Prompt, "the other stream's client is served while the silent stream's client waits");
        waiting.HasExited.Should().BeFalse("the silent stream's client still waits for a first frame");
    }

    [Fact]
    public void A_client_of_a_stream_without_frames_yet_gets_its_first_picture_as_soon_as_frames_come()
    {
        using var live = new LiveStream();
        var late = live.AddWithoutFrames("/late");
        live.Started();
        using var waiting = StartConnecting(live, late);

        live.Feed(late);

        var decoded = RtspClients.ParseFfprobe(waiting.WaitForExit(TimeSpan.FromSeconds(40)));
        (decoded.Width, decoded.Height).Should().Be((320, 240), decoded.Process.ToString());
        decoded.Frames.Should().BeGreaterThanOrEqualTo(30, decoded.Process.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Stopping_a_stream_while_a_client_connects_ends_that_client_at_once_and_delays_no_other_stream(bool fed)
    {
        using var live = new LiveStream();
        var stopping = live.AddWithoutFrames("/stopping");
        if (fed)
        {
            // Frames come, but the stop falls right when the client's request reaches the stream.
            live.Feed(stopping);
        }
        live.Add("/camera");
        live.Started();
        using var connecting = StartConnecting(live, stopping);

        var stop = Stopwatch.StartNew();
        stopping.StopStreaming();
        stop.Elapsed.Should().BeLessThan(Prompt, "stopping does not wait for the connecting client");

        AssertEndsPromptly(connecting, hadNoFrame: !fed);
        AssertServedPromptly(live, "/camera");
        RtspClients.Ffprobe(live.Url("/stopping"), "tcp", 1).Process.Error.Should().Contain("404");
    }

    [Fact]
    public void Removing_a_stream_while_a_client_connects_ends_that_client_at_once_and_delays_no_other_stream()
    {
        using var live = new LiveStream();
        var removed = live.AddWithoutFrames("/removed");
        live.Add("/camera");
        live.Started();
        using var connecting = StartConnecting(live, removed);

        var remove = Stopwatch.StartNew();
        live.Server.RemoveStream("/removed").Should().BeTrue();
        remove.Elapsed.Should().BeLessThan(Prompt, "removing does not wait for the connecting client");

        AssertEndsPromptly(connecting, hadNoFrame: true);
        AssertServedPromptly(live, "/camera");
        live.Server.Streams.Should().ContainSingle().Which.Path.Should().Be("/camera");
    }

    /// <summary>Starts a client of <paramref name="stream"/> and returns once its request reached the stream (the stream's media is made).</summary>
    private static ChildProcess.Background StartConnecting(LiveStream live, RtspSkyLine stream)
    {
        var client = RtspClients.StartFfprobe(live.Url(stream.Path), "tcp", 2);
        if (!SpinWait.SpinUntil(() => stream.IsWatched, Prompt))
        {
            client.Dispose();
            throw new TimeoutException($"The client's request did not reach {stream.Path} within {Prompt.TotalSeconds} s.");
        }
        return client;
    }

    private static void AssertEndsPromptly(ChildProcess.Background client, bool hadNoFrame)
    {
        var ended = client.WaitForExit(TimeSpan.FromSeconds(40));
        ended.Elapsed.Should().BeLessThan(Prompt, "the connecting client is refused or disconnected, not left waiting: " + ended);
        if (hadNoFrame)
        {
            ended.Error.Should().Contain("503 Service Unavailable", "a stream that ends before its first frame refuses the client that waited for it");
        }
    }

    private static void AssertServedPromptly(LiveStream live, string path)
    {
        var other = RtspClients.Ffprobe(live.Url(path), "tcp", seconds: 1);
        other.Frames.Should().BeGreaterThan(0, other.Process.ToString());
        other.Process.Elapsed.Should().BeLessThan(Prompt, "another stream's client is served at once");
    }
}
