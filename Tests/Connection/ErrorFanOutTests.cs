using ActorTcp.Actors.Connection;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>Fatal errors go to every queued handler with a callback, in order, one turn at a time (docs/lua-api.md#callbacks).</summary>
public class ErrorFanOutTests : ConnectionTestKit
{
    public ErrorFanOutTests(ITestOutputHelper output) : this(output, null) { }

    protected ErrorFanOutTests(ITestOutputHelper output, string? hocon) : base(output, hocon) { }

    [Fact]
    public async Task Fatal_error_reaches_every_queued_handler_in_order_including_handlers_added_during_the_fan_out()
    {
        var closeNow = NewResult<bool>();
        var peer = StartPeer(async (c, _) =>
        {
            await c.ReadUntilAsync("\r\n");
            await c.SendAsync("line1\r\n");
            await closeNow.Task.WaitAsync(DefaultWait);
            await c.HalfCloseAsync();
        });
        long main = NextId(), r1 = NextId(), w2 = NextId(), r3 = NextId(), r4 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "hi\r\n"), ReadHandler(main, "\r\n")));

        await ExpectReadAsync(conn, main, "line1");
        Return(conn,
            new AddHandler(ReadHandler(r1, "NEVER")),
            new AddHandler(WriteHandler(w2, "zzz")),
            new AddHandler(ReadHandler(r3, "NEVER")));
        await ExpectNothingAsync(conn);
        closeNow.TrySetResult(true);

        await ExpectFailedAsync(conn, r1, TcpErrors.ConnectionTerminated);
        // One turn at a time: nothing more until this callback returns.
        await ExpectNothingAsync(conn);
        Return(conn, new AddHandler(ReadHandler(r4, "\r\n")));
        await ExpectFailedAsync(conn, w2, TcpErrors.ConnectionTerminated);
        Return(conn);
        await ExpectFailedAsync(conn, r3, TcpErrors.ConnectionTerminated);
        Return(conn);
        await ExpectFailedAsync(conn, r4, TcpErrors.ConnectionTerminated);
        Return(conn);
        await ExpectClosedAsync(conn);
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Fatal_error_skips_handlers_without_callback()
    {
        var peer = StartPeer(s => s.Close());
        long r1 = NextId(), silentRead = NextId(), silentWrite = NextId(), w4 = NextId();
        var conn = await OpenAsync(RequestTo(peer,
            ReadHandler(r1, "\r\n"), SilentReadHandler(silentRead), SilentWriteHandler(silentWrite, "x"), WriteHandler(w4, "y")));

        await ExpectFailedAsync(conn, r1, TcpErrors.ConnectionTerminated);
        Return(conn);
        await ExpectFailedAsync(conn, w4, TcpErrors.ConnectionTerminated);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Reset_by_peer_during_a_read_fails_every_handler_with_connection_reset_by_peer()
    {
        var peer = StartPeer(s => s.Expect("hi\r\n").Reset());
        long r1 = NextId(), w2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "hi\r\n"), ReadHandler(r1, "\r\n"), WriteHandler(w2, "x")));

        var error = TcpErrors.ReadError("Connection reset by peer");
        Assert.Equal("IO read error while trying to read data: Connection reset by peer", error);
        await ExpectFailedAsync(conn, r1, error);
        Return(conn);
        await ExpectFailedAsync(conn, w2, error);
        Return(conn);
        await ExpectClosedAsync(conn);
        await peer.Completion.WaitAsync(DefaultWait);
    }

    [Fact]
    public async Task Close_during_a_fan_out_turn_stops_the_fan_out()
    {
        long r1 = NextId(), r2 = NextId(), r3 = NextId();
        var conn = await OpenAsync(RequestTo(RefusingPeer(), ReadHandler(r1), ReadHandler(r2), ReadHandler(r3)));

        await ExpectFailedAsync(conn, r1, TcpErrors.SocketError("Connection refused"));
        Return(conn, CloseConnection.Instance);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task A_handler_added_with_the_end_of_a_fan_out_turn_gets_the_error_next()
    {
        long r1 = NextId(), r2 = NextId(), r3 = NextId();
        var conn = await OpenAsync(RequestTo(RefusingPeer(), ReadHandler(r1), ReadHandler(r2)));
        var refused = TcpErrors.SocketError("Connection refused");

        await ExpectFailedAsync(conn, r1, refused);
        // Added by the failing callback in the message that ends its turn: queued behind r2, then the fan-out goes on.
        conn.Tell(new AddHandler(ReadHandler(r3), EndsTurn: true));
        await ExpectFailedAsync(conn, r2, refused);
        Return(conn);
        await ExpectFailedAndClosedAsync(conn, r3, refused);
    }
}

/// <summary>The same tests with TCP over Akka.IO (<c>actortcp.io.transport = akka-io</c>).</summary>
public sealed class ErrorFanOutTestsOnAkkaIo(ITestOutputHelper output) : ErrorFanOutTests(output, AkkaIoHocon);
