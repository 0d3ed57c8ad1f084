using ActorTcp.Actors.Timers;
using Xunit;

namespace ActorTcp.Tests.Connection.Units;

/// <summary><see cref="TimerWheel"/>: entries handed out at their tick, never before, however time is advanced.</summary>
public sealed class TimerWheelTests
{
    private sealed class Entry(string name) : WheelEntry
    {
        public string Name { get; } = name;
        public override void Expire() { }
        public override string ToString() => Name;
    }

    private static List<string> AdvanceTo(TimerWheel wheel, long now)
    {
        var expired = new List<WheelEntry>();
        wheel.Advance(now, expired);
        return expired.Select(e => e.ToString()!).Order().ToList();
    }

    [Fact]
    public void An_entry_expires_at_its_due_tick_and_not_before()
    {
        var wheel = new TimerWheel(8, now: 100);
        wheel.Schedule(new Entry("a"), 103);

        Assert.Empty(AdvanceTo(wheel, 102));
        Assert.Equal(["a"], AdvanceTo(wheel, 103));
        Assert.Equal(0, wheel.Count);
        Assert.Empty(AdvanceTo(wheel, 200));
    }

    [Fact]
    public void An_entry_due_after_several_turns_of_the_wheel_waits_for_its_own_turn()
    {
        var wheel = new TimerWheel(8, now: 0);
        wheel.Schedule(new Entry("late"), 21); // the same bucket as ticks 5 and 13

        for (var tick = 1; tick <= 20; tick++) Assert.Empty(AdvanceTo(wheel, tick));
        Assert.Equal(["late"], AdvanceTo(wheel, 21));
    }

    [Fact]
    public void Rescheduling_moves_an_entry_and_a_removed_one_never_expires()
    {
        var wheel = new TimerWheel(8, now: 0);
        var moved = new Entry("moved");
        var removed = new Entry("removed");
        wheel.Schedule(moved, 2);
        wheel.Schedule(removed, 2);
        wheel.Schedule(moved, 6);
        Assert.True(wheel.Remove(removed));
        Assert.False(wheel.Remove(removed));

        Assert.Empty(AdvanceTo(wheel, 5));
        Assert.Equal(["moved"], AdvanceTo(wheel, 6));
        Assert.False(removed.Scheduled);
    }

    [Fact]
    public void A_due_tick_already_reached_expires_at_the_next_tick()
    {
        var wheel = new TimerWheel(8, now: 0);
        AdvanceTo(wheel, 10);
        wheel.Schedule(new Entry("past"), 4);

        Assert.Equal(["past"], AdvanceTo(wheel, 11));
    }

    [Fact]
    public void A_late_advance_hands_out_every_entry_due_by_then_once_and_keeps_the_rest()
    {
        var wheel = new TimerWheel(8, now: 0);
        for (var due = 1; due <= 40; due++) wheel.Schedule(new Entry($"e{due:00}"), due);

        var expired = AdvanceTo(wheel, 30); // more than three turns skipped at once

        Assert.Equal(Enumerable.Range(1, 30).Select(d => $"e{d:00}"), expired);
        Assert.Equal(10, wheel.Count);
        Assert.Equal(Enumerable.Range(31, 10).Select(d => $"e{d:00}"), AdvanceTo(wheel, 40));
    }

    [Fact]
    public void Entries_of_one_bucket_are_unlinked_from_the_middle_and_either_end()
    {
        var wheel = new TimerWheel(4, now: 0);
        var entries = Enumerable.Range(0, 5).Select(i => new Entry($"x{i}")).ToArray();
        foreach (var entry in entries) wheel.Schedule(entry, 3);
        wheel.Remove(entries[0]);
        wheel.Remove(entries[2]);
        wheel.Remove(entries[4]);

        Assert.Equal(["x1", "x3"], AdvanceTo(wheel, 3));
    }

    [Fact]
    public void A_bucket_count_that_is_not_a_power_of_two_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimerWheel(12, now: 0));
    }
}
