using System.Diagnostics;
using ActorTcp.Actors;
using ActorTcp.Actors.Dns;
using ActorTcp.TestKit;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Dns;

/// <summary>SRV lookups (<see cref="ResolveService"/>) against a scripted DNS server on 127.0.0.1.</summary>
public sealed class ResolverServiceScriptedTests : Akka.TestKit.Xunit2.TestKit
{
    private const string Name = "_smtp._tcp.mail.test";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    public ResolverServiceScriptedTests(ITestOutputHelper output) : base("akka.loglevel = DEBUG", output)
    {
    }

    // Answers SRV queries for Name only: asking another type or another name gets SERVFAIL, so a lookup that asks the
    // wrong question fails instead of passing by accident.
    private static ScriptedDns ServerFor(DnsReply reply) =>
        ScriptedDns.Start((name, type) => name == Name && type == DnsRecordType.Srv ? reply : DnsReply.ServFail);

    private IActorRef NewResolver(ScriptedDns server, TimeSpan? timeout = null) =>
        Sys.ActorOf(ResolverActor.Props(ActorTcpSettings.Default with
        {
            NameServers = [server.EndPoint],
            DnsTimeout = timeout ?? TimeSpan.FromMilliseconds(500),
            DnsRetries = 0,
            DnsUseCache = false,
        }));

    private async Task<IReadOnlyList<ServiceTarget>> ExpectTargetsAsync(DnsReply reply, long correlation = 5)
    {
        using var server = ServerFor(reply);
        NewResolver(server).Tell(new ResolveService(Name, correlation), TestActor);
        var resolved = await ExpectMsgAsync<ServiceResolved>(Wait);
        Assert.Equal(correlation, resolved.Correlation);
        return resolved.Targets;
    }

    private async Task<string> ExpectFailureAsync(ScriptedDns server, long correlation = 6)
    {
        NewResolver(server).Tell(new ResolveService(Name, correlation), TestActor);
        var failed = await ExpectMsgAsync<ResolveFailed>(Wait);
        Assert.Equal(correlation, failed.Correlation);
        return failed.Error;
    }

    [Fact]
    public async Task Targets_are_sorted_by_priority_then_heavier_weight_first_keeping_answer_order_for_ties()
    {
        var targets = await ExpectTargetsAsync(DnsReply.WithServices(
            new SrvRecord(20, 5, 2001, "a.mail.test."),
            new SrvRecord(10, 1, 2002, "b.mail.test."),
            new SrvRecord(10, 50, 2003, "c.mail.test."),
            new SrvRecord(20, 5, 2004, "d.mail.test."),
            new SrvRecord(10, 1, 2005, "e.mail.test.")));

        Assert.Equal(
        [
            new ServiceTarget("c.mail.test", 2003, 10, 50),
            new ServiceTarget("b.mail.test", 2002, 10, 1),
            new ServiceTarget("e.mail.test", 2005, 10, 1),
            new ServiceTarget("a.mail.test", 2001, 20, 5),
            new ServiceTarget("d.mail.test", 2004, 20, 5),
        ], targets);
    }

    [Fact]
    public async Task Single_target_keeps_its_port_priority_and_weight_above_the_signed_16_bit_range()
    {
        var targets = await ExpectTargetsAsync(DnsReply.WithServices(new SrvRecord(65535, 40000, 65000, "big.mail.test")));
        Assert.Equal([new ServiceTarget("big.mail.test", 65000, 65535, 40000)], targets);
    }

    [Fact]
    public async Task Dot_target_is_skipped_even_with_the_best_priority()
    {
        var targets = await ExpectTargetsAsync(DnsReply.WithServices(
            new SrvRecord(0, 100, 25, "."),
            new SrvRecord(5, 0, 2525, "mx.mail.test")));
        Assert.Equal([new ServiceTarget("mx.mail.test", 2525, 5, 0)], targets);
    }

    [Fact]
    public async Task Only_dot_targets_fail_with_no_records_with_this_name()
    {
        using var server = ServerFor(DnsReply.WithServices(new SrvRecord(0, 0, 0, "."), new SrvRecord(1, 0, 25, ".")));
        Assert.Equal($"unable to resolve host: {Name}; no records with this name", await ExpectFailureAsync(server));
    }

