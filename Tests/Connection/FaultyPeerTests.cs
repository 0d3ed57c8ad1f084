using ActorTcp.Actors;
using ActorTcp.Actors.Connection;
using ActorTcp.Actors.Dns;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>
/// Peers that misbehave (issue 8 item 2), each ending in rspamd's error string and a closed connection. Covered
/// elsewhere: reset during a read (ErrorFanOutTests, scenario reset.lua), slow drip under a budget or read timeout
/// (TimeoutTests, scenarios drip_*.lua), a stop pattern that never comes within max-read-buffer (LimitsTests,
/// scenario limit_read_buffer.lua), 100 MB in partial mode (Tests/Lua/PartialStreamMemoryTests.cs), DNS SERVFAIL and
/// silence at the resolver (ResolverActorScriptedTests).
/// </summary>
public sealed class FaultyPeerTests(ITestOutputHelper output) : ConnectionTestKit(output)
{
    /// <summary>More than the kernel buffers on both sides hold, so the write is still going when the peer acts.</summary>
    private static readonly byte[] BigWrite = new byte[32 * 1024 * 1024];

    /// <summary>What a write to a peer that is gone fails with: reset or broken pipe, as the kernel reports it first.</summary>
    private static readonly string[] WriteToAGonePeer =
    [
        TcpErrors.WriteError("Connection reset by peer"),
        TcpErrors.WriteError("Broken pipe"),
    ];

    [Fact]
    public async Task Reset_by_peer_during_a_large_write_fails_the_write_and_every_queued_handler()
    {
        var peer = StartPeer(async (c, _) =>
        {
            await c.ReadExactlyAsync(64 * 1024);
            c.Reset();
        });
        long w1 = NextId(), r2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, WriteHandler(w1, BigWrite), ReadHandler(r2, "\r\n")));

        var failed = await ExpectTurnAsync<HandlerFailed>(conn, TimeSpan.FromSeconds(10));
        Assert.Equal(w1, failed.HandlerId);
        Assert.Contains(failed.Error, WriteToAGonePeer);
        Return(conn);
        await ExpectFailedAsync(conn, r2, failed.Error);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Peer_closing_before_the_write_completes_fails_the_write()
    {
        // The peer reads a little and closes its socket (a plain close, not an abortive one): the data it never read
        // makes its kernel answer the rest of our write with a reset.
        var peer = StartPeer(async (c, _) =>
        {
            await c.ReadExactlyAsync(64 * 1024);
            c.Abort();
        });
        var w1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, WriteHandler(w1, BigWrite)));

        var failed = await ExpectTurnAsync<HandlerFailed>(conn, TimeSpan.FromSeconds(10));
        Assert.Equal(w1, failed.HandlerId);
        Assert.Contains(failed.Error, WriteToAGonePeer);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Half_close_then_a_silent_peer_ends_the_read_with_io_timeout()
    {
        // We send FIN after our write (shutdown = true); the peer reads to the end and then never answers nor closes.
        var received = NewResult<string>();
        var peer = StartPeer(async (c, _) =>
        {
            received.TrySetResult(Latin1(await c.ReadToEndAsync()));
            await c.HoldAsync(TimeSpan.FromSeconds(10));
        });
        long w1 = NextId(), r2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(w1, "QUIT\r\n"), ReadHandler(r2, "\r\n")) with
        {
            Shutdown = true,
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(1)),
        });

        Assert.Equal("QUIT\r\n", await received.Task.WaitAsync(DefaultWait));
        await ExpectFailedAsync(conn, r2, TcpErrors.IoTimeout, TimeSpan.FromSeconds(10));
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Half_close_by_the_peer_then_silence_ends_a_read_waiting_for_its_pattern_with_connection_terminated()
    {
        // The peer sends part of a line and FIN, then keeps the socket open: EOF before the pattern.
        var peer = StartPeer(s => s.Send("250 no end of li").HalfClose().NeverAnswer());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with
        {
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(5)),
        });

        await ExpectFailedAsync(conn, r1, TcpErrors.ConnectionTerminated);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Dns_server_answering_SERVFAIL_fails_the_connection_with_unable_to_resolve_host()
    {
        using var dns = ScriptedDns.Start((_, _) => DnsReply.ServFail);
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo("broken.test", 25, ReadHandler(r1)), manager: ManagerResolvingWith(dns));

        await ExpectFailedAsync(conn, r1, "unable to resolve host: broken.test");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Dns_server_that_never_answers_fails_the_connection_with_unable_to_resolve_host()
    {
        using var dns = ScriptedDns.Silent();
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo("silent.test", 25, ReadHandler(r1)), manager: ManagerResolvingWith(dns));

        await ExpectFailedAsync(conn, r1, "unable to resolve host: silent.test", TimeSpan.FromSeconds(10));
        Return(conn);
        await ExpectClosedAsync(conn);
        Assert.True(dns.Received >= 1);
    }

    /// <summary>A connection manager whose resolver asks only <paramref name="dns"/> (0.5 s per attempt, no retry).</summary>
    private IActorRef ManagerResolvingWith(ScriptedDns dns)
    {
        var settings = Settings with
        {
            NameServers = [dns.EndPoint],
            DnsTimeout = TimeSpan.FromMilliseconds(500),
            DnsRetries = 0,
            DnsUseCache = false,
        };
        return Sys.ActorOf(ConnectionManager.Props(settings, Sys.ActorOf(ResolverActor.Props(settings))));
    }
}
