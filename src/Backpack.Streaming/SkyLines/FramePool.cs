using System.Collections.Concurrent;
using Backpack.Threading;

namespace Backpack.Streaming.SkyLines;

/// <summary>
/// The bounded queue between <see cref="SkyLine.Put(Backpack.Imaging.BgrFrame)"/> and the feeding
/// thread, and the pool of picture buffers behind it. Put rents a free slot (or, when the queue is
/// full or no slot is free, takes back the oldest queued frame and counts it as dropped), fills it
/// and enqueues it; it never waits, never takes a lock and never allocates. Slots return to the pool
/// when GStreamer is done with them, on GStreamer's threads, also without a lock: a GStreamer thread
/// (which runs at a lower priority) can never hold up Put.
/// </summary>
/// <remarks>
/// <para>
/// Slots are made by <see cref="Prepare"/>, off the application's thread. When Put finds no free slot
/// big enough it drops that frame (counted) and asks a thread-pool thread to make more, up to the slot
/// limit, so memory stays bounded by the queue plus what the pipeline holds in flight.
/// </para>
/// <para>
/// Prepare may leave some slots cold: allocated but never written, so their pages are not resident. Put
/// takes a cold slot only when no warm one is free (the queue is deeper than usual); that frame pays the
/// page faults once, and the slot is warm from then on. A pipeline that keeps up uses a few slots over and
/// over, so the process holds the memory of what is really in flight, not of the whole queue's capacity.
/// </para>
/// <para>
/// Disposing frees every slot nobody holds; a slot still held (by Put, the feeding thread or a GStreamer
/// buffer) is freed by its last holder. Whoever publishes a slot (queue or free list) after the pool was
/// disposed frees what it finds, so no slot is stranded and none is freed twice.
/// </para>
/// </remarks>
internal sealed class FramePool : IDisposable
{
    /// <summary>Slots a growth request adds at least (it doubles the slots when there are more).</summary>
    private const int GrowthStep = 4;

    private readonly ConcurrentQueue<FrameSlot> _free = new();
    private readonly ConcurrentQueue<FrameSlot> _cold = new();
    private readonly ConcurrentQueue<FrameSlot> _queue = new();
    private readonly Lock _slotsGate = new();
    private readonly List<FrameSlot> _all = [];
    private readonly Grower _grower;
    private volatile int _capacity = 1;
    private volatile int _maxSlots = 2;
    private volatile bool _disposed;
    private int _queued;
    private int _slotCount;
    private int _wantedBytes;
    private int _smallestSlot;
    private long _dropped;

    internal FramePool() => _grower = new Grower(this);

    /// <summary>Frames waiting in the queue.</summary>
    internal int Count => Math.Max(0, Volatile.Read(ref _queued));

    /// <summary>Frames dropped because the queue was full or no buffer was free.</summary>
    internal long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Slots made so far (each holds one picture buffer).</summary>
    internal int SlotCount => Volatile.Read(ref _slotCount);

    /// <summary>Slots made so far and the bytes of picture memory they hold.</summary>
    internal (int Slots, long Bytes) Memory
    {
        get
        {
            lock (_slotsGate)
            {
                return (_all.Count, _all.Sum(slot => (long)slot.Capacity));
            }
        }
    }

    /// <summary>How many frames the queue holds at most.</summary>
    internal int Capacity => _capacity;

    /// <summary>Growth requests that made slots (for tests).</summary>
    internal int Growths => _grower.Completed;

