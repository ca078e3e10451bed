using System.Diagnostics;
using Backpack.Cli.Bench;
using Backpack.Imaging;
using Backpack.Streaming.SkyLines;

namespace Backpack.Web.Tests;

/// <summary>
/// An app's loop for the tests: a SkyLine fed at a steady rate from a thread of its own, each frame carrying its number
/// as a frame code (<see cref="FrameCode"/>) over a moving grey, and the wall-clock time each number was put.
/// </summary>
internal sealed class StreamFeed : IDisposable
{
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly double[] _putAt = new double[1 << FrameCode.Bits];
    private long _framesPut;

    internal StreamFeed(string name, int width = 640, int height = 360, double fps = 30)
    {
        Width = width;
        Height = height;
        FrameRate = fps;
        SkyLine = new SkyLine(new SkyLineOptions { Name = name, FrameRate = fps, Width = width, Height = height, KeyFrameInterval = TimeSpan.FromSeconds(1) });
        SkyLine.StartStreaming();
        _thread = new Thread(Run) { IsBackground = true, Name = $"feed {name}" };
        _thread.Start();
    }

    internal SkyLine SkyLine { get; }

    internal int Width { get; }

    internal int Height { get; }

    internal double FrameRate { get; }

    internal long FramesPut => Interlocked.Read(ref _framesPut);

    /// <summary>When the frame whose code is <paramref name="code"/> was last put, in ms since 1970 (0 for never).</summary>
    internal double PutAt(int code) => Volatile.Read(ref _putAt[code & 0xFFFF]);

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        SkyLine.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        using var frame = BgrFrame.Create(Width, Height);
        var period = Stopwatch.Frequency / FrameRate;
        var start = Stopwatch.GetTimestamp();
        for (var number = 0; !_stop.IsCancellationRequested; number++)
        {
            var due = start + (long)(number * period);
            while (Stopwatch.GetTimestamp() < due && !_stop.IsCancellationRequested)
            {
                var left = (due - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency;
                Thread.Sleep((int)Math.Clamp(left - 1, 0, 20));
            }
            var level = (byte)(40 + (number % 120));
            frame.Fill(level, (byte)(level / 2), 90);
            FrameCode.Draw(frame, number);
            Volatile.Write(ref _putAt[number & 0xFFFF], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (DateTime.UtcNow.Ticks % TimeSpan.TicksPerMillisecond / 10_000.0));
            SkyLine.Put(frame);
            Interlocked.Increment(ref _framesPut);
        }
    }
}
