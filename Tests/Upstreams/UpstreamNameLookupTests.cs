using ActorTcp.Actors;
using ActorTcp.Actors.Dns;
using ActorTcp.Actors.Upstreams;
using ActorTcp.TestKit;
using Akka.Actor;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Upstreams;

/// <summary>
/// The upstream owner keeps names fresh through the resolver actor: again after a failure (at most once per
/// resolve-min-interval), again every lazy-resolve-time, and a failed lookup keeps the addresses it had. A scripted DNS
/// server on loopback changes its answer under the test.
/// </summary>
public sealed class UpstreamNameLookupTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit("akka.loglevel = INFO", output)
{
    private const string Name = "backend.upstream.test";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));
    private volatile string _answer = "127.0.0.1";

    private ScriptedDns Server() =>
        ScriptedDns.Start((name, type) => name == Name && type == DnsRecordType.A ? DnsReply.WithAddresses(_answer) : DnsReply.WithAddresses());

    private IActorRef Owner(ScriptedDns dns, UpstreamLimits limits)
    {
        var settings = ActorTcpSettings.Default with
        {
            NameServers = [dns.EndPoint],
            DnsTimeout = TimeSpan.FromSeconds(1),
            DnsRetries = 0,
            DnsUseCache = false,
            Upstreams = limits,
        };
        return Sys.ActorOf(UpstreamsActor.Props(settings, Sys.ActorOf(ResolverActor.Props(settings)), _clock, new Random(5)));
    }

    private async Task<long> ListAsync(IActorRef owner)
    {
        owner.Tell(new CreateUpstreamList($"{Name}:25"), TestActor);
        return (await ExpectMsgAsync<UpstreamListCreated>(Wait)).ListId;
    }

    private async Task<string> AddressAsync(IActorRef owner, long list)
    {
        var reply = await owner.Ask<object>(new SelectUpstream(list), Wait);
        return reply is UpstreamSelected selected ? selected.Address.ToString() : "none";
    }

    private async Task AwaitAddressAsync(IActorRef owner, long list, string expected) =>
        await AwaitAssertAsync(async () => Assert.Equal(expected, await AddressAsync(owner, list)), Wait, TimeSpan.FromMilliseconds(20));

    [Fact]
    public async Task A_failure_asks_for_a_fresh_lookup_but_not_twice_within_the_minimum_interval()
    {
        using var dns = Server();
        var owner = Owner(dns, UpstreamLimits.Default);
        var list = await ListAsync(owner);
        await AwaitAddressAsync(owner, list, "127.0.0.1:25");
        var queries = dns.Received;

        _answer = "127.0.0.2";
        owner.Tell(new ReportUpstream($"{Name}:25", Success: false));
        await Task.Delay(300);
        Assert.Equal(queries, dns.Received); // the first lookup was less than resolve-min-interval ago
        Assert.Equal("127.0.0.1:25", await AddressAsync(owner, list));

        _clock.Advance(TimeSpan.FromSeconds(61));
        owner.Tell(new ReportUpstream($"{Name}:25", Success: false)); // the first failure of a new window
        await AwaitAddressAsync(owner, list, "127.0.0.2:25");
    }

    [Fact]
    public async Task Names_are_looked_up_again_every_lazy_resolve_time()
    {
        using var dns = Server();
        var owner = Owner(dns, UpstreamLimits.Default with { LazyResolveTime = TimeSpan.FromMilliseconds(200) });
        var list = await ListAsync(owner);
        await AwaitAddressAsync(owner, list, "127.0.0.1:25");

        _answer = "127.0.0.3";

        await AwaitAddressAsync(owner, list, "127.0.0.3:25");
    }

    [Fact]
    public async Task A_failed_lookup_keeps_the_addresses_already_known()
    {
        var failing = false;
        using var dns = ScriptedDns.Start((name, type) =>
            failing ? DnsReply.ServFail : name == Name && type == DnsRecordType.A ? DnsReply.WithAddresses("127.0.0.4") : DnsReply.WithAddresses());
        var owner = Owner(dns, UpstreamLimits.Default with
        {
            LazyResolveTime = TimeSpan.FromMilliseconds(100),
            ResolveMinInterval = TimeSpan.FromMilliseconds(100),
        });
        var list = await ListAsync(owner);
        await AwaitAddressAsync(owner, list, "127.0.0.4:25");
        var queries = dns.Received;

        failing = true;
        await AwaitConditionAsync(() => Task.FromResult(dns.Received >= queries + 4), Wait);

        Assert.Equal("127.0.0.4:25", await AddressAsync(owner, list));
    }
}
