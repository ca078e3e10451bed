namespace Backpack.Streaming.SkyLines;

/// <summary>
/// The bounded queue between <see cref="SkyLine.Put(Backpack.Imaging.BgrFrame)"/> and the feeding
/// thread, and the pool of picture buffers behind it. Put rents a free slot (or, when the queue is
/// full or no slot is free, takes back the oldest queued frame and counts it as dropped), fills it
/// and enqueues it; it never waits. Slots return to the pool when GStreamer is done with them.
/// Slots are made on demand up to a limit, so memory is bounded by the queue plus what the
/// pipeline holds in flight.
/// </summary>
/// <remarks>
/// Thread safe; every operation holds a short lock and allocates nothing once the slots exist
/// (<see cref="Prepare"/> makes them, off the application's thread).
/// </remarks>
internal sealed class FramePool : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Lock _prepareGate = new();
    private readonly Stack<FrameSlot> _free = new();
    private readonly List<FrameSlot> _all = [];
    private FrameSlot?[] _queue = [];
    private int _head;
    private int _count;
    private int _capacity;
    private int _maxSlots;
    private long _dropped;
    private bool _disposed;

    /// <summary>Frames waiting in the queue.</summary>
    internal int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Frames dropped because the queue was full or no buffer was free.</summary>
    internal long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Slots made so far (each holds one picture buffer).</summary>
    internal int SlotCount
    {
        get
        {
            lock (_gate)
            {
                return _all.Count;
            }
        }
    }

    /// <summary>Slots made so far and the bytes of picture memory they hold.</summary>
    internal (int Slots, long Bytes) Memory
    {
        get
        {
            lock (_gate)
            {
                return (_all.Count, _all.Sum(slot => (long)slot.Capacity));
            }
        }
    }

    /// <summary>How many frames the queue holds at most.</summary>
    internal int Capacity
    {
        get
        {
            lock (_gate)
            {
                return _capacity;
            }
        }
    }

    /// <summary>
    /// Sets the queue capacity and the slot limit for a session. Frames still queued stay (they
    /// are drained or cleared by the caller first).
    /// </summary>
    internal void Configure(int capacity, int maxSlots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSlots, capacity + 1);
        lock (_gate)
        {
            if (_queue.Length < capacity)
            {
                var queue = new FrameSlot?[capacity];
                for (var i = 0; i < _count; i++)
                {
                    queue[i] = _queue[(_head + i) % _queue.Length];
                }
                _queue = queue;
                _head = 0;
            }
            _capacity = capacity;
            _maxSlots = maxSlots;
        }
    }

    /// <summary>
    /// Makes sure at least <paramref name="slots"/> slots exist with <paramref name="bytes"/> of
    /// memory each, written once so the pages are resident. Only free slots are grown. The memory is
    /// allocated and written outside the queue's lock, so Put and the feeding thread go on meanwhile;
    /// concurrent calls take turns. Heavy (milliseconds per megabyte): never call it from Put.
    /// </summary>
    internal void Prepare(int slots, int bytes)
    {
        lock (_prepareGate)
        {
            var growing = new List<FrameSlot>();
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }
                while (_all.Count < slots)
                {
                    // Counted at once, so that Rent does not make slots beyond the limit meanwhile.
                    var slot = new FrameSlot(this);
                    _all.Add(slot);
                    growing.Add(slot);
                }
                var large = new List<FrameSlot>(_free.Count);
                while (_free.Count > 0)
                {
                    var slot = _free.Pop();
                    (slot.Capacity < bytes ? growing : large).Add(slot);
                }
                large.ForEach(_free.Push);
            }
            foreach (var slot in growing)
            {
                slot.EnsureCapacity(bytes);
                slot.Clear();
            }
            lock (_gate)
            {
                foreach (var slot in growing)
                {
                    if (_disposed)
                    {
                        slot.Dispose();
                    }
                    else
                    {
                        _free.Push(slot);
                    }
                }
            }
        }
    }

    /// <summary>
    /// A slot for a new frame, held by the caller (reference count 1). Null when every slot is in
    /// the pipeline and none is queued: the new frame is then dropped (and counted).
    /// </summary>
    internal FrameSlot? Rent()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return null;
            }
            FrameSlot? slot = null;
            if (_count >= _capacity)
            {
                slot = DequeueLocked();
                _dropped++;
            }
            else if (_free.Count > 0)
            {
                slot = _free.Pop();
                slot.Acquire();
            }
            else if (_all.Count < _maxSlots)
            {
                slot = new FrameSlot(this);
                _all.Add(slot);
                slot.Acquire();
            }
            else if (_count > 0)
            {
                slot = DequeueLocked();
                _dropped++;
            }
            else
            {
                _dropped++;
            }
            return slot;
        }
    }

    /// <summary>Queues a filled slot; the queue takes over the caller's reference.</summary>
    internal void Enqueue(FrameSlot slot)
    {
        lock (_gate)
        {
            if (_count >= _capacity)
            {
                // Another Put filled the queue meanwhile: the oldest frame gives way.
                DequeueLocked()!.Release();
                _dropped++;
            }
            _queue[(_head + _count) % _queue.Length] = slot;
            _count++;
        }
    }

    /// <summary>The oldest queued frame, whose reference passes to the caller.</summary>
    internal bool TryDequeue(out FrameSlot slot)
    {
        lock (_gate)
        {
            slot = DequeueLocked()!;
            return slot is not null;
        }
    }

    /// <summary>Releases every queued frame; returns how many there were.</summary>
    internal int Clear()
    {
        var cleared = 0;
        while (TryDequeue(out var slot))
        {
            slot.Release();
            cleared++;
        }
        return cleared;
    }

    /// <summary>Gives a slot back (its last reference went).</summary>
    internal void Return(FrameSlot slot)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                slot.Dispose();
                return;
            }
            _free.Push(slot);
        }
    }

    /// <summary>
    /// Frees the memory of every free slot; slots still in a pipeline are freed when they come
    /// back. Call once no pipeline runs.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            while (_count > 0)
            {
                DequeueLocked()!.Dispose();
            }
            while (_free.Count > 0)
            {
                _free.Pop().Dispose();
            }
        }
    }

    private FrameSlot? DequeueLocked()
    {
        if (_count == 0)
        {
            return null;
        }
        var slot = _queue[_head];
        _queue[_head] = null;
        _head = (_head + 1) % _queue.Length;
        _count--;
        return slot;
    }
}