    /// <summary>
    /// Sets the queue capacity and the slot limit for a session. Cheap and lock-free (Put may be the
    /// caller); frames still queued stay (they are drained or cleared by the caller first).
    /// </summary>
    internal void Configure(int capacity, int maxSlots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSlots, capacity + 1);
        _maxSlots = maxSlots;
        _capacity = capacity;
    }

    /// <summary>
    /// Makes sure at least <paramref name="slots"/> slots exist with <paramref name="bytes"/> of memory
    /// each (0: as much as the largest slot has). Of the slots made or grown, the first <paramref name="warm"/>
    /// are written once so their pages are resident; the others stay cold (allocated, not resident) until a
    /// frame first needs them. Free slots that are too small are grown (they are taken out of the free lists
    /// meanwhile); slots in use keep their memory. Concurrent calls take turns.
    /// Heavy (milliseconds per megabyte): never call it from Put.
    /// </summary>
    internal void Prepare(int slots, int bytes, int warm = int.MaxValue)
    {
        lock (_slotsGate)
        {
            if (_disposed)
            {
                return;
            }
            if (bytes <= 0)
            {
                bytes = _all.Count == 0 ? 0 : _all.Max(slot => slot.Capacity);
            }
            var growing = new List<FrameSlot>();
            if (_all.Exists(slot => slot.Capacity < bytes))
            {
                // Only free slots can grow: take them all out, keep the large ones.
                var large = new List<FrameSlot>();
                var largeCold = new List<FrameSlot>();
                while (_free.TryDequeue(out var slot))
                {
                    (slot.Capacity < bytes ? growing : large).Add(slot);
                }
                while (_cold.TryDequeue(out var slot))
                {
                    (slot.Capacity < bytes ? growing : largeCold).Add(slot);
                }
                large.ForEach(_free.Enqueue);
                largeCold.ForEach(_cold.Enqueue);
            }
            while (_all.Count < slots)
            {
                var slot = new FrameSlot(this);
                _all.Add(slot);
                growing.Add(slot);
            }
            Volatile.Write(ref _slotCount, _all.Count);
            for (var index = 0; index < growing.Count; index++)
            {
                growing[index].EnsureCapacity(bytes);
                if (index < warm)
                {
                    growing[index].Clear();
                }
            }
            Volatile.Write(ref _smallestSlot, _all.Min(slot => slot.Capacity));
            for (var index = 0; index < growing.Count; index++)
            {
                Publish(index < warm ? _free : _cold, growing[index]);
            }
        }
    }

    /// <summary>
    /// A slot of at least <paramref name="bytes"/> for a new frame, held by the caller (reference count 1):
    /// a free one, or the oldest queued frame's when the queue is full or nothing is free (that frame is
    /// dropped and counted). Null when none can be had without allocating: the new frame is then dropped
    /// (counted) and more slots are made on a thread-pool thread. Lock-free and allocation-free.
    /// </summary>
    internal FrameSlot? Rent(int bytes)
    {
        if (_disposed)
        {
            return null;
        }
        FrameSlot? slot = null;
        // A queued frame gives way only to one that surely fits its slot: else both would be lost.
        var fitsEverySlot = bytes <= Volatile.Read(ref _smallestSlot);
        if (fitsEverySlot && Volatile.Read(ref _queued) >= _capacity && TryTakeQueued(out slot))
        {
            Interlocked.Increment(ref _dropped);
        }
        else if (_free.TryDequeue(out slot) || _cold.TryDequeue(out slot))
        {
            // A cold slot only when no warm one is free: the queue is deeper than the pipeline usually holds.
            slot.Acquire();
        }
        else if (fitsEverySlot && TryTakeQueued(out slot))
        {
            // Every free slot is in the pipeline: the oldest waiting frame gives way to the newest.
            Interlocked.Increment(ref _dropped);
            _grower.Request(bytes);
        }
        if (slot is null)
        {
            Interlocked.Increment(ref _dropped);
            _grower.Request(bytes);
            return null;
        }
        if (slot.Capacity < bytes)
        {
            // A larger frame than the slots were made for: growing memory here would stall the caller.
            slot.Release();
            Interlocked.Increment(ref _dropped);
            _grower.Request(bytes);
            return null;
        }
        return slot;
    }

    /// <summary>Queues a filled slot; the queue takes over the caller's reference. Lock-free.</summary>
    internal void Enqueue(FrameSlot slot)
    {
        Publish(_queue, slot);
        if (Interlocked.Increment(ref _queued) > _capacity && TryTakeQueued(out var oldest))
        {
            // Another Put filled the queue meanwhile: the oldest frame gives way.
            oldest.Release();
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>The oldest queued frame, whose reference passes to the caller.</summary>
    internal bool TryDequeue(out FrameSlot slot) => TryTakeQueued(out slot);

    /// <summary>Releases every queued frame; returns how many there were.</summary>
    internal int Clear()
    {
        var cleared = 0;
        while (TryTakeQueued(out var slot))
        {
            slot.Release();
            cleared++;
        }
        return cleared;
    }

    /// <summary>Gives a slot back (its last reference went; it is warm now); on any thread, GStreamer's included. Lock-free.</summary>
    internal void Return(FrameSlot slot) => Publish(_free, slot);

    /// <summary>
    /// Frees the memory of every slot nobody holds; slots still held are freed when they come back.
    /// Call once no pipeline runs. Idempotent.
    /// </summary>
    public void Dispose()
    {
        lock (_slotsGate)
        {
            _disposed = true;
            _all.Clear();
            Volatile.Write(ref _slotCount, 0);
        }
        FreeAll(_queue);
        FreeAll(_free);
        FreeAll(_cold);
    }

    private bool TryTakeQueued(out FrameSlot slot)
    {
        if (_queue.TryDequeue(out slot!))
        {
            Interlocked.Decrement(ref _queued);
            return true;
        }
        return false;
    }

    /// <summary>Adds a slot to a list, then frees what the list holds if the pool was disposed meanwhile.</summary>
    private void Publish(ConcurrentQueue<FrameSlot> list, FrameSlot slot)
    {
        list.Enqueue(slot);
        if (_disposed)
        {
            FreeAll(list);
        }
    }

    private void FreeAll(ConcurrentQueue<FrameSlot> list)
    {
        while (list.TryDequeue(out var slot))
        {
            if (list == _queue)
            {
                Interlocked.Decrement(ref _queued);
            }
            slot.Dispose();
        }
    }

    /// <summary>Makes more slots on a thread-pool thread when Put found none: one request in flight at a time, allocation-free to ask.</summary>
    private sealed class Grower(FramePool pool) : GuardedWorkItem("frame pool growth", null)
    {
        private int _scheduled;
        private int _completed;

        internal int Completed => Volatile.Read(ref _completed);

        internal void Request(int bytes)
        {
            // The largest size asked for since the last growth.
            var wanted = Volatile.Read(ref pool._wantedBytes);
            while (bytes > wanted && Interlocked.CompareExchange(ref pool._wantedBytes, bytes, wanted) != wanted)
            {
                wanted = Volatile.Read(ref pool._wantedBytes);
            }
            if (Interlocked.Exchange(ref _scheduled, 1) == 0)
            {
                BackgroundWork.Queue(this);
            }
        }

        protected override void Execute()
        {
            try
            {
                var bytes = Interlocked.Exchange(ref pool._wantedBytes, 0);
                var count = pool.SlotCount;
                // Doubling: an encoder that holds dozens of frames (look-ahead) is served after a few growths.
                var slots = Math.Min(pool._maxSlots, Math.Max(count * 2, count + GrowthStep));
                pool.Prepare(Math.Max(slots, count), bytes);
                Interlocked.Increment(ref _completed);
            }
            finally
            {
                Volatile.Write(ref _scheduled, 0);
            }
        }
    }
}
