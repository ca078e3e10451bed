using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

public sealed class FrameTimelineTests
{
    // 30 fps on a clock of 3000 ticks per second: one period is exactly 100 ticks.
    private static FrameTimeline Timeline() => new(30, 1, 3000);

    [Fact]
    public void Frames_at_the_frame_rate_take_consecutive_slots_without_repeats()
    {
        var timeline = Timeline();

        var slots = Enumerable.Range(0, 5).Select(i => timeline.Place(1000 + (i * 100), noRepeats: false, out _)).ToList();

        slots.Should().Equal(0, 1, 2, 3, 4);
        timeline.PresentationTime(4).Should().Be(133_333_333);
        timeline.Duration(0).Should().Be(33_333_333);
    }

    [Fact]
    public void Jitter_within_a_period_keeps_every_frame()
    {
        var timeline = Timeline();
        var times = new long[] { 0, 160, 190, 300, 399, 520 };

        var slots = times.Select(time => timeline.Place(time, noRepeats: false, out _)).ToList();

        slots.Should().Equal(0, 1, 2, 3, 4, 5);
    }

    [Fact]
    public void Frames_put_twice_as_fast_as_the_frame_rate_are_every_other_one_skipped()
    {
        var timeline = Timeline();

        var slots = Enumerable.Range(0, 9).Select(i => timeline.Place(i * 50, noRepeats: false, out _)).ToList();

        slots.Where(slot => slot >= 0).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        slots.Count(slot => slot < 0).Should().BeInRange(3, 4);
        // The stream never runs more than one period ahead of the put times.
        slots.Select((slot, i) => slot < 0 || slot * 100 <= (i * 50) + 100).Should().AllBeEquivalentTo(true);
    }

    [Fact]
    public void A_pause_is_filled_with_repeats_of_the_previous_frame_and_the_next_frame_lands_at_its_time()
    {
        var timeline = Timeline();
        timeline.Place(0, noRepeats: false, out _);
        timeline.Place(100, noRepeats: false, out _);

        var slot = timeline.Place(1100, noRepeats: false, out var repeats);

        slot.Should().Be(10);
        repeats.Should().Be(8);
    }

    [Fact]
    public void A_gap_caused_by_dropped_frames_is_left_empty()
    {
        var timeline = Timeline();
        timeline.Place(0, noRepeats: false, out _);

        var slot = timeline.Place(1000, noRepeats: true, out var repeats);

        slot.Should().Be(9);
        repeats.Should().Be(0);
    }

    [Fact]
    public void Repeats_fall_due_one_period_after_their_slot_while_no_frame_comes()
    {
        var timeline = Timeline();
        timeline.Place(0, noRepeats: false, out _);

        timeline.NextRepeatDue().Should().Be(201);
        timeline.TakeDueRepeats(200).Should().Be(0);
        timeline.TakeDueRepeats(201).Should().Be(1);
        timeline.LastSlot.Should().Be(1);
        timeline.TakeDueRepeats(550).Should().Be(3);
        timeline.LastSlot.Should().Be(4);
        timeline.NextRepeatDue().Should().Be(601);
    }

    [Fact]
    public void A_frame_put_when_a_repeat_falls_due_lands_in_the_same_place_whichever_is_seen_first()
    {
        var repeatsFirst = Timeline();
        repeatsFirst.Place(0, noRepeats: false, out _);
        var repeated = repeatsFirst.TakeDueRepeats(750);
        var afterRepeats = repeatsFirst.Place(750, noRepeats: false, out var noMore);

        var frameFirst = Timeline();
        frameFirst.Place(0, noRepeats: false, out _);
        var direct = frameFirst.Place(750, noRepeats: false, out var filled);

        afterRepeats.Should().Be(direct);
        (repeated + noMore).Should().Be(filled);
    }

    [Fact]
    public void Slots_overdue_while_frames_were_still_put_are_skipped_not_repeated()
    {
        var timeline = Timeline();
        timeline.Place(0, noRepeats: false, out _);

        timeline.SkipOverdue(600).Should().Be(4);
        timeline.TakeDueRepeats(600).Should().Be(0);
        timeline.TakeDueRepeats(601).Should().Be(1);
    }

    [Fact]
    public void Fractional_frame_rates_keep_exact_times_over_long_runs()
    {
        var timeline = new FrameTimeline(30000, 1001, TimeSpan.TicksPerSecond);
        var period = TimeSpan.TicksPerSecond * 1001.0 / 30000;

        var last = 0L;
        for (var i = 0; i < 100_000; i++)
        {
            last = timeline.Place((long)Math.Round(i * period), noRepeats: false, out var repeats);
            repeats.Should().Be(0);
        }

        last.Should().Be(99_999);
        timeline.PresentationTime(30_000).Should().Be(1_001_000_000_000);
    }
}
