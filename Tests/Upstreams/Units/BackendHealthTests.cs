using ActorTcp.Actors.Upstreams;
using Xunit;

namespace ActorTcp.Tests.Upstreams.Units;

/// <summary>
/// The health rules of one backend with rspamd's defaults (4 errors in 10 s, dead 60-84 s), times in seconds turned
/// into ticks: no clock is read, so windows and revivals are tested without sleeping.
/// </summary>
public class BackendHealthTests
{
    private static readonly UpstreamLimits Limits = UpstreamLimits.Default;
    private const long T0 = 1_000_000 * TimeSpan.TicksPerSecond;
    private static long At(double seconds) => T0 + (long)(seconds * TimeSpan.TicksPerSecond);
    private static long _seq;

    private static BackendHealth Fail(BackendHealth h, double seconds, long origin = 1) =>
        h.Fail(new FailureMark(At(seconds), origin, ++_seq), Limits);

    private static BackendHealth FailTimes(BackendHealth h, params double[] seconds)
    {
        foreach (var s in seconds) h = Fail(h, s);
        return h;
    }

    [Fact]
    public void A_fresh_backend_is_alive_without_errors()
    {
        var h = BackendHealth.Fresh("127.0.0.1:1");
        Assert.True(h.IsAlive(At(0)));
        Assert.Equal(0, h.Errors);
    }

    [Fact]
    public void The_fourth_failure_within_the_error_time_kills_the_backend()
    {
        var h = FailTimes(BackendHealth.Fresh("k"), 0, 1, 2);
        Assert.True(h.IsAlive(At(3)));
        Assert.Equal(3, h.Errors);

        h = Fail(h, 9.9);

        Assert.False(h.IsAlive(At(10)));
        Assert.Equal(At(9.9), h.DeadFrom);
        Assert.Equal(0, h.Errors);
    }

    [Fact]
    public void Failures_spread_over_more_than_the_error_time_start_new_windows_and_never_kill()
    {
        var h = FailTimes(BackendHealth.Fresh("k"), 0, 5, 9, 10.5, 15, 19, 20.6);

        Assert.True(h.IsAlive(At(21)));
        Assert.Equal(1, h.Errors); // 20.6 opened the third window
    }

    [Fact]
    public void A_dead_backend_comes_back_after_the_revive_time_with_at_most_the_jitter()
    {
        var h = FailTimes(BackendHealth.Fresh("k"), 0, 0, 0, 0);
        var deadFor = TimeSpan.FromTicks(h.DeadUntil - h.DeadFrom);

        Assert.InRange(deadFor, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(84));
        Assert.False(h.IsAlive(h.DeadUntil - 1));
        Assert.True(h.IsAlive(h.DeadUntil));
    }

    [Fact]
    public void The_jitter_depends_on_the_key_and_the_time_of_death_so_every_view_computes_the_same_end()
    {
        var a = FailTimes(BackendHealth.Fresh("a:1"), 0, 0, 0, 0);
        var again = FailTimes(BackendHealth.Fresh("a:1"), 0, 0, 0, 0);
        var draws = Enumerable.Range(0, 50).Select(i => BackendHealth.UnitDraw($"host{i}:25", At(0))).ToArray();

        Assert.Equal(a.DeadUntil, again.DeadUntil);
        Assert.All(draws, d => Assert.InRange(d, 0.0, 1.0));
        Assert.True(draws.Distinct().Count() > 45, "keys dying at the same moment must come back at different moments");
    }

    [Fact]
    public void A_failure_of_a_dead_backend_changes_nothing()
    {
        var dead = FailTimes(BackendHealth.Fresh("k"), 0, 0, 0, 0);
        Assert.Same(dead, Fail(dead, 1));
    }

    [Fact]
    public void Ok_clears_the_window_so_the_next_failures_start_counting_again()
    {
        var h = FailTimes(BackendHealth.Fresh("k"), 0, 1, 2);
        h = h.Ok(At(3));
        h = FailTimes(h, 4, 5, 6);

        Assert.True(h.IsAlive(At(7)));
        Assert.Equal(3, h.Errors);
    }

