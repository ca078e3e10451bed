using System.Collections.Concurrent;

namespace Backpack.Streaming.Cameras;

/// <summary>
/// The pixel buffers of a camera source: arrays of one size, reused, at most <see cref="Retained"/> kept while idle.
/// Frames in flight are the slot's, the one being filled and those the application holds, so a reader that
/// disposes its frames keeps the number of arrays ever made small and constant.
/// </summary>
/// <remarks>Thread safe: rented on GStreamer's streaming thread, returned on the application's.</remarks>
internal sealed class PixelPool
{
    /// <summary>Arrays kept for reuse at most; more returned go to the garbage collector.</summary>
    internal const int Retained = 4;

    private readonly ConcurrentBag<byte[]> _free = [];
    private int _length;
    private long _created;

    /// <summary>Arrays made since the pool was (the measure of allocation: it stops growing in steady state).</summary>
    internal long Created => Interlocked.Read(ref _created);

    /// <summary>An array of at least <paramref name="length"/> bytes; the pool forgets arrays of another size.</summary>
    internal byte[] Rent(int length)
    {
        if (Volatile.Read(ref _length) != length)
        {
            Volatile.Write(ref _length, length);
            _free.Clear();
        }
        while (_free.TryTake(out var array))
        {
            if (array.Length == length)
            {
                return array;
            }
        }
        Interlocked.Increment(ref _created);
        return GC.AllocateUninitializedArray<byte>(length);
    }

    /// <summary>Takes an array back for reuse, unless it is of an old size or enough are kept.</summary>
    internal void Return(byte[] array)
    {
        if (array.Length == Volatile.Read(ref _length) && _free.Count < Retained)
        {
            _free.Add(array);
        }
    }
}
