using ActorTcp.Actors.Upstreams;
using Xunit;

namespace ActorTcp.Tests.Upstreams.Units;

/// <summary>A host's copy of upstream health: what its reports change, what goes to the owner, and the watchers' events.</summary>
public class UpstreamTableTests
{
    private const long T0 = 1_000_000 * TimeSpan.TicksPerSecond;
    private static long At(double seconds) => T0 + (long)(seconds * TimeSpan.TicksPerSecond);
    private readonly List<UpstreamChange> _changes = [];

    private static string Show(IEnumerable<UpstreamChange> changes) =>
        string.Join(" ", changes.Select(c => $"{c.Event.ToString().ToLowerInvariant()}({c.Errors})"));

    [Fact]
    public void Each_counted_failure_fires_failure_and_the_killing_one_fires_offline_too()
    {
        var table = new UpstreamTable(UpstreamLimits.Default, 1);
        for (var i = 0; i < 5; i++) table.Fail("k", At(i), _changes);

        Assert.Equal("failure(1) failure(2) failure(3) failure(4) offline(4)", Show(_changes));
    }

    [Fact]
    public void A_revival_by_time_fires_online_once_when_it_is_seen()
    {
        var table = new UpstreamTable(UpstreamLimits.Default, 1);
        for (var i = 0; i < 4; i++) table.Fail("k", At(0), null);
        var back = table.Health("k").DeadUntil;

        Assert.False(table.IsAlive("k", back - 1, _changes));
        Assert.True(table.IsAlive("k", back, _changes));
        Assert.True(table.IsAlive("k", back + 1, _changes));
        Assert.Equal("online(0)", Show(_changes));
    }

    [Fact]
    public void Ok_after_failures_fires_success_and_is_reported_while_ok_on_a_clean_backend_reports_nothing()
    {
        var table = new UpstreamTable(UpstreamLimits.Default, 1);
        Assert.Null(table.Ok("k", At(0), _changes));
        Assert.NotNull(table.Fail("k", At(1), _changes));

        var reported = table.Ok("k", At(2), _changes);

        Assert.NotNull(reported);
        Assert.Equal(0, reported.Errors);
        Assert.Equal("failure(1) success(0)", Show(_changes));
    }

    [Fact]
    public void A_failure_of_a_dead_backend_is_not_reported()
    {
        var table = new UpstreamTable(UpstreamLimits.Default, 1);
        for (var i = 0; i < 4; i++) table.Fail("k", At(0), null);

        Assert.Null(table.Fail("k", At(1), _changes));
        Assert.Empty(_changes);
    }

    [Fact]
    public void Merging_another_views_failures_fires_the_events_this_view_had_not_seen()
    {
        var owner = new UpstreamTable(UpstreamLimits.Default, 1);
        var host = new UpstreamTable(UpstreamLimits.Default, 2);
        BackendHealth? last = null;
        for (var i = 0; i < 4; i++) last = owner.Fail("k", At(i), null);

        Assert.True(host.Merge(last!, At(4), _changes));
        Assert.False(host.Merge(last!, At(4), _changes));
        Assert.False(host.IsAlive("k", At(4)));
        Assert.Equal("failure(4) offline(4)", Show(_changes));
    }

    [Fact]
    public void A_hosts_own_report_then_the_owners_echo_of_it_counts_once()
    {
        var host = new UpstreamTable(UpstreamLimits.Default, 2);
        var owner = new UpstreamTable(UpstreamLimits.Default, 1);
        var mine = host.Fail("k", At(0), _changes)!;
        owner.Merge(mine, At(0), null);

        host.Merge(owner.Health("k"), At(1), _changes);

        Assert.Equal(1, host.Health("k").Errors);
        Assert.Equal("failure(1)", Show(_changes));
    }

    [Fact]
    public void Ok_then_fail_within_one_clock_tick_keep_their_order()
    {
        var table = new UpstreamTable(UpstreamLimits.Default, 1);
        table.Fail("k", At(0), null);
        table.Ok("k", At(0), null);
        var failed = table.Fail("k", At(0), null);

        Assert.NotNull(failed);
        Assert.Equal(1, table.Health("k").Errors);
        Assert.Equal(1, new UpstreamTable(UpstreamLimits.Default, 2).Health("k").Merge(failed, UpstreamLimits.Default).Errors);
    }

    [Fact]
    public void New_srv_targets_bump_the_version_and_the_same_targets_do_not()
    {
        var table = new UpstreamTable(UpstreamLimits.Default, 1);
        var target = new UpstreamSpec("a.test:25", UpstreamKind.Name, "a.test", 25, 1);
        table.SetTargets("service:_smtp._tcp.test", [target]);
        var version = table.TargetsVersion;

        table.SetTargets("service:_smtp._tcp.test", [target]);
        Assert.Equal(version, table.TargetsVersion);
        table.SetTargets("service:_smtp._tcp.test", [target, target with { Port = 26 }]);
        Assert.Equal(version + 1, table.TargetsVersion);
    }
}