    [Fact]
    public async Task NOERROR_without_SRV_records_fails_with_unable_to_resolve_host()
    {
        using var server = ServerFor(DnsReply.WithServices());
        Assert.Equal($"unable to resolve host: {Name}", await ExpectFailureAsync(server));
    }

    [Fact]
    public async Task CNAME_without_the_targets_SRV_records_fails_with_unable_to_resolve_host()
    {
        // Records in the answer, none of them SRV: like an empty answer, not "; no records with this name".
        using var server = ServerFor(DnsReply.AliasOnly("_smtp._tcp.other.test"));
        Assert.Equal($"unable to resolve host: {Name}", await ExpectFailureAsync(server));
    }

    [Fact]
    public async Task NXDOMAIN_fails_with_unable_to_resolve_host()
    {
        using var server = ServerFor(DnsReply.NxDomain);
        Assert.Equal($"unable to resolve host: {Name}", await ExpectFailureAsync(server));
    }

    [Fact]
    public async Task SERVFAIL_fails_with_unable_to_resolve_host()
    {
        using var server = ScriptedDns.Start((_, _) => DnsReply.ServFail);
        Assert.Equal($"unable to resolve host: {Name}", await ExpectFailureAsync(server));
    }

    [Fact]
    public async Task Answer_that_is_not_a_DNS_message_fails_with_unable_to_resolve_host()
    {
        using var server = ScriptedDns.Start((_, _) => DnsReply.Garbage);
        Assert.Equal($"unable to resolve host: {Name}", await ExpectFailureAsync(server));
    }

    [Fact]
    public async Task Silent_name_server_fails_with_unable_to_resolve_host_after_one_query_and_the_dns_timeout()
    {
        using var server = ScriptedDns.Silent();
        var resolver = NewResolver(server, TimeSpan.FromMilliseconds(200));
        var clock = Stopwatch.StartNew();

        resolver.Tell(new ResolveService(Name, 31), TestActor);
        var reply = await ExpectMsgAsync<ResolveFailed>(TimeSpan.FromSeconds(3));

        Assert.Equal(new ResolveFailed(31, $"unable to resolve host: {Name}"), reply);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(150), $"failed after {clock.Elapsed}, before the timeout");
        Assert.Equal(1, server.Received); // one SRV query, no A or AAAA, no retry
    }

    [Fact]
    public async Task Stopping_the_resolver_fails_SRV_queries_in_flight()
    {
        using var server = ScriptedDns.Silent();
        var resolver = NewResolver(server, TimeSpan.FromSeconds(10));
        resolver.Tell(new ResolveService(Name, 32), TestActor);
        await AwaitConditionAsync(() => Task.FromResult(server.Received == 1), Wait);

        Sys.Stop(resolver);

        var reply = await ExpectMsgAsync<ResolveFailed>(TimeSpan.FromSeconds(3));
        Assert.Equal(new ResolveFailed(32, $"unable to resolve host: {Name}"), reply);
    }

    [Fact]
    public async Task Each_reply_carries_the_correlation_of_its_request()
    {
        // Two names on one resolver, one failing and one answered: each reply must name its own request.
        const string other = "_imap._tcp.mail.test";
        using var server = ScriptedDns.Start((name, type) =>
            name == Name && type == DnsRecordType.Srv ? DnsReply.WithServices(new SrvRecord(1, 1, 25, "mx.mail.test")) : DnsReply.NxDomain);
        var resolver = NewResolver(server);

        resolver.Tell(new ResolveService(other, 900), TestActor);
        resolver.Tell(new ResolveService(Name, 41), TestActor);
        var replies = new List<object> { await ExpectMsgAsync<object>(Wait), await ExpectMsgAsync<object>(Wait) };

        Assert.Contains(new ResolveFailed(900, $"unable to resolve host: {other}"), replies);
        var resolved = Assert.Single(replies.OfType<ServiceResolved>());
        Assert.Equal(41, resolved.Correlation);
        Assert.Equal([new ServiceTarget("mx.mail.test", 25, 1, 1)], resolved.Targets);
    }
}
