using ActorTcp.Actors.Connection;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>Reads without stop pattern, not partial: one chunk of at most read-chunk-size (8192) bytes.</summary>
public class ChunkReadTests : ConnectionTestKit
{
    public ChunkReadTests(ITestOutputHelper output) : this(output, null) { }

    protected ChunkReadTests(ITestOutputHelper output, string? hocon) : base(output, hocon) { }

    [Fact]
    public async Task Read_without_pattern_after_write_returns_the_small_reply_as_sent()
    {
        var peer = StartPeer(s => s.Expect("hi\r\n").Send("line1\r\nline2\r\n").NeverAnswer());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "hi\r\n"), ReadHandler(r1)));

        await ExpectReadAsync(conn, r1, "line1\r\nline2\r\n");
        Return(conn);
        await ExpectClosedAsync(conn);
        await peer.Completion.WaitAsync(DefaultWait);
    }

    [Fact]
    public async Task Read_without_pattern_of_100_kB_reply_returns_exactly_8192_bytes()
    {
        var reply = Payload(100_000, seed: 3);
        var peer = StartPeer(s => s.Send(reply).NeverAnswer());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1)));

        await ExpectReadAsync(conn, r1, reply[..8192]);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Reads_without_pattern_hand_over_the_buffered_rest_in_order_in_chunks_of_at_most_8192_bytes()
    {
        var reply = Payload(100_000, seed: 5);
        var peer = StartPeer(s => s.Send(reply).NeverAnswer());
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(NextId())));

        // Chunks are kept as delivered (not copied) and checked at the end: they must stay valid.
        var chunks = new List<ReadOnlyMemory<byte>>();
        var total = 0;
        for (var turn = 0; turn < 200 && total < reply.Length; turn++)
        {
            var read = await ExpectTurnAsync<ReadCompleted>(conn);
            Assert.InRange(read.Data.Length, 1, 8192);
            chunks.Add(read.Data);
            total += read.Data.Length;
            if (total < reply.Length) Return(conn, new AddHandler(ReadHandler(NextId())));
            else Return(conn);
        }
        await ExpectClosedAsync(conn);
        AssertBytes(reply, Concat(chunks.Select(c => c.ToArray()).ToArray()));
    }

    [Fact]
    public async Task Reads_without_pattern_return_each_chunk_as_it_arrives()
    {
        var peer = StartPeer(async (c, _) =>
        {
            await c.SendSlowlyAsync(["AB", "C\r", "\nDEF"], TimeSpan.FromMilliseconds(250));
            await c.DiscardUntilClosedAsync();
        });
        long r1 = NextId(), r2 = NextId(), r3 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1)));

        await ExpectReadAsync(conn, r1, "AB");
        Return(conn, new AddHandler(ReadHandler(r2)));
        await ExpectReadAsync(conn, r2, "C\r");
        Return(conn, new AddHandler(ReadHandler(r3)));
        await ExpectReadAsync(conn, r3, "\nDEF");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Read_after_data_and_eof_gets_the_data_then_the_next_read_fails_with_connection_terminated()
    {
        var peer = StartPeer(s => s.Send("partial-no-terminator").Close());
        long r1 = NextId(), r2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1)));

        await ExpectReadAsync(conn, r1, "partial-no-terminator");
        Return(conn, new AddHandler(ReadHandler(r2)));
        await ExpectFailedAsync(conn, r2, TcpErrors.ConnectionTerminated);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Read_on_a_peer_that_closes_without_replying_fails_with_connection_terminated()
    {
        var peer = StartPeer(s => s.ExpectUntil("\r\n").Close());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "hi\r\n"), ReadHandler(r1)));

        await ExpectFailedAsync(conn, r1, TcpErrors.ConnectionTerminated);
        Return(conn);
        await ExpectClosedAsync(conn);
        peer.AssertScriptFollowed();
    }
}

/// <summary>The same tests with TCP over Akka.IO (<c>actortcp.io.transport = akka-io</c>).</summary>
public sealed class ChunkReadTestsOnAkkaIo(ITestOutputHelper output) : ChunkReadTests(output, AkkaIoHocon);
