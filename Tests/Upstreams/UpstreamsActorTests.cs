using System.Net;
using ActorTcp.Actors;
using ActorTcp.Actors.Dns;
using ActorTcp.Actors.Upstreams;
using ActorTcp.Tests.Support;
using Akka.Actor;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Upstreams;

/// <summary>
/// The node's upstream owner through its messages, as a .NET caller and a Lua host use it: lists it holds, reports,
/// subscriptions, names and SRV elements looked up through a real resolver (dnsmasq on loopback), and time moved by hand.
/// </summary>
public sealed class UpstreamsActorTests : Akka.TestKit.Xunit2.TestKit, IClassFixture<DnsmasqServer>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly DnsmasqServer _dns;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));

    public UpstreamsActorTests(DnsmasqServer dns, ITestOutputHelper output) : base("akka.loglevel = INFO", output) => _dns = dns;

    private IActorRef NewOwner()
    {
        var settings = ActorTcpSettings.Default with
        {
            NameServers = [_dns.EndPoint],
            DnsTimeout = TimeSpan.FromSeconds(1),
            DnsRetries = 0,
            DnsUseCache = false,
        };
        return Sys.ActorOf(UpstreamsActor.Props(settings, Sys.ActorOf(ResolverActor.Props(settings)), _clock, new Random(3)));
    }

    private async Task<long> CreateAsync(IActorRef owner, string definition, int? port = null)
    {
        owner.Tell(new CreateUpstreamList(definition, port), TestActor);
        return (await ExpectMsgAsync<UpstreamListCreated>(Wait)).ListId;
    }

    private async Task<string> SelectAsync(IActorRef owner, long list, UpstreamRotation method = UpstreamRotation.RoundRobin, string? key = null)
    {
        owner.Tell(new SelectUpstream(list, method, key), TestActor);
        var reply = await ExpectMsgAsync<object>(Wait);
        return reply switch
        {
            UpstreamSelected selected => selected.Address.ToString(),
            NoUpstreamSelected none => "none: " + none.Reason,
            _ => throw new InvalidOperationException($"unexpected {reply}"),
        };
    }

    [Fact]
    public async Task A_dotnet_caller_makes_a_list_and_chooses_round_robin()
    {
        var owner = NewOwner();
        owner.Tell(new CreateUpstreamList("127.0.0.1:1,127.0.0.2,127.0.0.3:70000", 25), TestActor);
        var created = await ExpectMsgAsync<UpstreamListCreated>(Wait);

        Assert.Equal(["127.0.0.1:1", "127.0.0.2"], created.Names);
        Assert.Single(created.Rejected);
        Assert.Equal(["127.0.0.1:1", "127.0.0.2:25", "127.0.0.1:1"],
            [await SelectAsync(owner, created.ListId), await SelectAsync(owner, created.ListId), await SelectAsync(owner, created.ListId)]);
    }

    [Fact]
    public async Task Reported_failures_take_a_backend_out_until_its_dead_period_is_over()
    {
        var owner = NewOwner();
        var list = await CreateAsync(owner, "127.0.0.1:1,127.0.0.2:2");
        for (var i = 0; i < 4; i++) owner.Tell(new ReportUpstream("127.0.0.1:1", Success: false));

        Assert.Equal(["127.0.0.2:2", "127.0.0.2:2", "127.0.0.2:2"],
            [await SelectAsync(owner, list), await SelectAsync(owner, list), await SelectAsync(owner, list)]);

        _clock.Advance(TimeSpan.FromSeconds(85));
        var after = new[] { await SelectAsync(owner, list), await SelectAsync(owner, list) };
        Assert.Contains("127.0.0.1:1", after);
    }

    [Fact]
    public async Task Failures_spread_beyond_the_error_time_never_take_a_backend_out()
    {
        var owner = NewOwner();
        var list = await CreateAsync(owner, "127.0.0.1:1,127.0.0.2:2");
        for (var i = 0; i < 8; i++)
        {
            owner.Tell(new ReportUpstream("127.0.0.1:1", Success: false));
            // The owner reads the clock when it handles the report: wait for it before moving time on.
            owner.Tell(GetUpstreams.Instance, TestActor);
            await ExpectMsgAsync<UpstreamsSnapshot>(Wait);
            _clock.Advance(TimeSpan.FromSeconds(4));
        }

        var picks = new[] { await SelectAsync(owner, list), await SelectAsync(owner, list) };
        Assert.Contains("127.0.0.1:1", picks);
    }

    [Fact]
    public async Task A_subscriber_gets_a_snapshot_then_every_change_another_reporter_makes()
    {
        var owner = NewOwner();
        await CreateAsync(owner, "127.0.0.1:1");
        var host = CreateTestProbe();
        owner.Tell(new SubscribeUpstreams(host.Ref));
        var snapshot = await host.ExpectMsgAsync<UpstreamsSnapshot>(Wait);
        Assert.Contains(snapshot.Backends, b => b.Key == "127.0.0.1:1");

        var elsewhere = new UpstreamTable(UpstreamLimits.Default, origin: 99);
        var report = elsewhere.Fail("127.0.0.1:1", _clock.GetUtcNow().UtcTicks, null)!;
        owner.Tell(new MergeUpstreamHealth(report));

        var changed = await host.ExpectMsgAsync<UpstreamsChanged>(Wait);
        Assert.Equal(1, Assert.Single(changed.Backends).Health.Errors);
        owner.Tell(new MergeUpstreamHealth(report)); // the same view again changes nothing: no broadcast

        // A later view that does change it is broadcast, and its broadcast is the next message: had the repeated view
        // been broadcast, its one error would arrive first.
        var later = elsewhere.Fail("127.0.0.1:1", _clock.GetUtcNow().UtcTicks, null)!;
        owner.Tell(new MergeUpstreamHealth(later));
        var next = await host.ExpectMsgAsync<UpstreamsChanged>(Wait);
        Assert.Equal(2, Assert.Single(next.Backends).Health.Errors);
    }

    [Fact]
    public async Task A_name_has_no_address_until_the_resolver_answers_then_is_chosen()
    {
        var owner = NewOwner();
        var list = await CreateAsync(owner, $"{DnsmasqServer.DualName}:25");

        await AwaitAssertAsync(async () => Assert.Equal("127.0.0.1:25", await SelectAsync(owner, list)), Wait);
        owner.Tell(GetUpstreams.Instance, TestActor);
        var state = (await ExpectMsgAsync<UpstreamsSnapshot>(Wait)).Backends.Single(b => b.Key == $"{DnsmasqServer.DualName}:25");
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], state.Addresses);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_leaves_the_list_without_a_choice_and_nothing_waits()
    {
        var owner = NewOwner();
        var list = await CreateAsync(owner, $"{DnsmasqServer.MissingName}:25");

        Assert.StartsWith("none: no upstream of", await SelectAsync(owner, list));
    }

    [Fact]
    public async Task An_srv_element_becomes_its_targets_with_their_ports()
    {
        var owner = NewOwner();
        var list = await CreateAsync(owner, "service=smtp+fixture.test");

        await AwaitAssertAsync(async () =>
            Assert.Equal($"127.0.0.1:{DnsmasqServer.ServicePort}", await SelectAsync(owner, list)), Wait);
    }

    [Fact]
    public async Task Bad_definitions_and_unknown_lists_are_answered_not_ignored()
    {
        var owner = NewOwner();
        owner.Tell(new CreateUpstreamList("127.0.0.1:0,:80"), TestActor);
        var rejected = await ExpectMsgAsync<UpstreamListRejected>(Wait);
        Assert.Equal(2, rejected.Reasons.Count);

        Assert.Equal("none: no upstream list 42", await SelectAsync(owner, 42));
        var list = await CreateAsync(owner, "127.0.0.1:1");
        owner.Tell(new DeleteUpstreamList(list));
        Assert.Equal($"none: no upstream list {list}", await SelectAsync(owner, list));
    }

    [Fact]
    public async Task Hash_choices_from_dotnet_land_where_rspamd_34_puts_the_key()
    {
        var owner = NewOwner();
        var list = await CreateAsync(owner, "127.0.0.1:1,127.0.0.2:2,127.0.0.3:3");

        // rspamd 3.4 puts key0 at position 1, key1 at 2 and example.com at 2 of three.
        Assert.Equal("127.0.0.2:2", await SelectAsync(owner, list, UpstreamRotation.Hash, "key0"));
        Assert.Equal("127.0.0.3:3", await SelectAsync(owner, list, UpstreamRotation.Hash, "key1"));
        Assert.Equal("127.0.0.3:3", await SelectAsync(owner, list, UpstreamRotation.Hash, "example.com"));
    }
}
