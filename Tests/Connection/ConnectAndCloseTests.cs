using System.Net;
using ActorTcp.Actors.Connection;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>Connection life: start, on_connect, the turn protocol, close, auto-close, address kinds.</summary>
public class ConnectAndCloseTests : ConnectionTestKit
{
    public ConnectAndCloseTests(ITestOutputHelper output) : this(output, null) { }

    protected ConnectAndCloseTests(ITestOutputHelper output, string? hocon) : base(output, hocon) { }

    [Fact]
    public async Task Empty_request_sends_only_started_and_closed()
    {
        var peer = StartPeer(s => s.NeverAnswer());
        var conn = await OpenAsync(RequestTo(peer));

        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Probe_with_NotifyConnected_gets_ConnectionEstablished_then_closes()
    {
        var peerClosed = NewResult<bool>();
        var peer = StartPeer(async (c, _) => peerClosed.TrySetResult(await c.DiscardUntilClosedAsync()));
        var conn = await OpenAsync(RequestTo(peer) with { NotifyConnected = true });

        var established = await ExpectEstablishedAsync(conn);
        var remote = Assert.IsAssignableFrom<IPEndPoint>(established.Remote);
        Assert.Equal(IPAddress.Loopback, Normalize(remote.Address));
        Assert.Equal(peer.Port, remote.Port);
        Return(conn);
        await ExpectClosedAsync(conn);
        Assert.True(await peerClosed.Task.WaitAsync(DefaultWait));
    }

    [Fact]
    public async Task ConnectionEstablished_comes_before_the_first_read_and_a_read_added_in_it_runs_after_the_queued_read()
    {
        var peer = StartPeer(s => s.ExpectUntil("\r\n").Send("line1\r\nline2\r\n").NeverAnswer());
        long main = NextId(), added = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "hi\r\n"), ReadHandler(main, "\r\n")) with
        {
            NotifyConnected = true,
        });

        await ExpectEstablishedAsync(conn);
        Return(conn, new AddHandler(ReadHandler(added, "\r\n")));
        await ExpectReadAsync(conn, main, "line1");
        Return(conn);
        await ExpectReadAsync(conn, added, "line2");
        Return(conn);
        await ExpectClosedAsync(conn);
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Read_only_request_with_NotifyConnected_gets_ConnectionEstablished_before_the_banner()
    {
        var peer = StartPeer(s => s.Send("220 hello\r\n").NeverAnswer());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with { NotifyConnected = true });

        await ExpectEstablishedAsync(conn);
        Return(conn);
        await ExpectReadAsync(conn, r1, "220 hello");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Nothing_is_delivered_until_the_callback_returns()
    {
        var peer = StartPeer(s => s.Send("ready\r\n").NeverAnswer());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with { NotifyConnected = true });

        await ExpectEstablishedAsync(conn);
        // The banner is already there, but the on_connect callback is still running.
        await ExpectNothingAsync(conn, TimeSpan.FromMilliseconds(700));
        Return(conn);
        await ExpectReadAsync(conn, r1, "ready");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Close_inside_a_read_callback_delivers_nothing_more_and_closes_the_socket()
    {
        var peerClosed = NewResult<bool>();
        var peer = StartPeer(async (c, _) =>
        {
            await c.SendAsync("line1\r\nline2\r\n");
            peerClosed.TrySetResult(await c.DiscardUntilClosedAsync());
        });
        long r1 = NextId(), r2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n"), ReadHandler(r2, "\r\n")));

        await ExpectReadAsync(conn, r1, "line1");
        Return(conn, CloseConnection.Instance);
        await ExpectClosedAsync(conn);
        Assert.True(await peerClosed.Task.WaitAsync(DefaultWait));
    }

    [Fact]
    public async Task Close_while_waiting_for_data_closes_without_any_error()
    {
        var peerClosed = NewResult<bool>();
        var peer = StartPeer(async (c, _) => peerClosed.TrySetResult(await c.DiscardUntilClosedAsync()));
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with { NotifyConnected = true });

        await ExpectEstablishedAsync(conn);
        Return(conn);
        await ExpectNothingAsync(conn);
        conn.Tell(CloseConnection.Instance);
        await ExpectClosedAsync(conn);
        Assert.True(await peerClosed.Task.WaitAsync(DefaultWait));
    }

    [Fact]
    public async Task Connection_closes_automatically_after_the_last_handler_and_the_peer_sees_eof()
    {
        var peerClosed = NewResult<bool>();
        var peer = StartPeer(async (c, _) =>
        {
            await c.SendAsync("line1\r\n");
            peerClosed.TrySetResult(await c.DiscardUntilClosedAsync());
        });
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "line1");
        Return(conn);
        await ExpectClosedAsync(conn);
        Assert.True(await peerClosed.Task.WaitAsync(DefaultWait));
    }

    [Fact]
    public async Task Connects_to_the_ipv6_loopback_literal()
    {
        var peer = StartPeer(s => s.Expect("hi\r\n").Send("v6:hi\r\n").NeverAnswer(),
            new ScriptedPeerOptions { Address = IPAddress.IPv6Loopback });
        Assert.Equal("::1", peer.Host);
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "hi\r\n"), ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "v6:hi");
        Return(conn);
        await ExpectClosedAsync(conn);
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Connects_to_localhost()
    {
        var peer = StartPeer(s => s.Send("hello\r\n").NeverAnswer(), new ScriptedPeerOptions { BothLoopbacks = true });
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo("localhost", peer.Port, ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "hello");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Localhost_reaches_a_server_listening_only_on_127_0_0_1()
    {
        var peer = StartPeer(s => s.Send("v4\r\n").NeverAnswer());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo("localhost", peer.Port, ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "v4");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Localhost_tries_the_next_address_when_the_first_refuses()
    {
        var peer = StartPeer(s => s.Send("v6\r\n").NeverAnswer(), new ScriptedPeerOptions { Address = IPAddress.IPv6Loopback });
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo("localhost", peer.Port, ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "v6");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Many_concurrent_connections_each_get_their_own_reply()
    {
        const int count = 20;
        var peer = StartPeer(async (c, _) =>
        {
            var line = Latin1(await c.ReadUntilAsync("\r\n"));
            await c.SendAsync("echo:" + line + "\r\n");
            await c.DiscardUntilClosedAsync();
        }, new ScriptedPeerOptions { Connections = count });
        var connections = new List<(TestConnection Conn, long Read, string Name)>();
        for (var i = 0; i < count; i++)
        {
            var read = NextId();
            var name = $"client-{i}-" + new string((char)('a' + i), i + 1);
            connections.Add((await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), name + "\r\n"), ReadHandler(read, "\r\n"))), read, name));
        }

        foreach (var (conn, read, name) in connections)
        {
            await ExpectReadAsync(conn, read, "echo:" + name);
            Return(conn);
        }
        foreach (var (conn, _, _) in connections) await ExpectClosedAsync(conn);
        await AwaitConnectionCountAsync(0);
        peer.AssertScriptFollowed();
    }
}

/// <summary>The same tests with TCP over Akka.IO (<c>actortcp.io.transport = akka-io</c>).</summary>
public sealed class ConnectAndCloseTestsOnAkkaIo(ITestOutputHelper output) : ConnectAndCloseTests(output, AkkaIoHocon);
