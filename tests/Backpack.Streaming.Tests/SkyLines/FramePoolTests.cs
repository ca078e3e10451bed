using System.Collections.Concurrent;
using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

public sealed class FramePoolTests
{
    private const int Bytes = 1000;

    private static FramePool Create(int capacity, int maxSlots, int prepared)
    {
        var pool = new FramePool();
        pool.Configure(capacity, maxSlots);
        pool.Prepare(prepared, Bytes);
        return pool;
    }

    [Fact]
    public void A_full_queue_gives_up_its_oldest_frame_and_counts_it()
    {
        using var pool = Create(capacity: 2, maxSlots: 10, prepared: 4);
        for (var i = 0; i < 3; i++)
        {
            var slot = pool.Rent(Bytes)!;
            slot.Timestamp = i;
            pool.Enqueue(slot);
        }

        pool.Count.Should().Be(2);
        pool.Dropped.Should().Be(1);
        pool.TryDequeue(out var first).Should().BeTrue();
        first.Timestamp.Should().Be(1);
        pool.TryDequeue(out var second).Should().BeTrue();
        second.Timestamp.Should().Be(2);
        pool.TryDequeue(out _).Should().BeFalse();
    }

    [Fact]
    public void Slots_come_back_to_the_pool_when_the_last_holder_releases_them()
    {
        using var pool = Create(capacity: 1, maxSlots: 2, prepared: 2);
        var slot = pool.Rent(Bytes)!;
        pool.Enqueue(slot);
        pool.TryDequeue(out var taken);
        taken.AddReference();

        taken.Release();
        var other = pool.Rent(Bytes);
        other.Should().NotBeNull().And.NotBeSameAs(taken, "a holder still has the first slot");
        other!.Release();
        taken.Release();

        pool.SlotCount.Should().Be(2);
        var next = new[] { pool.Rent(Bytes), pool.Rent(Bytes) };
        next.Should().Contain(taken);
    }

    [Fact]
    public void With_every_slot_in_the_pipeline_and_none_queued_a_new_frame_is_refused_and_counted_and_more_slots_are_made_elsewhere()
    {
        using var pool = Create(capacity: 1, maxSlots: 4, prepared: 2);
        var inFlight = new[] { pool.Rent(Bytes)!, pool.Rent(Bytes)! };

        pool.Rent(Bytes).Should().BeNull("Put never allocates: no free slot means the frame is dropped");

        pool.Dropped.Should().Be(1);
        WaitUntil(() => pool.Growths > 0);
        pool.SlotCount.Should().Be(4, "the growth made slots up to the limit, on another thread");
        pool.Rent(Bytes).Should().NotBeNull();
        inFlight[0].Release();
        inFlight[1].Release();
    }

    [Fact]
    public void A_frame_larger_than_the_slots_is_dropped_and_the_free_slots_grow_for_the_next_one()
    {
        using var pool = Create(capacity: 2, maxSlots: 4, prepared: 2);

        pool.Rent(Bytes * 3).Should().BeNull();

        WaitUntil(() => pool.Growths > 0);
        var slot = pool.Rent(Bytes * 3);
        slot.Should().NotBeNull();
        slot!.Capacity.Should().BeGreaterThanOrEqualTo(Bytes * 3);
        pool.Dropped.Should().Be(1);
    }

    [Fact]
    public void Memory_stays_bounded_however_many_frames_are_put()
    {
        using var pool = Create(capacity: 4, maxSlots: 8, prepared: 6);

        for (var i = 0; i < 10_000; i++)
        {
            if (pool.Rent(Bytes) is { } slot)
            {
                pool.Enqueue(slot);
            }
        }

        pool.SlotCount.Should().BeLessThanOrEqualTo(8);
        pool.Count.Should().Be(4);
        pool.Dropped.Should().Be(10_000 - 4);
        pool.Clear().Should().Be(4);
    }

