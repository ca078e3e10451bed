using System.Diagnostics;
using Backpack.Streaming.Rtsp;

namespace Backpack.Streaming.Tests.Rtsp;

/// <summary>StopAsync and DisposeAsync: the server stops without blocking its caller, and disposal stays correct.</summary>
public sealed class RtspAsyncShutdownTests
{
    [Fact]
    public async Task StopAsync_with_a_client_watching_returns_to_the_caller_at_once_ends_the_client_and_serves_again_after_start()
    {
        using var live = new LiveStream();
        var stream = live.Add("/camera");
        live.Started();
        using var watching = RtspClients.StartFfprobe(live.Url("/camera"), "tcp", 30);
        SpinWait.SpinUntil(() => stream.ClientCount == 1 && stream.Statistics.FramesEncoded > 10, TimeSpan.FromSeconds(20)).Should().BeTrue();

        var call = Stopwatch.StartNew();
        var stopping = live.Server.StopAsync();
        var returned = call.Elapsed;
        await stopping.WaitAsync(TimeSpan.FromSeconds(15));

        returned.Should().BeLessThan(TimeSpan.FromMilliseconds(500), "StopAsync waits for the media and the loop thread without blocking its caller");
        live.Server.IsRunning.Should().BeFalse();
        live.Server.LastLoopThread!.IsAlive.Should().BeFalse("the server's thread ended before StopAsync completed");
        watching.WaitForExit(TimeSpan.FromSeconds(15)).Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        await live.Server.StopAsync().WaitAsync(TimeSpan.FromSeconds(5));

        live.Server.Start();
        var again = RtspClients.Ffprobe(live.Url("/camera"), "udp", 1.5);
        again.Frames.Should().BeGreaterThan(0, again.Process + "\n" + live.LogText);
    }

    [Fact]
    public async Task DisposeAsync_stops_the_server_and_disposes_its_streams_and_is_idempotent()
    {
        var server = new RtspServer(new RtspServerOptions { Port = 0, Address = "127.0.0.1" });
        var stream = server.AddStream("/camera", new() { FrameRate = 30, Width = 320, Height = 240 });
        stream.StartStreaming();
        server.Start();

        await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        server.Dispose();

        server.IsRunning.Should().BeFalse();
        stream.Put(TestFrames.Numbered(320, 240, 0)).Should().BeFalse("the server disposed its streams");
        ((Action)server.Start).Should().Throw<ObjectDisposedException>();
        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(5));
    }
}
