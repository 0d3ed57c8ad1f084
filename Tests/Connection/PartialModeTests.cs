using ActorTcp.Actors.Connection;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>Partial mode: every chunk goes to the head read handler, which stays; the stream ends with a fatal error.</summary>
public class PartialModeTests : ConnectionTestKit
{
    public PartialModeTests(ITestOutputHelper output) : this(output, null) { }

    protected PartialModeTests(ITestOutputHelper output, string? hocon) : base(output, hocon) { }

    [Fact]
    public async Task Batched_partial_delivery_takes_back_what_the_receiver_did_not_consume_and_the_stream_stays_whole()
    {
        var payload = Payload(200_000);
        var peer = StartPeer(s => s.Send(payload).NeverAnswer());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1)) with { Partial = true, PartialBatch = 4 });

        var received = new List<byte>();
        var batches = 0;
        for (var turn = 0; turn < 500 && received.Count < payload.Length; turn++)
        {
            var read = await ExpectTurnAsync<ReadCompleted>(conn);
            Assert.True(read.Data.Length <= 4 * 8192, $"{read.Data.Length} bytes in one message");
            if (read.ChunkSize == 0 || read.Data.Length <= read.ChunkSize)
            {
                received.AddRange(read.Data.ToArray());
                Return(conn);
                continue;
            }
            // A batch: the receiver stops after its first chunk; the rest must come again, in order.
            Assert.Equal(8192, read.ChunkSize);
            batches++;
            received.AddRange(read.Data[..read.ChunkSize].ToArray());
            conn.Tell(new CallbackReturnedPartly(read.ChunkSize));
        }

        Assert.True(batches > 0, "no batched delivery");
        AssertBytes(payload, received.ToArray());
        conn.Tell(CloseConnection.Instance);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Partial_mode_delivers_each_chunk_to_the_head_read_ignoring_its_pattern_then_fails_at_eof()
    {
        string[] pieces = ["AB", "C\r", "\nDEF", "\r\n", "tail"];
        var peer = StartPeer(async (c, _) =>
        {
            await c.SendSlowlyAsync(pieces, TimeSpan.FromMilliseconds(200));
            await c.HalfCloseAsync();
        });
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with { Partial = true });

        var chunks = new List<string>();
        for (var turn = 0; turn < 20; turn++)
        {
            var message = await ExpectTurnAsync<ICallbackTurn>(conn);
            if (message is ReadCompleted read)
            {
                Assert.Equal(r1, read.HandlerId);
                chunks.Add(Latin1(read.Data));
                Return(conn);
                continue;
            }
            var failed = Assert.IsType<HandlerFailed>(message);
            Assert.Equal(r1, failed.HandlerId);
            Assert.Equal(TcpErrors.ConnectionTerminated, failed.Error);
            Assert.True(failed.Fatal);
            Return(conn);
            break;
        }

        Assert.Equal(pieces, chunks);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Partial_mode_splits_100_kB_into_chunks_of_at_most_8192_bytes_in_order()
    {
        var data = Payload(100_000, seed: 11);
        var peer = StartPeer(s => s.Send(data).Close());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1)) with { Partial = true });

        using var received = new MemoryStream();
        var failedAtEof = false;
        for (var turn = 0; turn < 200 && !failedAtEof; turn++)
        {
            var message = await ExpectTurnAsync<ICallbackTurn>(conn);
            if (message is ReadCompleted read)
            {
                Assert.Equal(r1, read.HandlerId);
                Assert.InRange(read.Data.Length, 1, 8192);
                received.Write(read.Data.Span);
            }
            else
            {
                var failed = Assert.IsType<HandlerFailed>(message);
                Assert.Equal((r1, TcpErrors.ConnectionTerminated, true), (failed.HandlerId, failed.Error, failed.Fatal));
                failedAtEof = true;
            }
            Return(conn);
        }

        Assert.True(failedAtEof, "the stream did not end with the EOF error");
        AssertBytes(data, received.ToArray());
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Partial_mode_ends_with_io_timeout_when_the_peer_goes_silent()
    {
        var peer = StartPeer(s => s.Send("hello").NeverAnswer());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1)) with
        {
            Partial = true,
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(1)),
        });

        await ExpectReadAsync(conn, r1, "hello");
        Return(conn);
        await ExpectFailedAsync(conn, r1, TcpErrors.IoTimeout, TimeSpan.FromSeconds(4));
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Close_inside_a_partial_callback_ends_the_stream_without_further_callbacks()
    {
        var peer = StartPeer(async (c, ct) =>
        {
            try
            {
                for (var i = 0; i < 30; i++)
                {
                    await c.SendAsync($"chunk{i};");
                    await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
                }
            }
            catch (IOException)
            {
                // The client closed.
            }
        });
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1)) with { Partial = true });

        await ExpectReadAsync(conn, r1, "chunk0;");
        Return(conn, CloseConnection.Instance);
        await ExpectClosedAsync(conn);
        await ExpectNothingAsync(conn, TimeSpan.FromMilliseconds(500));
    }
}

/// <summary>The same tests with TCP over Akka.IO (<c>actortcp.io.transport = akka-io</c>).</summary>
public sealed class PartialModeTestsOnAkkaIo(ITestOutputHelper output) : PartialModeTests(output, AkkaIoHocon);
