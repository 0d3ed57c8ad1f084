using System.Runtime.InteropServices;
using ActorTcp.Actors;
using ActorTcp.Actors.Connection;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>
/// Partial mode with a batching receiver (the Lua host): the next read runs while a batch's callbacks run, and what
/// that read meets at the end of the stream waits until the bytes before it were handed on.
/// </summary>
public class PartialReadAheadTests : ConnectionTestKit
{
    private const int Batch = 32;

    public PartialReadAheadTests(ITestOutputHelper output) : this(output, null) { }

    protected PartialReadAheadTests(ITestOutputHelper output, string? hocon) : base(output, hocon) { }

    /// <summary>For the megabyte streams: their sends wait for a reader that holds some turns on purpose.</summary>
    private static readonly ScriptedPeerOptions SlowReader = new() { StepTimeout = TimeSpan.FromSeconds(10) };

    private static ConnectionRequest Streaming(ScriptedPeer peer, long handlerId) =>
        RequestTo(peer, ReadHandler(handlerId)) with { Partial = true, PartialBatch = Batch };

    /// <summary>Takes turns until the fatal error, holding every <paramref name="holdEvery"/>-th turn a while; returns the bytes and the error.</summary>
    private static async Task<(byte[] Bytes, HandlerFailed End)> DrainAsync(TestConnection conn, int maxTurns, int holdEvery = 0)
    {
        var received = new List<byte>();
        for (var turn = 0; turn < maxTurns; turn++)
        {
            var next = await ExpectEventAsync<IConnectionEvent>(conn);
            if (next is HandlerFailed failed) return (received.ToArray(), failed);
            var read = Assert.IsType<ReadCompleted>(next);
            Assert.True(read.Data.Length <= Batch * 8192, $"{read.Data.Length} bytes in one message");
            received.AddRange(read.Data.ToArray());
            if (holdEvery > 0 && turn % holdEvery == 0) await Task.Delay(TimeSpan.FromMilliseconds(30));
            Return(conn);
        }
        Assert.Fail($"no end of stream within {maxTurns} turns");
        throw new InvalidOperationException("unreachable");
    }

