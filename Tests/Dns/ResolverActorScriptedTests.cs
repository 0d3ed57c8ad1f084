using System.Diagnostics;
using System.Net;
using ActorTcp.Actors;
using ActorTcp.Actors.Dns;
using ActorTcp.TestKit;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Dns;

/// <summary>The resolver against a scripted DNS server on 127.0.0.1: answers dnsmasq will not give on demand.</summary>
public sealed class ResolverActorScriptedTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    public ResolverActorScriptedTests(ITestOutputHelper output) : base("akka.loglevel = DEBUG", output)
    {
    }

    private IActorRef NewResolver(ScriptedDns server, TimeSpan? timeout = null, int retries = 0) =>
        Sys.ActorOf(ResolverActor.Props(ActorTcpSettings.Default with
        {
            NameServers = [server.EndPoint],
            DnsTimeout = timeout ?? TimeSpan.FromMilliseconds(500),
            DnsRetries = retries,
            DnsUseCache = false,
        }));

    private async Task<object> AskAsync(ScriptedDns server, string host, long correlation = 3)
    {
        NewResolver(server).Tell(new Resolve(host, correlation), TestActor);
        var reply = await ExpectMsgAsync<object>(Wait);
        switch (reply)
        {
            case Resolved r: Assert.Equal(correlation, r.Correlation); break;
            case ResolveFailed f: Assert.Equal(correlation, f.Correlation); break;
            default: Assert.Fail($"unexpected reply {reply}"); break;
        }
        return reply;
    }

    [Fact]
    public async Task SERVFAIL_fails_with_unable_to_resolve_host()
    {
        using var server = ScriptedDns.Start((_, _) => DnsReply.ServFail);
        var reply = Assert.IsType<ResolveFailed>(await AskAsync(server, "broken.test"));
        Assert.Equal("unable to resolve host: broken.test", reply.Error);
    }

    [Fact]
    public async Task Addresses_keep_the_servers_answer_order_with_IPv4_first()
    {
        using var server = ScriptedDns.Start((_, _) => DnsReply.WithAddresses("127.0.0.3", "::2", "127.0.0.2", "::3"));
        var reply = Assert.IsType<Resolved>(await AskAsync(server, "many.test"));
        Assert.Equal(
            ["127.0.0.3", "127.0.0.2", "::2", "::3"],
            reply.Addresses.Select(a => a.ToString()));
    }

    [Fact]
    public async Task A_answer_wins_when_AAAA_query_fails()
    {
        using var server = ScriptedDns.Start((_, type) => type == DnsRecordType.A ? DnsReply.WithAddresses("127.0.0.5") : DnsReply.ServFail);
        var reply = Assert.IsType<Resolved>(await AskAsync(server, "half.test"));
        Assert.Equal([IPAddress.Parse("127.0.0.5")], reply.Addresses);
    }

    [Fact]
    public async Task A_answer_wins_when_AAAA_query_times_out()
    {
        using var server = ScriptedDns.Start((_, type) => type == DnsRecordType.A ? DnsReply.WithAddresses("127.0.0.5") : DnsReply.Silence);
        var reply = Assert.IsType<Resolved>(await AskAsync(server, "slow6.test"));
        Assert.Equal([IPAddress.Parse("127.0.0.5")], reply.Addresses);
    }

    [Fact]
    public async Task AAAA_answer_is_used_when_A_query_fails()
    {
        using var server = ScriptedDns.Start((_, type) => type == DnsRecordType.A ? DnsReply.ServFail : DnsReply.WithAddresses("::5"));
        var reply = Assert.IsType<Resolved>(await AskAsync(server, "half6.test"));
        Assert.Equal([IPAddress.Parse("::5")], reply.Addresses);
    }

    [Fact]
    public async Task No_address_with_one_failed_query_is_unable_to_resolve_not_no_records()
    {
        using var server = ScriptedDns.Start((_, type) => type == DnsRecordType.A ? DnsReply.WithAddresses() : DnsReply.ServFail);
        var reply = Assert.IsType<ResolveFailed>(await AskAsync(server, "empty.test"));
        Assert.Equal("unable to resolve host: empty.test", reply.Error);
    }

    [Fact]
    public async Task CNAME_without_the_targets_addresses_fails_with_unable_to_resolve_host()
    {
        // Records in the answer, none of them an address: still rspamd's plain text, not "; no records with this name".
        using var server = ScriptedDns.Start((_, _) => DnsReply.AliasOnly("target.test"));
        var reply = Assert.IsType<ResolveFailed>(await AskAsync(server, "alias.test"));
        Assert.Equal("unable to resolve host: alias.test", reply.Error);
    }

    [Fact]
    public async Task Answer_that_is_not_a_DNS_message_fails_with_unable_to_resolve_host()
    {
        using var server = ScriptedDns.Start((_, _) => DnsReply.Garbage);
        var reply = Assert.IsType<ResolveFailed>(await AskAsync(server, "garbage.test"));
        Assert.Equal("unable to resolve host: garbage.test", reply.Error);
    }

    [Fact]
    public async Task Silent_name_server_fails_with_unable_to_resolve_host_after_the_dns_timeout()
    {
        using var server = ScriptedDns.Silent();
        var resolver = NewResolver(server, TimeSpan.FromMilliseconds(200), retries: 0);
        var clock = Stopwatch.StartNew();

        resolver.Tell(new Resolve("silent.test", 11), TestActor);
        var reply = await ExpectMsgAsync<ResolveFailed>(TimeSpan.FromSeconds(3));

        Assert.Equal(new ResolveFailed(11, "unable to resolve host: silent.test"), reply);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(150), $"failed after {clock.Elapsed}, before the timeout");
        Assert.Equal(2, server.Received); // one A and one AAAA query, no retry
    }

    [Fact]
    public async Task Silent_name_server_is_asked_again_for_each_retry()
    {
        using var server = ScriptedDns.Silent();
        var resolver = NewResolver(server, TimeSpan.FromMilliseconds(200), retries: 1);

        resolver.Tell(new Resolve("silent.test", 12), TestActor);
        await ExpectMsgAsync<ResolveFailed>(TimeSpan.FromSeconds(3));

        Assert.Equal(4, server.Received);
    }

    [Fact]
    public async Task Stopping_the_resolver_fails_queries_in_flight()
    {
        using var server = ScriptedDns.Silent();
        var resolver = NewResolver(server, TimeSpan.FromSeconds(10), retries: 0);
        resolver.Tell(new Resolve("silent.test", 13), TestActor);
        await AwaitConditionAsync(() => Task.FromResult(server.Received == 2), Wait);

        Sys.Stop(resolver);

        var reply = await ExpectMsgAsync<ResolveFailed>(TimeSpan.FromSeconds(3));
        Assert.Equal(new ResolveFailed(13, "unable to resolve host: silent.test"), reply);
    }

    [Theory]
    [InlineData("127.0.0.1", new[] { "127.0.0.1" })]
    [InlineData("::1", new[] { "::1" })]
    [InlineData("[::1]", new[] { "::1" })]
    [InlineData("192.0.2.10", new[] { "192.0.2.10" })]
    [InlineData("localhost", new[] { "127.0.0.1", "::1" })]
    [InlineData("LocalHost", new[] { "127.0.0.1", "::1" })]
    public async Task Literals_and_localhost_are_answered_without_a_dns_query(string host, string[] expected)
    {
        using var server = ScriptedDns.Silent();
        NewResolver(server).Tell(new Resolve(host, 21), TestActor);

        var reply = await ExpectMsgAsync<Resolved>(Wait);

        Assert.Equal(21, reply.Correlation);
        Assert.Equal(expected, reply.Addresses.Select(a => a.ToString()));
        Assert.Equal(0, server.Received);
    }
}
