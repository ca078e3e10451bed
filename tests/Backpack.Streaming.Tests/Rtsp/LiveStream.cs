using Backpack.Imaging;
using Backpack.Streaming.Rtsp;
using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.Rtsp;

/// <summary>
/// An RTSP server on a free loopback port with streams fed in real time by a thread of their own, as an
/// application's frame loop would; disposing stops everything.
/// </summary>
internal sealed class LiveStream : IDisposable
{
    private readonly List<Feeder> _feeders = [];

    internal LiveStream(RtspServerOptions? options = null)
    {
        Server = new RtspServer(options ?? new RtspServerOptions { Port = 0, Address = "127.0.0.1" }, Logs);
    }

    /// <summary>Everything the server and its streams logged.</summary>
    internal CapturingLogger Logs { get; } = new();

    /// <summary>The log as text, for assertion messages.</summary>
    internal string LogText => string.Join('\n', Logs.Entries.Select(entry => $"{entry.Level} {entry.Category}: {entry.Message}"));

    internal RtspServer Server { get; }

    /// <summary>Adds a stream and feeds it <paramref name="fps"/> frames a second from now on.</summary>
    internal RtspSkyLine Add(string path, int width = 320, int height = 240, double fps = 30, TimeSpan? keyFrameInterval = null)
    {
        var skyLine = AddWithoutFrames(path, width, height, fps, keyFrameInterval);
        Feed(skyLine);
        return skyLine;
    }

    /// <summary>Adds a stream that is streaming but gets no frame until <see cref="Feed"/>, as an application whose camera has not delivered yet.</summary>
    internal RtspSkyLine AddWithoutFrames(string path, int width = 320, int height = 240, double fps = 30, TimeSpan? keyFrameInterval = null)
    {
        var skyLine = Server.AddStream(path, new SkyLineOptions
        {
            Name = path.Trim('/'),
            FrameRate = fps,
            Width = width,
            Height = height,
            KeyFrameInterval = keyFrameInterval ?? TimeSpan.FromSeconds(2),
        });
        skyLine.StartStreaming();
        return skyLine;
    }

    /// <summary>Feeds a stream of this server at its frame rate and size from now on.</summary>
    internal void Feed(RtspSkyLine skyLine)
    {
        var format = skyLine.Format ?? throw new InvalidOperationException($"{skyLine} is not streaming; nothing to feed.");
        _feeders.Add(new Feeder(skyLine, format.Width, format.Height, format.FrameRate));
    }

    /// <summary>Stops feeding the stream at <paramref name="path"/> (its feeder thread ends) and removes it from the server.</summary>
    internal bool Remove(string path)
    {
        var normalized = RtspServer.NormalizePath(path);
        foreach (var feeder in _feeders.Where(feeder => feeder.SkyLine.Path == normalized).ToList())
        {
            feeder.Dispose();
            _feeders.Remove(feeder);
        }
        return Server.RemoveStream(path);
    }

    /// <summary>Starts the server and returns this, for chaining.</summary>
    internal LiveStream Started()
    {
        Server.Start();
        return this;
    }

    /// <summary>The loopback URL of a path (the server listens on 127.0.0.1).</summary>
    internal Uri Url(string path) => new($"rtsp://127.0.0.1:{Server.Port}{RtspServer.NormalizePath(path)}");

    /// <summary>The loopback URL of a path with credentials in it.</summary>
    internal Uri Url(string path, string user, string password) =>
        new($"rtsp://{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password)}@127.0.0.1:{Server.Port}{RtspServer.NormalizePath(path)}");

    public void Dispose()
    {
        foreach (var feeder in _feeders)
        {
            feeder.Dispose();
        }
        Server.Dispose();
    }

    /// <summary>
    /// Puts frames at the stream's rate until disposed: a fixed noise texture with a block moving across it,
    /// as camera footage has texture and motion. (Flat frames would make the encoder see a scene cut in
    /// almost every frame and start key frames by itself, which hides whether key frames are forced.)
    /// </summary>
    private sealed class Feeder : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;

        internal Feeder(RtspSkyLine skyLine, int width, int height, double fps)
        {
            SkyLine = skyLine;
            _thread = new Thread(() => Run(skyLine, width, height, fps)) { IsBackground = true, Name = "test feeder" };
            _thread.Start();
        }

        internal RtspSkyLine SkyLine { get; }

        public void Dispose()
        {
            _stop.Cancel();
            _thread.Join(TimeSpan.FromSeconds(10));
            _stop.Dispose();
        }

        private void Run(SkyLine skyLine, int width, int height, double fps)
        {
            using var texture = BgrFrame.Create(width, height);
            new Random(7).NextBytes(texture.Pixels);
            using var frame = BgrFrame.Create(width, height);
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / fps));
            var side = Math.Min(width, height) / 6;
            var index = 0;
            try
            {
                while (timer.WaitForNextTickAsync(_stop.Token).AsTask().GetAwaiter().GetResult())
                {
                    texture.CopyTo(frame);
                    var x = (index++ * 4) % (width - side);
                    using (var block = frame.Crop(x, (height - side) / 2, side, side))
                    {
                        block.Fill(255, 255, 255);
                    }
                    skyLine.Put(frame);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (ObjectDisposedException)
            {
                // The stream was removed while the feeder ran.
            }
        }
    }
}
