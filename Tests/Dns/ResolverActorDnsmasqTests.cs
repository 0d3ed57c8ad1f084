using System.Net;
using ActorTcp.Actors;
using ActorTcp.Actors.Dns;
using ActorTcp.Tests.Support;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Dns;

/// <summary>The resolver against a real DNS server (dnsmasq on 127.0.0.1).</summary>
public sealed class ResolverActorDnsmasqTests : Akka.TestKit.Xunit2.TestKit, IClassFixture<DnsmasqServer>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly DnsmasqServer _dns;

    public ResolverActorDnsmasqTests(DnsmasqServer dns, ITestOutputHelper output)
        : base("akka.loglevel = DEBUG", output)
    {
        _dns = dns;
    }

    private IActorRef NewResolver() =>
        Sys.ActorOf(ResolverActor.Props(ActorTcpSettings.Default with
        {
            NameServers = [_dns.EndPoint],
            DnsTimeout = TimeSpan.FromSeconds(1),
            DnsRetries = 1,
            DnsUseCache = false,
        }));

    private async Task<Resolved> ExpectResolvedAsync(string host, long correlation = 7)
    {
        NewResolver().Tell(new Resolve(host, correlation), TestActor);
        var reply = await ExpectMsgAsync<Resolved>(Wait);
        Assert.Equal(correlation, reply.Correlation);
        return reply;
    }

    private async Task<string> ExpectFailureAsync(string host, long correlation = 9)
    {
        NewResolver().Tell(new Resolve(host, correlation), TestActor);
        var reply = await ExpectMsgAsync<ResolveFailed>(Wait);
        Assert.Equal(correlation, reply.Correlation);
        return reply.Error;
    }

    [Fact]
    public async Task Name_with_A_record_resolves_through_dns_server_on_loopback()
    {
        var reply = await ExpectResolvedAsync(DnsmasqServer.ARecordName);
        Assert.Equal([IPAddress.Loopback], reply.Addresses);
    }

    [Fact]
    public async Task Name_with_A_and_AAAA_records_gives_IPv4_first_then_IPv6()
    {
        var reply = await ExpectResolvedAsync(DnsmasqServer.DualName);
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], reply.Addresses);
    }

    [Fact]
    public async Task Name_with_only_AAAA_record_resolves_to_IPv6()
    {
        var reply = await ExpectResolvedAsync(DnsmasqServer.V6OnlyName);
        Assert.Equal([IPAddress.IPv6Loopback], reply.Addresses);
    }

    [Fact]
    public async Task CNAME_is_followed_to_the_addresses_of_its_target()
    {
        var reply = await ExpectResolvedAsync(DnsmasqServer.AliasName);
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], reply.Addresses);
    }

    [Fact]
    public async Task NXDOMAIN_fails_with_unable_to_resolve_host()
    {
        Assert.Equal("unable to resolve host: nope.invalid", await ExpectFailureAsync(DnsmasqServer.InvalidName));
    }

    [Fact]
    public async Task NXDOMAIN_in_a_served_zone_fails_with_unable_to_resolve_host()
    {
        Assert.Equal("unable to resolve host: missing.fixture.test", await ExpectFailureAsync(DnsmasqServer.MissingName));
    }

    [Fact]
    public async Task NOERROR_without_address_fails_with_unable_to_resolve_host()
    {
        Assert.Equal("unable to resolve host: txtonly.fixture.test", await ExpectFailureAsync(DnsmasqServer.NoAddressName));
    }

    [Fact]
    public async Task REFUSED_fails_with_unable_to_resolve_host()
    {
        Assert.Equal("unable to resolve host: name.unconfigured.test", await ExpectFailureAsync(DnsmasqServer.RefusedName));
    }

    [Fact]
    public async Task SRV_record_resolves_to_its_target_port_priority_and_weight()
    {
        NewResolver().Tell(new ResolveService(DnsmasqServer.ServiceName, 51), TestActor);

        var reply = await ExpectMsgAsync<ServiceResolved>(Wait);

        Assert.Equal(51, reply.Correlation);
        Assert.Equal(
            [new ServiceTarget(DnsmasqServer.ServiceTargetName, DnsmasqServer.ServicePort, DnsmasqServer.ServicePriority,
                DnsmasqServer.ServiceWeight)],
            reply.Targets);
    }

    [Theory]
    // A name with an A record but no SRV record: NOERROR, no data.
    [InlineData(DnsmasqServer.ARecordName, "unable to resolve host: a.fixture.test")]
    // Only a "." target: the service is not available.
    [InlineData(DnsmasqServer.UnavailableServiceName,
        "unable to resolve host: _imap._tcp.fixture.test; no records with this name")]
    [InlineData(DnsmasqServer.MissingName, "unable to resolve host: missing.fixture.test")]
    [InlineData(DnsmasqServer.RefusedName, "unable to resolve host: name.unconfigured.test")]
    public async Task SRV_lookup_without_a_usable_record_fails_with_rspamds_text(string name, string expected)
    {
        NewResolver().Tell(new ResolveService(name, 52), TestActor);

        var reply = await ExpectMsgAsync<ResolveFailed>(Wait);

        Assert.Equal(new ResolveFailed(52, expected), reply);
    }

    [Fact]
    public async Task Resolver_keeps_answering_after_a_failure_and_matches_replies_by_correlation()
    {
        var resolver = NewResolver();
        string[] names =
        [
            DnsmasqServer.InvalidName, DnsmasqServer.ARecordName, DnsmasqServer.NoAddressName, DnsmasqServer.DualName,
            DnsmasqServer.RefusedName, DnsmasqServer.V6OnlyName,
        ];
        for (var i = 0; i < names.Length; i++) resolver.Tell(new Resolve(names[i], 100 + i), TestActor);

        var replies = new Dictionary<long, object>();
        for (var i = 0; i < names.Length; i++)
        {
            var reply = await ExpectMsgAsync<object>(Wait);
            switch (reply)
            {
                case Resolved r: replies.Add(r.Correlation, reply); break;
                case ResolveFailed f: replies.Add(f.Correlation, reply); break;
                default: Assert.Fail($"unexpected reply {reply}"); break;
            }
        }

        Assert.IsType<ResolveFailed>(replies[100]);
        Assert.Equal([IPAddress.Loopback], Assert.IsType<Resolved>(replies[101]).Addresses);
        Assert.Equal("unable to resolve host: txtonly.fixture.test", Assert.IsType<ResolveFailed>(replies[102]).Error);
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], Assert.IsType<Resolved>(replies[103]).Addresses);
        Assert.Equal("unable to resolve host: name.unconfigured.test", Assert.IsType<ResolveFailed>(replies[104]).Error);
        Assert.Equal([IPAddress.IPv6Loopback], Assert.IsType<Resolved>(replies[105]).Addresses);
    }
}
