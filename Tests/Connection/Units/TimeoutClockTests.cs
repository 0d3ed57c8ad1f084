using ActorTcp.Actors.Connection;
using Xunit;

namespace ActorTcp.Tests.Connection.Units;

public class TimeoutClockTests
{
    [Fact]
    public void Budget_is_spent_by_waits_and_what_remains_is_the_next_limit()
    {
        var clock = new TimeoutClock(new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(10)), TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(10), clock.Arm(WaitPhase.Connect));
        Thread.Sleep(50); // a real wait is what the clock measures
        clock.Disarm();
        var next = clock.Arm(WaitPhase.Read)!.Value;

        Assert.InRange(next, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(9.951));
    }

    [Fact]
    public void Time_between_waits_is_not_charged()
    {
        var clock = new TimeoutClock(new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(10)), TimeSpan.FromSeconds(5));
        clock.Arm(WaitPhase.Connect);
        clock.Disarm();
        Thread.Sleep(300); // a callback running: not a network wait

        Assert.InRange(clock.Arm(WaitPhase.Read)!.Value, TimeSpan.FromSeconds(9.75), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Zero_or_negative_budget_means_no_timer()
    {
        Assert.Null(new TimeoutClock(new ConnectionTimeouts(Budget: TimeSpan.Zero), TimeSpan.FromSeconds(5)).Arm(WaitPhase.Read));
        Assert.Null(new TimeoutClock(new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(-1)), TimeSpan.FromSeconds(5)).Arm(WaitPhase.Read));
    }

    [Fact]
    public void Missing_budget_uses_the_configured_default()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), new TimeoutClock(ConnectionTimeouts.Default, TimeSpan.FromSeconds(5)).Arm(WaitPhase.Read));
    }

    [Fact]
    public void Phases_give_each_wait_its_full_value_and_unset_phases_fall_back_to_the_budget()
    {
        var clock = new TimeoutClock(
            new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(7), Read: TimeSpan.FromSeconds(2)), TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(2), clock.Arm(WaitPhase.Read));
        Thread.Sleep(20);
        clock.Disarm();
        Assert.Equal(TimeSpan.FromSeconds(2), clock.Arm(WaitPhase.Read));
        Assert.Equal(TimeSpan.FromSeconds(7), clock.Arm(WaitPhase.Connect));
        Assert.Equal(TimeSpan.FromSeconds(7), clock.Arm(WaitPhase.Write));
    }

    [Fact]
    public void A_budget_alone_is_shared_by_every_request_of_the_same_value()
    {
        var a = ConnectionTimeouts.OfBudget(TimeSpan.FromSeconds(17.25));
        Assert.Same(a, ConnectionTimeouts.OfBudget(TimeSpan.FromSeconds(17.25)));
        Assert.Equal(new ConnectionTimeouts(TimeSpan.FromSeconds(17.25)), a);
        Assert.Same(ConnectionTimeouts.Default, ConnectionTimeouts.OfBudget(null));
    }
}
