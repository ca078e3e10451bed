using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

public sealed class FramePoolTests
{
    [Fact]
    public void A_full_queue_gives_up_its_oldest_frame_and_counts_it()
    {
        using var pool = new FramePool();
        pool.Configure(capacity: 2, maxSlots: 10);
        var frames = Enumerable.Range(0, 3).Select(i =>
        {
            var slot = pool.Rent()!;
            slot.Timestamp = i;
            pool.Enqueue(slot);
            return slot;
        }).ToList();

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
        using var pool = new FramePool();
        pool.Configure(capacity: 1, maxSlots: 2);
        var slot = pool.Rent()!;
        pool.Enqueue(slot);
        pool.TryDequeue(out var taken);
        taken.AddReference();

        taken.Release();
        pool.Rent().Should().NotBeSameAs(taken, "a holder still has the first slot");
        taken.Release();

        pool.SlotCount.Should().Be(2);
        pool.Rent().Should().BeSameAs(taken);
    }

    [Fact]
    public void With_every_slot_in_the_pipeline_and_none_queued_a_new_frame_is_refused_and_counted()
    {
        using var pool = new FramePool();
        pool.Configure(capacity: 1, maxSlots: 2);
        var inFlight = new[] { pool.Rent()!, pool.Rent()! };

        pool.Rent().Should().BeNull();
        pool.Dropped.Should().Be(1);
        inFlight[0].Release();
        pool.Rent().Should().BeSameAs(inFlight[0]);
    }

    [Fact]
    public void Memory_stays_bounded_however_many_frames_are_put()
    {
        using var pool = new FramePool();
        pool.Configure(capacity: 4, maxSlots: 8);
        pool.Prepare(6, 1000);

        for (var i = 0; i < 10_000; i++)
        {
            var slot = pool.Rent();
            if (slot is not null)
            {
                slot.EnsureCapacity(1000);
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
        using var pool = new FramePool();
        pool.Configure(capacity: 4, maxSlots: 8);
        var inUse = pool.Rent()!;
        inUse.EnsureCapacity(100);
        pool.Prepare(2, 100);

        pool.Prepare(3, 5000);

        pool.Memory.Should().Be((3, 100 + (2 * 5000)), "the slot in use keeps its memory until it comes back");
        inUse.Release();
        pool.Prepare(3, 5000);
        pool.Memory.Should().Be((3, 3 * 5000));
    }
}