    [Fact]
    public void Ok_without_failures_or_on_a_dead_backend_returns_the_same_instance()
    {
        var fresh = BackendHealth.Fresh("k");
        var dead = FailTimes(BackendHealth.Fresh("k"), 0, 0, 0, 0);

        Assert.Same(fresh, fresh.Ok(At(1)));
        Assert.Same(dead, dead.Ok(At(1)));
    }

    [Fact]
    public void A_revival_brings_a_dead_backend_back_at_once_and_failures_count_from_there()
    {
        var dead = FailTimes(BackendHealth.Fresh("k"), 0, 0, 0, 0);
        var revived = dead.Revive(At(5));

        Assert.True(revived.IsAlive(At(5)));
        Assert.Same(revived, revived.Revive(At(6)));
        var again = FailTimes(revived, 6, 6, 6, 6);
        Assert.False(again.IsAlive(At(7)));
        Assert.Equal(At(6), again.DeadFrom);
    }

    [Fact]
    public void After_a_revival_by_time_a_new_window_can_kill_it_again()
    {
        var h = FailTimes(BackendHealth.Fresh("k"), 0, 0, 0, 0);
        var back = (h.DeadUntil - T0) / (double)TimeSpan.TicksPerSecond;

        h = FailTimes(h, back + 1, back + 1, back + 1);
        Assert.True(h.IsAlive(At(back + 2)));
        h = Fail(h, back + 2);

        Assert.False(h.IsAlive(At(back + 3)));
    }

    [Fact]
    public void Merging_counts_a_failure_both_views_hold_once()
    {
        var mine = Fail(BackendHealth.Fresh("k"), 0);
        var owners = BackendHealth.Fresh("k").Merge(mine, Limits);

        var merged = mine.Merge(owners, Limits);

        Assert.Equal(1, merged.Errors);
        Assert.Equal(mine, merged);
    }

    [Fact]
    public void Merging_failures_seen_by_two_reporters_can_kill_where_neither_view_did()
    {
        var a = FailTimes(BackendHealth.Fresh("k"), 0, 1);
        var b = Fail(Fail(BackendHealth.Fresh("k"), 2, origin: 2), 3, origin: 2);

        var ab = a.Merge(b, Limits);
        var ba = b.Merge(a, Limits);

        Assert.True(a.IsAlive(At(4)) && b.IsAlive(At(4)));
        Assert.False(ab.IsAlive(At(4)));
        Assert.Equal(ab, ba);
        Assert.Equal(At(3), ab.DeadFrom);
    }

    [Fact]
    public void Merging_keeps_an_ok_newer_than_the_other_views_failures()
    {
        var failed = FailTimes(BackendHealth.Fresh("k"), 0, 1);
        var cleared = failed.Ok(At(2));

        Assert.Equal(0, cleared.Merge(failed, Limits).Errors);
        Assert.Equal(0, failed.Merge(cleared, Limits).Errors);
    }

    [Fact]
    public void Merging_is_idempotent_and_takes_the_later_death()
    {
        var early = FailTimes(BackendHealth.Fresh("k"), 0, 0, 0, 0);
        var late = Fail(Fail(Fail(Fail(BackendHealth.Fresh("k"), 30, 3), 30, 3), 30, 3), 30, 3);

        var merged = early.Merge(late, Limits);

        Assert.Equal(At(30), merged.DeadFrom);
        Assert.Equal(merged, merged.Merge(late, Limits).Merge(early, Limits));
    }

    [Fact]
    public void Merging_the_health_of_another_backend_is_refused()
    {
        Assert.Throws<ArgumentException>(() => BackendHealth.Fresh("a").Merge(BackendHealth.Fresh("b"), Limits));
    }

    [Fact]
    public void Other_limits_change_the_rule()
    {
        var strict = Limits with { MaxErrors = 2, ErrorTime = TimeSpan.FromSeconds(1) };
        var h = BackendHealth.Fresh("k").Fail(new FailureMark(At(0), 1, 1), strict).Fail(new FailureMark(At(0.5), 1, 2), strict);
        var spread = BackendHealth.Fresh("k").Fail(new FailureMark(At(0), 1, 1), strict).Fail(new FailureMark(At(1.5), 1, 2), strict);

        Assert.False(h.IsAlive(At(0.6)));
        Assert.True(spread.IsAlive(At(1.6)));
    }
}