    [Fact]
    public void Preparing_makes_the_missing_slots_and_grows_the_free_ones_that_are_too_small_but_not_those_in_use()
    {
        using var pool = Create(capacity: 4, maxSlots: 8, prepared: 2);
        pool.Prepare(2, 100);
        var inUse = pool.Rent(100)!;

        pool.Prepare(3, 5000);

        pool.Memory.Should().Be((3, Bytes + (2 * 5000)), "the slot in use keeps its memory until it comes back");
        inUse.Release();
        pool.Prepare(3, 5000);
        pool.Memory.Should().Be((3, 3 * 5000));
    }

    [Fact]
    public void Slots_given_back_or_queued_after_the_pool_was_disposed_are_freed_by_whoever_gives_them_back()
    {
        var pool = Create(capacity: 2, maxSlots: 4, prepared: 3);
        var queuedLate = pool.Rent(Bytes)!;
        var inPipeline = pool.Rent(Bytes)!;

        pool.Dispose();
        pool.Enqueue(queuedLate);
        inPipeline.Release();

        queuedLate.Data.Should().Be(0);
        inPipeline.Data.Should().Be(0);
        pool.Count.Should().Be(0);
        pool.Rent(Bytes).Should().BeNull();
    }

    [Fact]
    public void Renting_queueing_and_giving_back_from_several_threads_loses_no_slot_and_frees_each_once()
    {
        using var pool = Create(capacity: 3, maxSlots: 12, prepared: 12);
        var held = new ConcurrentQueue<FrameSlot>();
        var threads = Enumerable.Range(0, 4).Select(index => new Thread(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                if (index % 2 == 0 && pool.Rent(Bytes) is { } slot)
                {
                    pool.Enqueue(slot);
                }
                else if (pool.TryDequeue(out var taken))
                {
                    // The feeding thread passes the frame to GStreamer, which gives it back later.
                    held.Enqueue(taken);
                    if (held.Count > 4 && held.TryDequeue(out var done))
                    {
                        done.Release();
                    }
                }
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());
        while (held.TryDequeue(out var done))
        {
            done.Release();
        }
        pool.Clear();

        var all = Enumerable.Range(0, 12).Select(_ => pool.Rent(Bytes)).ToList();
        all.Should().OnlyContain(slot => slot != null, "every slot came back");
        all.Distinct().Should().HaveCount(12);
    }

    [Fact]
    public void Cold_slots_are_lent_only_when_no_warm_one_is_free_so_a_pool_that_keeps_up_reuses_its_warm_ones()
    {
        using var pool = new FramePool();
        pool.Configure(capacity: 8, maxSlots: 20);
        pool.Prepare(12, Bytes, warm: 2);
        var seen = new HashSet<FrameSlot>();
        for (var i = 0; i < 50; i++)
        {
            var slot = pool.Rent(Bytes)!;
            seen.Add(slot);
            slot.Release();
        }
        seen.Should().HaveCount(2, "a frame at a time only ever needs the warm slots");

        var deep = Enumerable.Range(0, 12).Select(_ => pool.Rent(Bytes)).ToList();
        deep.Should().OnlyContain(slot => slot != null, "the cold slots are there when the queue grows deep");
        deep.Distinct().Should().HaveCount(12);
        pool.Dropped.Should().Be(0);
        pool.Growths.Should().Be(0);
    }

    [Fact]
    public void Cold_slots_take_no_resident_memory_until_used()
    {
        // Above glibc's largest mmap threshold (32 MiB): each slot is a mapping of its own, resident only where written.
        const int Large = 40 * 1024 * 1024;
        using var pool = new FramePool();
        pool.Configure(capacity: 4, maxSlots: 8);
        var before = Environment.WorkingSet;
        pool.Prepare(6, Large, warm: 1);
        var grown = Environment.WorkingSet - before;

        grown.Should().BeGreaterThan(Large / 2, "the warm slot is written ahead");
        grown.Should().BeLessThan(3L * Large, "five of the six slots are cold");
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the thread pool runs the growth within seconds");
            Thread.Sleep(5);
        }
    }
}
