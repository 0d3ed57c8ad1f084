using System.Text;
using ActorTcp.Actors.Connection;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>Writes: every byte in order, completion when all are accepted, half-close after the first write.</summary>
public class WriteTests : ConnectionTestKit
{
    public WriteTests(ITestOutputHelper output) : this(output, null) { }

    protected WriteTests(ITestOutputHelper output, string? hocon) : base(output, hocon) { }

    [Fact]
    public async Task Write_only_request_gets_WriteCompleted_then_closes_and_the_server_gets_every_piece()
    {
        var peer = StartPeer(s => s.Expect("abc").ExpectClose());
        var w1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, WriteHandler(w1, "a", "b", "c")));

        await ExpectWrittenAsync(conn, w1);
        Return(conn);
        await ExpectClosedAsync(conn);
        await peer.Completion.WaitAsync(DefaultWait);
    }

    [Fact]
    public async Task Write_of_3_MiB_and_z_with_shutdown_reaches_the_server_before_fin_and_the_reply_is_read()
    {
        var big = Payload(3 * 1024 * 1024, seed: 13);
        var contentOk = NewResult<bool>();
        // The request's budget: 3 MiB may come slowly.
        var peer = StartPeer(async (c, _) =>
        {
            var all = await c.ReadToEndAsync();
            contentOk.TrySetResult(all.Length == big.Length + 1 && all.AsSpan(0, big.Length).SequenceEqual(big) && all[^1] == (byte)'z');
            await c.SendAsync($"got {all.Length}");
            await c.HalfCloseAsync();
        }, new ScriptedPeerOptions { StepTimeout = TimeSpan.FromSeconds(20) });
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), big, Bytes("z")), ReadHandler(r1)) with
        {
            Shutdown = true,
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(20)),
        });

        await ExpectReadAsync(conn, r1, "got 3145729", TimeSpan.FromSeconds(20));
        Return(conn);
        await ExpectClosedAsync(conn);
        Assert.True(await contentOk.Task.WaitAsync(DefaultWait), "the server received other bytes than sent");
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Shutdown_sends_fin_after_the_first_write_and_reading_continues()
    {
        var peer = StartPeer(s => s.Expect("request").ExpectClose().Send("reply:request\r\n").NeverAnswer());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "req", "uest"), ReadHandler(r1, "\r\n")) with
        {
            Shutdown = true,
        });

        await ExpectReadAsync(conn, r1, "reply:request");
        Return(conn);
        await ExpectClosedAsync(conn);
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Writes_added_in_callbacks_are_sent_after_earlier_ones_in_order()
    {
        var peer = StartPeer(s => s.Expect("first;second;third").ExpectClose());
        long w1 = NextId(), w2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, WriteHandler(w1, "first;")));

        await ExpectWrittenAsync(conn, w1);
        Return(conn, new AddHandler(WriteHandler(w2, "second;", "third")));
        await ExpectWrittenAsync(conn, w2);
        Return(conn);
        await ExpectClosedAsync(conn);
        await peer.Completion.WaitAsync(DefaultWait);
    }

    [Fact]
    public async Task Write_and_read_handlers_chain_over_one_connection()
    {
        var peer = StartPeer(s => s
            .Expect("ping1\r\n").Send("echo:ping1\r\n")
            .Expect("ping2\r\n").Send("echo:ping2\r\n")
            .NeverAnswer());
        long r1 = NextId(), w2 = NextId(), r3 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "ping1\r\n"), ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "echo:ping1");
        Return(conn, new AddHandler(WriteHandler(w2, "ping2\r\n")));
        await ExpectWrittenAsync(conn, w2);
        Return(conn, new AddHandler(ReadHandler(r3, "\r\n")));
        await ExpectReadAsync(conn, r3, "echo:ping2");
        Return(conn);
        await ExpectClosedAsync(conn);
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Zero_byte_writes_complete_at_once_with_success()
    {
        var peer = StartPeer(s => s.Send("go\r\n").Expect("after").ExpectClose());
        long r1 = NextId(), empty1 = NextId(), empty2 = NextId(), w3 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "go");
        Return(conn,
            new AddHandler(new WriteSpec(empty1, true, [ReadOnlyMemory<byte>.Empty])),
            new AddHandler(new WriteSpec(empty2, true, [])),
            new AddHandler(WriteHandler(w3, "after")));
        await ExpectWrittenAsync(conn, empty1);
        Return(conn);
        await ExpectWrittenAsync(conn, empty2);
        Return(conn);
        await ExpectWrittenAsync(conn, w3);
        Return(conn);
        await ExpectClosedAsync(conn);
        await peer.Completion.WaitAsync(DefaultWait);
    }

    [Fact]
    public async Task Callback_less_write_alone_completes_silently_and_closes()
    {
        var peer = StartPeer(s => s.Expect("bye").ExpectClose());
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), Encoding.ASCII.GetBytes("bye"))));

        await ExpectClosedAsync(conn);
        await peer.Completion.WaitAsync(DefaultWait);
    }

    [Fact]
    public async Task Write_after_the_shutdown_fails_with_broken_pipe_because_shutdown_applies_after_the_first_write()
    {
        var peer = StartPeer(s => s.Expect("first").ExpectClose().NeverAnswer());
        long w1 = NextId(), w2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, WriteHandler(w1, "first")) with { Shutdown = true });

        await ExpectWrittenAsync(conn, w1);
        // The server sees FIN right after the first write.
        await peer.Completion.WaitAsync(DefaultWait);
        Return(conn, new AddHandler(WriteHandler(w2, "second")));
        await ExpectFailedAsync(conn, w2, TcpErrors.WriteError("Broken pipe"));
        Assert.Equal("IO write error while trying to write 0 bytes: Broken pipe", TcpErrors.WriteError("Broken pipe"));
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task A_handler_added_with_the_end_of_the_turn_is_queued_and_the_turn_ends_in_that_one_message()
    {
        var peer = StartPeer(s => s.Expect("ping\n").Send("pong\n").ExpectClose());
        long w1 = NextId(), r2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, WriteHandler(w1, "ping\n")));

        await ExpectWrittenAsync(conn, w1);
        // The Lua host's usual turn: the callback's one add_read and its return, without a CallbackReturned after it.
        conn.Tell(new AddHandler(ReadHandler(r2, "\n"), EndsTurn: true));
        await ExpectReadAsync(conn, r2, "pong");
        Return(conn);
        await ExpectClosedAsync(conn);
        peer.AssertScriptFollowed();
    }
}

/// <summary>The same tests with TCP over Akka.IO (<c>actortcp.io.transport = akka-io</c>).</summary>
public sealed class WriteTestsOnAkkaIo(ITestOutputHelper output) : WriteTests(output, AkkaIoHocon);
