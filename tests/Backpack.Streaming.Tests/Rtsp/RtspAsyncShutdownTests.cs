using System.Collections.Concurrent;
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

    [Fact]
    public async Task Add_Remove_Start_and_Stop_racing_DisposeAsync_neither_deadlock_nor_throw_anything_but_ObjectDisposedException_from_Add_and_Start()
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var server = new RtspServer(new RtspServerOptions { Port = 0, Address = "127.0.0.1" });
            Backpack.Streaming.SkyLines.SkyLineOptions Options(string name) => new() { Name = name, FrameRate = 30, Width = 320, Height = 240 };
            for (var i = 0; i < 3; i++)
            {
                server.AddStream($"/camera{i}", Options($"camera{i}")).StartStreaming();
            }
            server.Start();
            var unexpected = new ConcurrentQueue<Exception>();
            var refusedAdds = 0;
            using var done = new CancellationTokenSource();

            // Each racer runs until a moment after the disposal, so that it races it from start to end.
            void Race(Action step)
            {
                while (!done.IsCancellationRequested)
                {
                    try
                    {
                        step();
                    }
                    catch (Exception exception)
                    {
                        unexpected.Enqueue(exception);
                    }
                }
            }
            var racers = new[]
            {
                Task.Run(() => Race(() =>
                {
                    try
                    {
                        server.AddStream("/racer", Options("racer"));
                    }
                    catch (ObjectDisposedException)
                    {
                        Interlocked.Increment(ref refusedAdds);
                    }
                    catch (ArgumentException) when (server.Streams.Any(stream => stream.Path == "/racer"))
                    {
                        // Still mounted from the racer's last turn.
                    }
                    server.RemoveStream("/racer");
                })),
                Task.Run(() => Race(() => server.RemoveStream("/camera1"))),
                Task.Run(() => Race(() =>
                {
                    server.Stop();
                    try
                    {
                        server.Start();
                    }
                    catch (ObjectDisposedException)
                    {
                    }
                })),
            };
            await Task.Delay(TimeSpan.FromMilliseconds(50 + (attempt * 100)));

            await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromMilliseconds(100));
            await done.CancelAsync();
            await Task.WhenAll(racers).WaitAsync(TimeSpan.FromSeconds(30));

            unexpected.Should().BeEmpty($"attempt {attempt}: only Add and Start throw, and only ObjectDisposedException, once the server is disposed");
            refusedAdds.Should().BeGreaterThan(0, "the racer went on adding after the disposal");
            server.IsRunning.Should().BeFalse($"attempt {attempt}: a Start racing the disposal does not leave the server running");
            server.LastLoopThread!.IsAlive.Should().BeFalse();
            server.Streams.Should().BeEmpty($"attempt {attempt}: every stream, added before the disposal or during it, is disposed");
            ((Func<RtspSkyLine>)(() => server.AddStream("/late"))).Should().Throw<ObjectDisposedException>();
        }
    }
}
