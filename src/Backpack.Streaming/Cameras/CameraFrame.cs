using Backpack.Imaging;

namespace Backpack.Streaming.Cameras;

/// <summary>
/// One frame of a camera, lent to the application: the picture (<see cref="Frame"/>, BGR, contiguous) and when it
/// was taken. Dispose it when done, which returns its memory to the source's pool; a frame kept without being
/// disposed is not lost, its memory only goes to the garbage collector instead of back to the pool.
/// </summary>
/// <remarks>
/// Once disposed, <see cref="Frame"/> throws <see cref="ObjectDisposedException"/> on any access to its pixels, so a
/// frame used after its return can never show another frame's picture. Not thread safe for concurrent writes,
/// like <see cref="BgrFrame"/>; <see cref="Dispose"/> is idempotent and may be called from any thread.
/// </remarks>
public sealed class CameraFrame : IDisposable
{
    private readonly PixelPool _pool;
    private byte[]? _pixels;

    internal CameraFrame(PixelPool pool, byte[] pixels, int width, int height, TimeSpan? presentationTime, DateTimeOffset wallClockTime, long sequence, bool followsGap)
    {
        _pool = pool;
        _pixels = pixels;
        Frame = BgrFrame.Wrap(pixels.AsMemory(0, width * height * BgrFrame.BytesPerPixel), width, height, width * BgrFrame.BytesPerPixel);
        PresentationTime = presentationTime;
        WallClockTime = wallClockTime;
        Sequence = sequence;
        FollowsGap = followsGap;
    }

    /// <summary>The picture: contiguous BGR of the size the source delivers (the target size when one was asked).</summary>
    public BgrFrame Frame { get; }

    /// <summary>
    /// The source's own timestamp of the frame (GStreamer's presentation time): for a file, its position in the file;
    /// for a live source, the time since its pipeline started. It starts again after a reconnect or a loop of the
    /// file; null when the source gave none.
    /// </summary>
    public TimeSpan? PresentationTime { get; }

    /// <summary>When the frame left the pipeline, from a monotonic clock anchored to the wall clock once (a step of the system clock never moves it back).</summary>
    public DateTimeOffset WallClockTime { get; }

    /// <summary>The number of the frame among all frames the source received: 1, 2, ...; a jump tells how many were dropped before this one.</summary>
    public long Sequence { get; }

    /// <summary>True for the first frame after a reconnect: the frames before it and this one are separated by the outage.</summary>
    public bool FollowsGap { get; }

    /// <summary>Returns the memory to the source's pool; <see cref="Frame"/> is unusable from now on. Idempotent, thread safe.</summary>
    public void Dispose()
    {
        var pixels = Interlocked.Exchange(ref _pixels, null);
        if (pixels is not null)
        {
            Frame.Dispose();
            _pool.Return(pixels);
        }
    }

    /// <summary>Size, sequence and timestamp, such as <c>CameraFrame #42 640x360 pts=00:00:01.4000000</c>.</summary>
    public override string ToString() =>
        $"CameraFrame #{Sequence} {Frame.Width}x{Frame.Height} pts={(PresentationTime is { } pts ? pts.ToString() : "none")}{(_pixels is null ? " disposed" : string.Empty)}";
}
