using System.Net;
using ActorTcp.Actors.Connection;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>Connections to names, resolved through a real dnsmasq on loopback (actortcp.dns.nameservers points at it).</summary>
public sealed class DnsConnectionTests(DnsmasqServer dns, ITestOutputHelper output)
    : ConnectionTestKit(output, $"actortcp.dns.nameservers = [\"{dns.EndPoint}\"]"), IClassFixture<DnsmasqServer>
{
    private static void Reply(PeerScript script) => script.ExpectUntil("\n").Send("hello by name\n");

    [Fact]
    public async Task Name_resolved_through_the_dns_server_connects_and_runs_the_queue()
    {
        var peer = StartPeer(Reply);
        var read = NextId();
        var conn = await OpenAsync(RequestTo(DnsmasqServer.ARecordName, peer.Port,
            SilentWriteHandler(NextId(), "hi\n"), ReadHandler(read, "\n")));

        await ExpectReadAsync(conn, read, "hello by name");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Refused_first_address_falls_back_to_the_next_resolved_one()
    {
        // dual.fixture.test resolves to 127.0.0.1 then ::1; only ::1 listens.
        var peer = StartPeer(Reply, new ScriptedPeerOptions { Address = IPAddress.IPv6Loopback });
        var read = NextId();
        var conn = await OpenAsync(RequestTo(DnsmasqServer.DualName, peer.Port,
            SilentWriteHandler(NextId(), "hi\n"), ReadHandler(read, "\n")));

        await ExpectReadAsync(conn, read, "hello by name");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Nxdomain_fails_every_handler_with_unable_to_resolve_host()
    {
        var write = NextId();
        var read = NextId();
        var conn = await OpenAsync(RequestTo(DnsmasqServer.InvalidName, 25, WriteHandler(write, "hi"), ReadHandler(read)));

        await ExpectFailedAsync(conn, write, "unable to resolve host: nope.invalid");
        Return(conn);
        await ExpectFailedAsync(conn, read, "unable to resolve host: nope.invalid");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Name_without_address_fails_with_no_records_text()
    {
        var read = NextId();
        var conn = await OpenAsync(RequestTo(DnsmasqServer.NoAddressName, 25, ReadHandler(read)));

        await ExpectFailedAsync(conn, read, $"unable to resolve host: {DnsmasqServer.NoAddressName}");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Dns_failure_goes_only_to_ConnectFailed_when_on_error_is_asked_for()
    {
        var conn = await OpenAsync(RequestTo(DnsmasqServer.InvalidName, 25, ReadHandler(NextId())) with { NotifyConnectError = true });

        await ExpectConnectFailedAsync(conn, "unable to resolve host: nope.invalid");
        await ExpectClosedAsync(conn);
    }
}
