using ActorTcp.Actors.Upstreams;
using Akka.Actor;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Metrics;

/// <summary>
/// The upstream instruments: the alive and errors gauges per backend, read at collection from the upstream owner, and
/// the failures this node reported (a .NET caller's reports, a Lua request's <c>fail()</c>), each tagged with the
/// upstream's key and the node.
/// </summary>
public sealed class UpstreamMetricsTests(ITestOutputHelper output) : MetricsTestKit(output)
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));

    private (string, string) Node => ("node", Metrics.Node);

    private static (string, string) Upstream(string key) => ("upstream", key);

    /// <summary>A new owner on the fake clock with a list of <paramref name="definition"/>.</summary>
    private async Task<IActorRef> OwnerWithListAsync(string definition)
    {
        var owner = Sys.ActorOf(UpstreamsActor.Props(Settings, Resolver, _clock, new Random(3)));
        var probe = CreateTestProbe();
        owner.Tell(new CreateUpstreamList(definition), probe.Ref);
        await probe.ExpectMsgAsync<UpstreamListCreated>(DefaultWait);
        return owner;
    }

    /// <summary>Waits until <paramref name="owner"/> handled what was sent before.</summary>
    private async Task SyncAsync(IActorRef owner) => await owner.Ask<UpstreamsSnapshot>(GetUpstreams.Instance, DefaultWait);

    /// <summary>Collects the gauges now and returns <paramref name="gauge"/>'s value for <paramref name="key"/> (tagged with the node).</summary>
    private double Observed(string gauge, string key)
    {
        var before = Recorder.Count(gauge, Upstream(key), Node);
        Recorder.Observe();
        var observed = Recorder.Of(gauge, Upstream(key), Node);
        Assert.Equal(before + 1, observed.Count);
        return observed[^1].Value;
    }

    [Fact]
    public async Task Reported_failures_show_as_errors_then_as_a_dead_backend_until_its_dead_period_is_over()
    {
        var owner = await OwnerWithListAsync("127.0.0.1:1,127.0.0.2:2");
        (double Alive, double Errors) Observe(string key) => (Observed(UpstreamAlive, key), Observed(UpstreamErrors, key));
        Assert.Equal((1, 0), Observe("127.0.0.1:1"));

        for (var i = 0; i < 2; i++) owner.Tell(new ReportUpstream("127.0.0.1:1", Success: false));
        await SyncAsync(owner);
        Assert.Equal((1, 2), Observe("127.0.0.1:1"));

        // The fourth failure within error-time (max-errors = 4) kills it; its window starts over.
        for (var i = 0; i < 2; i++) owner.Tell(new ReportUpstream("127.0.0.1:1", Success: false));
        await SyncAsync(owner);
        Assert.Equal((0, 0), Observe("127.0.0.1:1"));
        Assert.Equal((1, 0), Observe("127.0.0.2:2"));

        // A revival by time has no message: the gauge reads it at collection.
        _clock.Advance(TimeSpan.FromSeconds(85));
        Assert.Equal((1, 0), Observe("127.0.0.1:1"));
        Recorder.AssertSum(4, UpstreamFailures, Upstream("127.0.0.1:1"), Node);
        Recorder.AssertSum(4, UpstreamFailures);
    }

    [Fact]
    public async Task A_lua_request_to_a_refusing_backend_counts_its_failure_and_the_owner_its_error()
    {
        var peer = RefusingPeer();
        var key = $"127.0.0.1:{peer.Port}";

        var run = await RunLuaAsync($$"""
            local up = require('rspamd_upstream_list').create('{{key}}'):get_upstream_round_robin()
            require('rspamd_tcp').request{upstream = up, data = 'PING\r\n', stop_pattern = '\r\n',
              callback = function(err) print(err) end}
            """);

        Assert.Equal(["Socket error detected: Connection refused"], run.AssertSucceeded().Printed);
        Recorder.AssertSum(1, UpstreamFailures, Upstream(key), Node);
        await AwaitAssertAsync(() => Assert.Equal(1, Observed(UpstreamErrors, key)), DefaultWait);
        Assert.Equal(1, Observed(UpstreamAlive, key));
    }

    [Fact]
    public async Task A_lua_list_of_addresses_shows_each_backend_alive_from_its_creation_before_any_request()
    {
        var run = await RunLuaAsync("""
            assert(require('rspamd_upstream_list').create('127.0.0.1:7001,127.0.0.2:7002'))
            -- The same backends again (lists are often made per task): nothing new to track.
            assert(require('rspamd_upstream_list').create('127.0.0.1:7001'))
            """);

        run.AssertSucceeded();
        await AwaitAssertAsync(() =>
        {
            Assert.Equal(1, Observed(UpstreamAlive, "127.0.0.1:7001"));
            Assert.Equal(0, Observed(UpstreamErrors, "127.0.0.2:7002"));
        }, DefaultWait);
    }

    [Fact]
    public async Task An_owner_that_stopped_is_no_longer_observed()
    {
        var owner = await OwnerWithListAsync("127.0.0.1:1");
        Assert.Equal(1, Observed(UpstreamAlive, "127.0.0.1:1"));

        await owner.GracefulStop(DefaultWait);
        Recorder.Observe();

        Assert.Single(Recorder.Of(UpstreamAlive, Upstream("127.0.0.1:1")));
    }
}
