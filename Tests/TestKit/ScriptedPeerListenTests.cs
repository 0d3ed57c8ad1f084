using ActorTcp.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.TestKit;

/// <summary>
/// Where a <see cref="ScriptedPeer"/> listens besides one loopback address: a unix socket, or both loopback addresses
/// on one port; reached by ActorTcp's connection actor through <see cref="ScriptedPeer.Host"/>.
/// </summary>
public sealed class ScriptedPeerListenTests(ITestOutputHelper output) : ActorTcpTestKit(output)
{
    [Fact]
    public async Task A_unix_socket_peer_is_reached_with_its_path_as_the_host_and_removes_its_file_when_disposed()
    {
        var peer = StartPeer(s => s.ExpectLine("PING").SendLine("PONG"), new ScriptedPeerOptions { UnixSocket = true });
        Assert.Equal(peer.SocketPath, peer.Host);
        Assert.True(File.Exists(peer.SocketPath));
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "PING\r\n"), ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "PONG");
        Return(conn);
        await ExpectClosedAsync(conn);
        await peer.Completion.WaitAsync(DefaultWait);
        Assert.Equal(0, peer.Port);

        peer.Dispose();
        Assert.False(File.Exists(peer.SocketPath));
    }

    [Fact]
    public async Task A_peer_on_both_loopbacks_answers_on_127_0_0_1_and_on_ipv6_loopback_with_one_port()
    {
        var peer = StartPeer(s => s.SendLine("hello"), new ScriptedPeerOptions { BothLoopbacks = true, Connections = 2 });
        Assert.Equal("127.0.0.1", peer.Host);

        foreach (var host in new[] { "127.0.0.1", "::1" })
        {
            var r1 = NextId();
            var conn = await OpenAsync(RequestTo(host, peer.Port, ReadHandler(r1, "\r\n")));
            await ExpectReadAsync(conn, r1, "hello");
            Return(conn);
            await ExpectClosedAsync(conn);
        }
        await peer.Completion.WaitAsync(DefaultWait);
    }

    [Fact]
    public void A_unix_socket_on_both_loopbacks_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            ScriptedPeer.Start(s => s.NeverAnswer(), new ScriptedPeerOptions { UnixSocket = true, BothLoopbacks = true }));

        Assert.Equal("a scripted peer listens on a unix socket or on both loopbacks, not both", error.Message);
    }
}
