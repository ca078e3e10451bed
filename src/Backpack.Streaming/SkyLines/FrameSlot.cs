using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer;

namespace Backpack.Streaming.SkyLines;

/// <summary>
/// One reusable picture buffer of a <see cref="FramePool"/>: native memory that GStreamer buffers
/// wrap without a copy, a reference count (the queue, the feeding thread and each GstBuffer made
/// from it hold one), and the frame's size and put time.
/// </summary>
internal sealed unsafe class FrameSlot : IDisposable
{
    private readonly FramePool _pool;
    private GCHandle _self;
    private int _references;

    internal FrameSlot(FramePool pool)
    {
        _pool = pool;
        _self = GCHandle.Alloc(this);
    }

    /// <summary>The picture memory, 64-byte aligned; 0 until the first <see cref="EnsureCapacity"/>.</summary>
    internal nint Data { get; private set; }

    /// <summary>Bytes allocated at <see cref="Data"/>.</summary>
    internal int Capacity { get; private set; }

    /// <summary>The I420 layout of the picture held.</summary>
    internal I420Layout Layout { get; set; }

    /// <summary>When the frame was put, in clock ticks.</summary>
    internal long Timestamp { get; set; }

    /// <summary>The streaming session the frame was put in.</summary>
    internal long Session { get; set; }

    /// <summary>The GCHandle that GStreamer's release callback receives as user data.</summary>
    internal nint State => GCHandle.ToIntPtr(_self);

    /// <summary>The picture bytes.</summary>
    internal Span<byte> Bytes => new((void*)Data, Layout.Size);

    /// <summary>Grows the memory to hold at least <paramref name="bytes"/> (happens only when a larger frame comes).</summary>
    internal void EnsureCapacity(int bytes)
    {
        if (bytes <= Capacity)
        {
            return;
        }
        if (Data != 0)
        {
            NativeMemory.AlignedFree((void*)Data);
        }
        Data = (nint)NativeMemory.AlignedAlloc((nuint)bytes, 64);
        Capacity = bytes;
    }

    /// <summary>Writes zeros over the whole memory (makes its pages resident).</summary>
    internal void Clear() => new Span<byte>((void*)Data, Capacity).Clear();

    /// <summary>Marks the slot as taken by its first holder.</summary>
    internal void Acquire() => Volatile.Write(ref _references, 1);

    /// <summary>Adds a holder (a GstBuffer about to wrap the memory).</summary>
    internal void AddReference() => Interlocked.Increment(ref _references);

    /// <summary>Drops a holder; the last one gives the slot back to its pool.</summary>
    internal void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _pool.Return(this);
        }
    }

    /// <summary>Frees the memory. Only once no GStreamer buffer can still wrap it.</summary>
    public void Dispose()
    {
        if (Data != 0)
        {
            NativeMemory.AlignedFree((void*)Data);
            Data = 0;
            Capacity = 0;
        }
        if (_self.IsAllocated)
        {
            _self.Free();
        }
    }

    /// <summary>GDestroyNotify of the GstBuffers that wrap a slot: GStreamer is done with the memory.</summary>
    [UnmanagedCallersOnly]
    internal static void ReleaseFromGStreamer(nint state) =>
        NativeBoundary.Enter<FrameSlot, nint>("SkyLine frame buffer released", state, 0, &ReleaseSlot);

    private static void ReleaseSlot(FrameSlot slot, nint unused) => slot.Release();
}
