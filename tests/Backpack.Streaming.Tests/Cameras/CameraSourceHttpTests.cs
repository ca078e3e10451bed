using System.Net.Sockets;
using Backpack.Streaming.Cameras;
using Backpack.Streaming.Tests.Rtsp;

namespace Backpack.Streaming.Tests.Cameras;

/// <summary>A camera that is an HTTP stream, served by Python's own web server (an independent HTTP server).</summary>
public sealed class CameraSourceHttpTests
{
    [Fact]
    public async Task An_HTTP_stream_delivers_frames_and_its_end_is_a_dropped_camera_that_is_reconnected()
    {
        var clip = CameraClips.StreamableBall;
        var port = CameraServer.FreePort();
        using var server = ChildProcess.StartBackground(
            "/usr/bin/python3", ["-m", "http.server", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--directory", Path.GetDirectoryName(clip)!]);
        WaitUntilListening(port);
        await using var camera = new CameraSource(new CameraSourceOptions
        {
            Source = $"http://127.0.0.1:{port}/{Path.GetFileName(clip)}",
            Width = 320,
            Height = 180,
            ReconnectDelay = TimeSpan.FromMilliseconds(100),
        });
        using var watch = new CameraWatch(camera);
        camera.Start();

        using (var frame = await camera.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token))
        {
            frame.Should().NotBeNull();
            (frame!.Frame.Width, frame.Frame.Height).Should().Be((320, 180));
        }
        var end = watch.WaitFor(CameraState.Reconnecting);
        watch.WaitFor(CameraState.Streaming, occurrence: 2);

        end.Reason.Should().Contain("ended its stream", "an HTTP source is live: its end is a camera that dropped");
        camera.Statistics.Reconnects.Should().BeGreaterThan(0);
    }

    private static void WaitUntilListening(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }
}
