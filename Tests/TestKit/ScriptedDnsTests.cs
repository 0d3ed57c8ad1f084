using System.Diagnostics;
using System.Net;
using ActorTcp.Actors.Connection;
using ActorTcp.Actors.Dns;
using ActorTcp.TestKit;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.TestKit;

/// <summary>
/// <see cref="ScriptedDns"/> answering ActorTcp's resolver, which <see cref="ActorTcpTestKit"/> points at it: addresses,
/// services, NXDOMAIN and silence, seen as rspamd sees them, also by a connection to a name.
/// </summary>
public sealed class ScriptedDnsTests(ITestOutputHelper output) : ActorTcpTestKit(output, """
    actortcp.dns.timeout = 300ms
    actortcp.dns.retries = 0
    """, ScriptedDns.Start()
        .A("mail.test", "127.0.0.1", "127.0.0.2").Aaaa("mail.test", "::1")
        .Aaaa("six.test", "::1")
        .Srv("_smtp._tcp.mail.test", new SrvRecord(20, 1, 2526, "b.mail.test."), new SrvRecord(10, 5, 2525, "a.mail.test."))
        .NxDomain("gone.test")
        .Timeout("slow.test"))
{
    private ScriptedDns Server => DnsServer!;

    [Fact]
    public async Task A_and_AAAA_answers_resolve_a_name_to_every_address_IPv4_first()
    {
        var resolved = await ResolveAsync<Resolved>(new Resolve("mail.test", 1));

        Assert.Equal(["127.0.0.1", "127.0.0.2", "::1"], resolved.Addresses.Select(a => a.ToString()));
        Assert.Contains(new DnsQuestion("mail.test", DnsRecordType.A), Server.Queries);
        Assert.Contains(new DnsQuestion("mail.test", DnsRecordType.Aaaa), Server.Queries);
    }

    [Fact]
    public async Task A_name_with_only_an_AAAA_record_resolves_to_its_IPv6_address()
    {
        var resolved = await ResolveAsync<Resolved>(new Resolve("SIX.test.", 2));

        Assert.Equal([IPAddress.IPv6Loopback], resolved.Addresses);
    }

    [Fact]
    public async Task SRV_records_come_back_by_priority()
    {
        var resolved = await ResolveAsync<ServiceResolved>(new ResolveService("_smtp._tcp.mail.test", 3));

        Assert.Equal([new ServiceTarget("a.mail.test", 2525, 10, 5), new ServiceTarget("b.mail.test", 2526, 20, 1)], resolved.Targets);
    }

    [Fact]
    public async Task NXDOMAIN_and_a_name_no_rule_knows_fail_with_unable_to_resolve_host()
    {
        var gone = await ResolveAsync<ResolveFailed>(new Resolve("gone.test", 4));
        var unknown = await ResolveAsync<ResolveFailed>(new Resolve("unknown.test", 5));

        Assert.Equal(TcpErrors.UnableToResolve("gone.test"), gone.Error);
        Assert.Equal(TcpErrors.UnableToResolve("unknown.test"), unknown.Error);
    }

    [Fact]
    public async Task A_connection_to_a_name_that_resolves_reaches_the_scripted_peer()
    {
        var peer = StartPeer(s => s.SendLine("220 mail.test"));
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo("mail.test", peer.Port, ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "220 mail.test");
        Return(conn);
        await ExpectClosedAsync(conn);
        await peer.Completion.WaitAsync(DefaultWait);
    }

    [Fact]
    public async Task A_connection_to_a_name_whose_lookup_times_out_fails_with_unable_to_resolve_host()
    {
        var r1 = NextId();
        var clock = Stopwatch.StartNew();
        var conn = await OpenAsync(RequestTo("slow.test", 25, ReadHandler(r1, "\r\n")));

        await ExpectFailedAndClosedAsync(conn, r1, TcpErrors.UnableToResolve("slow.test"));
        // A lower bound only: silence, unlike NXDOMAIN, ends the lookup at actortcp.dns.timeout.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"the lookup failed after {clock.Elapsed}");
        Assert.Contains(new DnsQuestion("slow.test", DnsRecordType.A), Server.Queries);
    }

    private async Task<T> ResolveAsync<T>(object question)
    {
        var probe = CreateTestProbe();
        Resolver.Tell(question, probe.Ref);
        return await probe.ExpectMsgAsync<T>(DefaultWait);
    }
}
