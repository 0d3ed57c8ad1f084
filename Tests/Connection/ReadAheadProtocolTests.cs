using System.Net;
using ActorTcp.Actors.Connection;
using ActorTcp.Tests.Support;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>
/// When the next read is asked for, seen on the Akka.IO protocol (the transport's boundary): probes stand in for
/// Akka.IO's TCP manager and for its connection actor, so each <c>ResumeReading</c> is visible. On a socket the
/// read-ahead changes only when bytes leave the kernel (bytes, order and errors are the same by design), so no
/// socket test can tell it happened.
/// </summary>
public sealed class ReadAheadProtocolTests(ITestOutputHelper output) : ConnectionTestKit(output, AkkaIoHocon)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private sealed record Opened(IActorRef Connection, TestProbe Io, TestProbe Events, long ReadId);

    /// <summary>A partial-mode read connected through the probes, its first <c>ResumeReading</c> already seen.</summary>
    private async Task<Opened> OpenPartialAsync(int batch)
    {
        var tcp = CreateTestProbe();
        var io = CreateTestProbe();
        var events = CreateTestProbe();
        var readId = NextId();
        var request = RequestTo("127.0.0.1", 9, ReadHandler(readId)) with { Partial = true, PartialBatch = batch };
        var connection = Sys.ActorOf(ConnectionActor.Props(Resolver, tcp.Ref, Settings));
        connection.Tell(new BeginConnection(request, events.Ref, InitialError: null));
        await events.ExpectMsgAsync<ConnectionStarted>(Wait);

        await tcp.ExpectMsgAsync<Tcp.Connect>(Wait);
        io.Send(connection, new Tcp.Connected(new IPEndPoint(IPAddress.Loopback, 9), new IPEndPoint(IPAddress.Loopback, 40000)));
        await io.ExpectMsgAsync<Tcp.Register>(Wait);
        await io.ExpectMsgAsync<Tcp.ResumeReading>(Wait);
        return new Opened(connection, io, events, readId);
    }

    /// <summary>
    /// Asserts <paramref name="probe"/> got nothing from the connection for what it handled so far: an Identify sent now
    /// is answered after those messages, so anything they made the actor send arrives before the answer.
    /// </summary>
    private async Task NothingBeforeReplyAsync(IActorRef connection, TestProbe probe)
    {
        connection.Tell(new Identify("probe"), probe.Ref);
        var next = await probe.ExpectMsgAsync<object>(Wait);
        Assert.IsType<ActorIdentity>(next);
    }

    [Fact]
    public async Task Batching_stream_asks_for_the_next_bytes_while_the_batch_callbacks_run()
    {
        var (connection, io, events, readId) = await OpenPartialAsync(batch: 32);

        io.Send(connection, new Tcp.Received(ByteString.FromBytes(Bytes("first"))));
        var first = await events.ExpectMsgAsync<ReadCompleted>(Wait);
        Assert.Equal(readId, first.HandlerId);

        // The turn has not ended (no CallbackReturned), yet the next read is asked for.
        await io.ExpectMsgAsync<Tcp.ResumeReading>(Wait);
        io.Send(connection, new Tcp.Received(ByteString.FromBytes(Bytes("second"))));
        await NothingBeforeReplyAsync(connection, events);

        // Read ahead, the bytes wait for the turn's end; no further read is asked for while they are held.
        connection.Tell(CallbackReturned.Instance, events.Ref);
        var second = await events.ExpectMsgAsync<ReadCompleted>(Wait);
        Assert.Equal("second", Latin1(second.Data));
        await io.ExpectMsgAsync<Tcp.ResumeReading>(Wait);
        await NothingBeforeReplyAsync(connection, io);
    }

    [Fact]
    public async Task Peer_half_close_met_by_the_read_ahead_while_a_write_is_in_flight_lets_the_write_complete()
    {
        var (connection, io, events, readId) = await OpenPartialAsync(batch: 32);
        io.Send(connection, new Tcp.Received(ByteString.FromBytes(Bytes("QUIT?"))));
        await events.ExpectMsgAsync<ReadCompleted>(Wait);
        await io.ExpectMsgAsync<Tcp.ResumeReading>(Wait);

        // The callback answers and drops its partial read (lua_smtp's pattern): the write goes out, the read-ahead stays.
        var writeId = NextId();
        connection.Tell(new AddHandler(WriteHandler(writeId, "BYE\r\n")), events.Ref);
        connection.Tell(new ShiftCallback(readId), events.Ref);
        connection.Tell(CallbackReturned.Instance, events.Ref);
        var write = await io.ExpectMsgAsync<Tcp.Write>(Wait);
        Assert.Equal("BYE\r\n", Latin1(write.Data.ToArray()));

        // The peer's FIN reaches the read taken ahead before the write is acknowledged: it concerns no handler yet.
        io.Send(connection, Tcp.PeerClosed.Instance);
        io.Send(connection, write.Ack);

        var done = await events.ExpectMsgAsync<WriteCompleted>(Wait);
        Assert.Equal(writeId, done.HandlerId);
        connection.Tell(CallbackReturned.Instance, events.Ref);
        await events.ExpectMsgAsync<ConnectionClosed>(Wait);
    }

    [Fact]
    public async Task One_chunk_per_turn_stream_asks_for_the_next_bytes_only_after_the_callback_returned()
    {
        var (connection, io, events, readId) = await OpenPartialAsync(batch: 1);

        io.Send(connection, new Tcp.Received(ByteString.FromBytes(Bytes("first"))));
        var first = await events.ExpectMsgAsync<ReadCompleted>(Wait);
        Assert.Equal(readId, first.HandlerId);
        await NothingBeforeReplyAsync(connection, io);

        connection.Tell(CallbackReturned.Instance, events.Ref);
        await io.ExpectMsgAsync<Tcp.ResumeReading>(Wait);
    }
}
