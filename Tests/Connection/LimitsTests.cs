using ActorTcp.Actors.Connection;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>
/// ActorTcp's limits (docs/lua-api.md#limits), set low here: max-connections = 2, max-read-buffer = 64 KiB, max-queued-handlers = 4,
/// max-queued-write-bytes = 1 MiB.
/// </summary>
public sealed class LimitsTests(ITestOutputHelper output) : ConnectionTestKit(output, """
    actortcp.limits.max-connections = 2
    actortcp.limits.max-read-buffer = 64 KiB
    actortcp.limits.max-queued-handlers = 4
    actortcp.limits.max-queued-write-bytes = 1 MiB
    """)
{
    private const int ReadBufferLimit = 64 * 1024;

    private async Task<TestConnection> OpenEstablishedAsync(ScriptedPeer peer)
    {
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(NextId(), "\r\n")) with
        {
            NotifyConnected = true,
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.Zero),
        });
        await ExpectEstablishedAsync(conn);
        Return(conn);
        return conn;
    }

    [Fact]
    public void Limits_come_from_the_test_configuration()
    {
        Assert.Equal(2, Settings.MaxConnections);
        Assert.Equal(ReadBufferLimit, Settings.MaxReadBuffer);
        Assert.Equal(4, Settings.MaxQueuedHandlers);
        Assert.Equal(1024 * 1024, Settings.MaxQueuedWriteBytes);
    }

    [Fact]
    public async Task Connection_count_tracks_open_connections()
    {
        var peer = StartPeer(s => s.NeverAnswer());
        Assert.Equal(0, await ConnectionCountAsync());
        var conn = await OpenEstablishedAsync(peer);
        Assert.Equal(1, await ConnectionCountAsync());

        conn.Tell(CloseConnection.Instance);
        await ExpectClosedAsync(conn);
        await AwaitConnectionCountAsync(0);
    }

    [Fact]
    public async Task Third_connection_past_max_connections_fails_with_too_many_connections()
    {
        // The third never reaches the peer: the manager refuses it.
        var peer = StartPeer(s => s.NeverAnswer(), new ScriptedPeerOptions { Connections = 3 });
        var first = await OpenEstablishedAsync(peer);
        var second = await OpenEstablishedAsync(peer);
        Assert.Equal(2, await ConnectionCountAsync());

        var r3 = NextId();
        var third = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "x"), ReadHandler(r3)));
        await ExpectFailedAsync(third, r3, TcpErrors.TooManyConnections(2));
        Assert.Equal("cannot connect: too many open connections (actortcp.limits.max-connections = 2)", TcpErrors.TooManyConnections(2));
        Return(third);
        await ExpectClosedAsync(third);
        await AwaitConnectionCountAsync(2);

        // Once one closes, a new connection is accepted again.
        first.Tell(CloseConnection.Instance);
        await ExpectClosedAsync(first);
        await AwaitConnectionCountAsync(1);
        var fourth = await OpenEstablishedAsync(peer);
        Assert.Equal(2, await ConnectionCountAsync());

        second.Tell(CloseConnection.Instance);
        fourth.Tell(CloseConnection.Instance);
        await ExpectClosedAsync(second);
        await ExpectClosedAsync(fourth);
        await AwaitConnectionCountAsync(0);
    }

    [Fact]
    public async Task Connection_past_max_connections_with_NotifyConnectError_gets_ConnectFailed()
    {
        var peer = StartPeer(s => s.NeverAnswer(), new ScriptedPeerOptions { Connections = 2 });
        var first = await OpenEstablishedAsync(peer);
        var second = await OpenEstablishedAsync(peer);

        var third = await OpenAsync(RequestTo(peer, ReadHandler(NextId())) with { NotifyConnectError = true });
        await ExpectConnectFailedAsync(third, TcpErrors.TooManyConnections(2));
        await ExpectClosedAsync(third);

        first.Tell(CloseConnection.Instance);
        second.Tell(CloseConnection.Instance);
        await ExpectClosedAsync(first);
        await ExpectClosedAsync(second);
    }

    [Fact]
    public async Task Stop_pattern_not_found_within_max_read_buffer_fails_the_read()
    {
        var peer = StartPeer(async (c, _) =>
        {
            try
            {
                await c.SendAsync(new byte[200 * 1024].Select(_ => (byte)'x').ToArray());
            }
            catch (IOException)
            {
                // The client gave up reading and closed.
            }
            await c.DiscardUntilClosedAsync();
        });
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")));

        await ExpectFailedAsync(conn, r1, TcpErrors.ReadBufferLimit(ReadBufferLimit));
        Assert.Equal("IO read error: stop pattern not found within 65536 bytes (actortcp.limits.max-read-buffer)",
            TcpErrors.ReadBufferLimit(ReadBufferLimit));
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Line_longer_than_max_read_buffer_fails_even_when_one_socket_read_brings_it_whole()
    {
        // 70 kB, then the pattern: under io.read-size (512 KiB), so one read usually takes it all.
        var line = Payload(70_000, seed: 23, exclude: (byte)'\n');
        var sent = NewResult<bool>();
        var peer = StartPeer(async (c, _) =>
        {
            await c.SendAsync(Concat(line, Bytes("\n")));
            sent.TrySetResult(true);
            await c.DiscardUntilClosedAsync();
        });
        var r1 = NextId();
        // The read handler comes after a connect callback held until the whole line is in the kernel's buffer.
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\n")) with { NotifyConnected = true });
        await ExpectEstablishedAsync(conn);
        await sent.Task.WaitAsync(DefaultWait);
        await Task.Delay(TimeSpan.FromMilliseconds(100));
        Return(conn);

        await ExpectFailedAsync(conn, r1, TcpErrors.ReadBufferLimit(ReadBufferLimit));
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Line_shorter_than_max_read_buffer_is_delivered()
    {
        var line = Payload(60_000, seed: 19, exclude: (byte)'\n');
        var peer = StartPeer(s => s.Send(Concat(line, Bytes("\n"))).NeverAnswer());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\n")));

        await ExpectReadAsync(conn, r1, line);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Partial_mode_is_not_bound_by_max_read_buffer()
    {
        var data = Payload(200 * 1024, seed: 23);
        var peer = StartPeer(s => s.Send(data).Close());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with { Partial = true });

        using var received = new MemoryStream();
        var ended = false;
        for (var turn = 0; turn < 400 && !ended; turn++)
        {
            var message = await ExpectTurnAsync<ICallbackTurn>(conn);
            if (message is ReadCompleted read) received.Write(read.Data.Span);
            else
            {
                Assert.Equal(TcpErrors.ConnectionTerminated, Assert.IsType<HandlerFailed>(message).Error);
                ended = true;
            }
            Return(conn);
        }
        Assert.True(ended);
        AssertBytes(data, received.ToArray());
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Queueing_more_handlers_than_max_queued_handlers_fails_the_connection_with_a_clear_error()
    {
        var peer = StartPeer(s => s.Send("go\r\n").NeverAnswer());
        var r1 = NextId();
        var added = Enumerable.Range(0, 5).Select(_ => NextId()).ToArray();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "go");
        Return(conn, added.Select(id => (IConnectionCommand)new AddHandler(ReadHandler(id, "NEVER"))).ToArray());

        // Every callback that hears about it hears the limit; the handler past the limit is among them.
        var failedIds = new List<long>();
        var closed = false;
        for (var turn = 0; turn <= added.Length && !closed; turn++)
        {
            var message = await ExpectEventAsync<IConnectionEvent>(conn);
            if (message is ConnectionClosed)
            {
                closed = true;
                continue;
            }
            var failed = Assert.IsType<HandlerFailed>(message);
            Assert.Equal(TcpErrors.TooManyHandlers(4), failed.Error);
            Assert.True(failed.Fatal);
            failedIds.Add(failed.HandlerId);
            Return(conn);
        }
        Assert.True(closed, "no ConnectionClosed after the fan-out");
        await conn.Watcher.ExpectTerminatedAsync(conn.Actor, DefaultWait);
        Assert.Contains(added[^1], failedIds);
        Assert.Subset(added.ToHashSet(), failedIds.ToHashSet());
    }

    [Fact]
    public async Task Request_with_more_write_bytes_than_max_queued_write_bytes_fails_with_a_clear_error()
    {
        var peer = StartPeer(s => s.NeverAnswer());
        var w1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, WriteHandler(w1, new byte[2 * 1024 * 1024])));

        await ExpectFailedAsync(conn, w1, TcpErrors.TooManyWriteBytes(1024 * 1024));
        Return(conn);
        await ExpectClosedAsync(conn);
    }
}
