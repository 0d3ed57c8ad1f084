using ActorTcp.Actors.Connection;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>Hosts starting with '/' or '.' are unix socket paths (docs/lua-api.md#addresses-and-dns).</summary>
public sealed class UnixSocketTests(ITestOutputHelper output) : ConnectionTestKit(output)
{
    private static readonly ScriptedPeerOptions Unix = new() { UnixSocket = true };

    /// <summary>A path under /tmp where no socket exists.</summary>
    private static string MissingPath() => $"/tmp/actortcp-missing-{Guid.NewGuid():N}.sock";

    [Fact]
    public async Task Request_over_a_unix_socket_path_writes_and_reads()
    {
        var peer = StartPeer(s => s.Expect("hi\r\n").Send("unix:hi\r\nrest").NeverAnswer(), Unix);
        Assert.True(File.Exists(peer.SocketPath));
        long r1 = NextId(), r2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "hi\r\n"), ReadHandler(r1, "\r\n")) with
        {
            NotifyConnected = true,
        });

        await ExpectEstablishedAsync(conn);
        Return(conn);
        await ExpectReadAsync(conn, r1, "unix:hi");
        Return(conn, new AddHandler(ReadHandler(r2)));
        await ExpectReadAsync(conn, r2, "rest");
        Return(conn);
        await ExpectClosedAsync(conn);
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Missing_unix_socket_path_fails_with_cannot_connect_to_the_host()
    {
        var path = MissingPath();
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(path, 0, SilentWriteHandler(NextId(), "hi\r\n"), ReadHandler(r1)));

        await ExpectFailedAsync(conn, r1, $"cannot connect to the host: {path}");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Missing_unix_socket_path_with_NotifyConnectError_goes_to_ConnectFailed()
    {
        var path = MissingPath();
        var conn = await OpenAsync(RequestTo(path, 0, ReadHandler(NextId())) with { NotifyConnectError = true });

        await ExpectConnectFailedAsync(conn, TcpErrors.CannotConnect(path));
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Relative_path_starting_with_a_dot_is_a_unix_socket_path_not_a_dns_name()
    {
        var path = $"./actortcp-missing-{Guid.NewGuid():N}.sock";
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(path, 0, ReadHandler(r1)));

        await ExpectFailedAsync(conn, r1, $"cannot connect to the host: {path}");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Unix_socket_eof_before_the_pattern_fails_with_connection_terminated()
    {
        var peer = StartPeer(s => s.Send("no-terminator").Close(), Unix);
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")));

        await ExpectFailedAsync(conn, r1, TcpErrors.ConnectionTerminated);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Unix_socket_shutdown_half_closes_after_the_write_and_the_reply_is_read()
    {
        var data = Payload(300_000, seed: 17);
        var peer = StartPeer(async (c, _) =>
        {
            var all = await c.ReadToEndAsync();
            await c.SendAsync(all.AsSpan().SequenceEqual(data) ? $"got {all.Length}" : "bad data");
            await c.HalfCloseAsync();
        }, Unix);
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), data), ReadHandler(r1)) with { Shutdown = true });

        await ExpectReadAsync(conn, r1, "got 300000");
        Return(conn);
        await ExpectClosedAsync(conn);
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Unix_socket_partial_mode_streams_chunks_then_fails_at_eof()
    {
        var peer = StartPeer(async (c, _) =>
        {
            await c.SendSlowlyAsync(["one", "two"], TimeSpan.FromMilliseconds(200));
            await c.HalfCloseAsync();
        }, Unix);
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1)) with { Partial = true });

        await ExpectReadAsync(conn, r1, "one");
        Return(conn);
        await ExpectReadAsync(conn, r1, "two");
        Return(conn);
        await ExpectFailedAsync(conn, r1, TcpErrors.ConnectionTerminated);
        Return(conn);
        await ExpectClosedAsync(conn);
    }
}