    [Fact]
    public async Task Peer_close_met_while_a_batch_runs_comes_after_every_byte_sent_before_it()
    {
        var payload = Payload(3_000_000, seed: 3);
        var peer = StartPeer(s => s.Send(payload).Close(), SlowReader);
        var r1 = NextId();
        var conn = await OpenAsync(Streaming(peer, r1));

        var (bytes, end) = await DrainAsync(conn, maxTurns: 2000, holdEvery: 5);

        AssertBytes(payload, bytes);
        Assert.Equal(r1, end.HandlerId);
        Assert.Equal(TcpErrors.ConnectionTerminated, end.Error);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Reset_met_while_a_batch_runs_is_reported_once_the_batch_returns()
    {
        var firstTurn = NewResult<bool>();
        var peer = StartPeer(async (c, ct) =>
        {
            await c.SendAsync("first bytes");
            await firstTurn.Task.WaitAsync(ct);
            c.Reset();
        });
        var r1 = NextId();
        var conn = await OpenAsync(Streaming(peer, r1));

        await ExpectReadAsync(conn, r1, "first bytes");
        // The callback still runs when the reset arrives; the error waits for it to return.
        firstTurn.SetResult(true);
        await ExpectNothingAsync(conn, TimeSpan.FromMilliseconds(300));
        Return(conn);

        var failed = await ExpectTurnAsync<HandlerFailed>(conn);
        Assert.Equal(TcpErrors.ReadError("Connection reset by peer"), failed.Error);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Write_queued_by_the_callback_a_reset_arrived_during_gets_the_reset_as_its_error()
    {
        var firstTurn = NewResult<bool>();
        var peer = StartPeer(async (c, ct) =>
        {
            await c.SendAsync("first bytes");
            await firstTurn.Task.WaitAsync(ct);
            c.Reset();
        });
        long r1 = NextId(), w2 = NextId();
        var conn = await OpenAsync(Streaming(peer, r1));

        await ExpectReadAsync(conn, r1, "first bytes");
        firstTurn.SetResult(true);
        await ExpectNothingAsync(conn, TimeSpan.FromMilliseconds(300));
        // The stream's handler steps aside for a write: the reset the read-ahead met is that write's error.
        Return(conn, new ShiftCallback(r1), new AddHandler(WriteHandler(w2, "QUIT\r\n")));

        await ExpectFailedAsync(conn, w2, TcpErrors.WriteError("Connection reset by peer"));
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Bytes_a_stopped_batch_gives_back_come_before_a_close_met_while_it_ran()
    {
        var payload = Payload(100_000, seed: 5);
        var closeNow = NewResult<bool>();
        var peer = StartPeer(async (c, ct) =>
        {
            await c.SendAsync(payload);
            await closeNow.Task.WaitAsync(ct);
            await c.HalfCloseAsync();
        });
        var r1 = NextId();
        var conn = await OpenAsync(Streaming(peer, r1));

        var received = new List<byte>();
        var gaveBack = false;
        for (var turn = 0; turn < 100 && received.Count < payload.Length; turn++)
        {
            var read = await ExpectTurnAsync<ReadCompleted>(conn);
            if (received.Count + read.Data.Length < payload.Length || gaveBack || read.Data.Length <= read.ChunkSize)
            {
                received.AddRange(read.Data.ToArray());
                Return(conn);
                continue;
            }
            // The last batch: the peer closes while its first callback runs, which then stops the batch (as a
            // callback that sends a command does). The bytes it gives back must still come, then the close.
            closeNow.SetResult(true);
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            received.AddRange(read.Data[..read.ChunkSize].ToArray());
            conn.Tell(new CallbackReturnedPartly(read.ChunkSize));
            gaveBack = true;
        }

        Assert.True(gaveBack, "the last batch held no more than one chunk");
        AssertBytes(payload, received.ToArray());
        await ExpectFailedAsync(conn, r1, TcpErrors.ConnectionTerminated);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Four_streams_at_once_arrive_whole_while_their_turns_are_held()
    {
        const int Size = 4_000_000;
        var servers = Enumerable.Range(0, 4).Select(i => (Payload: Payload(Size, seed: 10 + i), Index: i)).ToArray();
        var connections = new List<(TestConnection Conn, long Handler, byte[] Payload)>();
        foreach (var (payload, _) in servers)
        {
            var peer = StartPeer(s => s.Send(payload).Close(), SlowReader);
            var handler = NextId();
            connections.Add((await OpenAsync(Streaming(peer, handler)), handler, payload));
        }

        // Each drains at its own pace, so pooled buffers are taken and given back by all four interleaved.
        var drained = await Task.WhenAll(connections.Select((c, i) => DrainAsync(c.Conn, maxTurns: 4000, holdEvery: 3 + i)));

        for (var i = 0; i < connections.Count; i++)
        {
            AssertBytes(connections[i].Payload, drained[i].Bytes);
            Assert.Equal(TcpErrors.ConnectionTerminated, drained[i].End.Error);
            Return(connections[i].Conn);
            await ExpectClosedAsync(connections[i].Conn);
        }
    }
}

/// <summary>The same tests with TCP over Akka.IO (<c>actortcp.io.transport = akka-io</c>).</summary>
public sealed class PartialReadAheadTestsOnAkkaIo(ITestOutputHelper output) : PartialReadAheadTests(output, AkkaIoHocon);

/// <summary>
/// On the default transport, a streaming connection's large reads lie in pooled read-size buffers (its small ones are
/// copied out, so a slow stream holds no pooled buffer); other connections' reads lie in arrays of their size.
/// </summary>
public sealed class PooledReadTests(ITestOutputHelper output) : ConnectionTestKit(output)
{
    private static int ArrayLength(ReadOnlyMemory<byte> data)
    {
        Assert.True(MemoryMarshal.TryGetArray(data, out var segment));
        return segment.Array!.Length;
    }

    [Fact]
    public async Task Streaming_reads_lie_in_pooled_read_size_buffers_and_other_reads_in_arrays_of_their_size()
    {
        var payload = Payload(600_000, seed: 9);
        var greeted = NewResult<bool>();
        var streamPeer = StartPeer(async (c, ct) =>
        {
            await c.SendAsync("hello");
            await greeted.Task.WaitAsync(ct);
            await c.SendAsync(payload);
            await c.DiscardUntilClosedAsync();
        });
        var replyPeer = StartPeer(s => s.Send("hello").NeverAnswer());
        var streamed = NextId();
        var stream = await OpenAsync(RequestTo(streamPeer, ReadHandler(streamed)) with { Partial = true, PartialBatch = 32 });
        var plain = NextId();
        var single = await OpenAsync(RequestTo(replyPeer, ReadHandler(plain)));

        // A small read of a stream is copied out, so a slow stream holds no pooled buffer.
        var small = await ExpectReadAsync(stream, streamed, "hello");
        Assert.Equal(5, ArrayLength(small.Data));
        greeted.SetResult(true);
        Return(stream);

        var received = new List<byte>();
        var pooled = 0;
        for (var turn = 0; turn < 1000 && received.Count < payload.Length; turn++)
        {
            var read = await ExpectTurnAsync<ReadCompleted>(stream);
            var length = ArrayLength(read.Data);
            if (length == ActorTcpSettings.Default.SocketReadSize) pooled++;
            else Assert.True(length <= 16 * 1024, $"a {read.Data.Length}-byte delivery lies in a {length}-byte array");
            received.AddRange(read.Data.ToArray());
            Return(stream);
        }
        var b = await ExpectReadAsync(single, plain, "hello");

        AssertBytes(payload, received.ToArray());
        Assert.True(pooled > 0, "no read of the 600 kB stream lay in a pooled buffer");
        Assert.Equal(5, ArrayLength(b.Data));
        stream.Tell(CloseConnection.Instance);
        Return(single);
        await ExpectClosedAsync(stream);
        await ExpectClosedAsync(single);
    }
}
