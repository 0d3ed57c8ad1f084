using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using ActorTcp.Actors.Transport;
using ActorTcp.TestKit;
using Akka.TestKit;
using Xunit;

namespace ActorTcp.Tests.Transport;

/// <summary>
/// <see cref="SocketTransport"/> on its own, over real loopback sockets: a test probe stands for the owning actor and
/// receives every <see cref="TransportEvent"/>; the test drives the transport as the actor would (each acknowledgement
/// passed back through TryTranslate, one RequestRead per wanted chunk).
/// </summary>
public sealed class SocketTransportTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TransportTestTimes.Event;

    private static string Latin1(ReadOnlyMemory<byte> bytes) => Encoding.Latin1.GetString(bytes.Span);

    private static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++) bytes[i] = (byte)(i % 251);
        return bytes;
    }

    /// <summary>Reads chunk by chunk until <paramref name="count"/> bytes arrived (bounded); returns the chunks.</summary>
    private static List<TransportEvent.Received> ReadChunks(SocketTransport transport, TestProbe owner, int count)
    {
        var chunks = new List<TransportEvent.Received>();
        var total = 0;
        for (var i = 0; i < 10_000 && total < count; i++)
        {
            transport.RequestRead();
            var received = owner.ExpectMsg<TransportEvent.Received>(Wait);
            chunks.Add(received);
            total += received.Data.Length;
        }
        Assert.Equal(count, total);
        return chunks;
    }

    private static byte[] Joined(IEnumerable<TransportEvent.Received> chunks) =>
        chunks.SelectMany(c => c.Data.ToArray()).ToArray();

    [Fact]
    public async Task Connecting_to_a_listening_port_reports_connected_and_the_peer_accepts()
    {
        using var peer = new TransportPeer();
        var owner = CreateTestProbe();
        var transport = new SocketTransport(owner.Ref, 4096, AddressFamily.InterNetwork);

        transport.Connect(peer.EndPoint);

        owner.ExpectMsg<TransportEvent.Connected>(Wait);
        Assert.NotNull(await peer.AcceptedAsync());
        transport.Close();
    }

    [Fact]
    public void Connecting_to_a_port_nobody_listens_on_reports_failed_with_connection_refused()
    {
        using var refusing = ScriptedPeer.Refusing();
        var owner = CreateTestProbe();
        var transport = new SocketTransport(owner.Ref, 4096, AddressFamily.InterNetwork);

        transport.Connect(refusing.EndPoint);

        var failed = owner.ExpectMsg<TransportEvent.Failed>(Wait);
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsAssignableFrom<SocketException>(failed.Cause).SocketErrorCode);
        transport.Close();
    }

    [Fact]
    public async Task A_write_is_acknowledged_once_and_its_bytes_reach_the_peer()
    {
        using var peer = new TransportPeer();
        var owner = CreateTestProbe();
        var (transport, connection) = await peer.ConnectAsync(owner);

        transport.Write(Encoding.Latin1.GetBytes("hello"));

        owner.ExpectMsg<TransportEvent.WriteAcked>(Wait);
        Assert.Equal("hello", Latin1(await connection.ReadExactlyAsync(5)));
        transport.Close();
    }

    [Fact]
    public async Task A_queued_write_waits_until_the_acknowledgement_of_the_one_before_it_is_passed_back()
    {
        using var peer = new TransportPeer();
        var owner = CreateTestProbe();
        var (transport, connection) = await peer.ConnectAsync(owner);

        transport.Write(Encoding.Latin1.GetBytes("one"));
        transport.Write(Encoding.Latin1.GetBytes("two"));
        owner.ExpectMsg<TransportEvent.WriteAcked>(Wait);
        // No acknowledgement passed back yet: "two" is still queued, so the FIN sent now follows "one" alone.
        transport.ShutdownOutput();

        Assert.Equal("one", Latin1(await connection.ReadToEndAsync()));
        transport.Close();
    }

    [Fact]
    public async Task Each_acknowledgement_the_owner_passes_back_starts_the_next_queued_write_so_chunks_arrive_in_order()
    {
        using var peer = new TransportPeer();
        var owner = CreateTestProbe();
        var (transport, connection) = await peer.ConnectAsync(owner);

        foreach (var piece in new[] { "alpha,", "beta,", "gamma" }) transport.Write(Encoding.Latin1.GetBytes(piece));
        for (var i = 0; i < 3; i++)
        {
            var acked = owner.ExpectMsg<TransportEvent.WriteAcked>(Wait);
            Assert.True(transport.TryTranslate(acked, out _));
        }
        transport.ShutdownOutput();

        Assert.Equal("alpha,beta,gamma", Latin1(await connection.ReadToEndAsync()));
        transport.Close();
    }

    [Fact]
    public async Task A_write_larger_than_the_socket_buffers_is_acknowledged_once_the_peer_took_every_byte()
    {
        using var peer = new TransportPeer();
        var owner = CreateTestProbe();
        var (transport, connection) = await peer.ConnectAsync(owner);
        var data = Pattern(8 * 1024 * 1024);

        transport.Write(data);
        var read = connection.ReadExactlyAsync(data.Length);

        owner.ExpectMsg<TransportEvent.WriteAcked>(Wait);
        Assert.Equal(data, await read);
        transport.Close();
    }

    [Fact]
    public async Task A_read_requested_before_the_peer_sends_delivers_the_bytes_when_they_come()
    {
        using var peer = new TransportPeer();
        var owner = CreateTestProbe();
        var (transport, connection) = await peer.ConnectAsync(owner);

        transport.RequestRead();
        await connection.SendAsync("late reply");

        var first = owner.ExpectMsg<TransportEvent.Received>(Wait);
        var rest = ReadChunks(transport, owner, "late reply".Length - first.Data.Length);

        Assert.Equal("late reply", Latin1(Joined([first, .. rest])));
        transport.Close();
    }

    [Fact]
    public async Task Bytes_already_received_are_delivered_by_the_next_read_request()
    {
        using var peer = new TransportPeer();
        var owner = CreateTestProbe();
        var (transport, connection) = await peer.ConnectAsync(owner);

        await connection.SendAsync("waiting");

        Assert.Equal("waiting", Latin1(Joined(ReadChunks(transport, owner, 7))));
        transport.Close();
    }

    [Fact]
    public async Task No_read_returns_more_than_the_read_size()
    {
        using var peer = new TransportPeer();
        var owner = CreateTestProbe();
        var (transport, connection) = await peer.ConnectAsync(owner, readSize: 4);

        await connection.SendAsync("abcdefghij");
        var chunks = ReadChunks(transport, owner, 10);

        Assert.All(chunks, c => Assert.InRange(c.Data.Length, 1, 4));
        Assert.Equal("abcdefghij", Latin1(Joined(chunks)));
        transport.Close();
    }

    [Fact]
    public async Task Reads_larger_than_the_stack_buffer_keep_every_byte_in_order_without_a_lease()
    {
        using var peer = new TransportPeer();
        var owner = CreateTestProbe();
        var (transport, connection) = await peer.ConnectAsync(owner, readSize: 64 * 1024);
        var data = Pattern(50_000);

        await connection.SendAsync(data);
        var chunks = ReadChunks(transport, owner, data.Length);

        Assert.Equal(data, Joined(chunks));
        Assert.All(chunks, c => Assert.Null(c.Lease));
        transport.Close();
    }

    [Fact]
    public async Task Leased_reads_hand_out_large_reads_in_their_pooled_buffer_and_copy_small_ones()
    {
        using var peer = new TransportPeer();
        var owner = CreateTestProbe();
        var (transport, connection) = await peer.ConnectAsync(owner, readSize: 64 * 1024, leaseReads: true);
        var data = Pattern(200_000);

        await connection.SendAsync(data);
        var chunks = ReadChunks(transport, owner, data.Length);

        Assert.Equal(data, Joined(chunks));
        foreach (var chunk in chunks)
        {
            Assert.InRange(chunk.Data.Length, 1, 64 * 1024);
            if (chunk.Data.Length > 16 * 1024)
            {
                Assert.NotNull(chunk.Lease);
                Assert.True(MemoryMarshal.TryGetArray(chunk.Data, out var segment));
                Assert.Same(chunk.Lease, segment.Array);
            }
            else
            {
                Assert.Null(chunk.Lease);
            }
        }
        // The peer's send finished before the first read, so at least one read found more than 16 KiB waiting.
        Assert.Contains(chunks, c => c.Lease is not null);
    }

    [Fact]
    public async Task The_peers_FIN_is_reported_as_peer_closed_after_the_bytes_before_it()
    {
        using var peer = new TransportPeer();
        var owner = CreateTestProbe();
        var (transport, connection) = await peer.ConnectAsync(owner);

        await connection.SendAsync("bye");
        await connection.HalfCloseAsync();

        Assert.Equal("bye", Latin1(Joined(ReadChunks(transport, owner, 3))));
        transport.RequestRead();
        owner.ExpectMsg<TransportEvent.PeerClosed>(Wait);
        transport.Close();
    }

    [Fact]
    public async Task A_read_waiting_when_the_peer_closes_reports_peer_closed()
    {
        using var peer = new TransportPeer();
        var owner = CreateTestProbe();
        var (transport, connection) = await peer.ConnectAsync(owner);

        transport.RequestRead();
        await connection.HalfCloseAsync();

        owner.ExpectMsg<TransportEvent.PeerClosed>(Wait);
        transport.Close();
    }

    [Fact]
    public async Task A_reset_by_the_peer_fails_the_read_with_connection_reset()
    {
        using var peer = new TransportPeer();
        var owner = CreateTestProbe();
        var (transport, connection) = await peer.ConnectAsync(owner);

        connection.Reset();
        transport.RequestRead();

        var failed = owner.ExpectMsg<TransportEvent.Failed>(Wait);
        Assert.Equal(SocketError.ConnectionReset, Assert.IsAssignableFrom<SocketException>(failed.Cause).SocketErrorCode);
        transport.Close();
    }

    [Fact]
    public async Task A_reset_while_a_read_waits_fails_that_read()
    {
        using var peer = new TransportPeer();
        var owner = CreateTestProbe();
        var (transport, connection) = await peer.ConnectAsync(owner);

        transport.RequestRead();
        connection.Reset();

        var failed = owner.ExpectMsg<TransportEvent.Failed>(Wait);
        Assert.Equal(SocketError.ConnectionReset, Assert.IsAssignableFrom<SocketException>(failed.Cause).SocketErrorCode);
        transport.Close();
    }

    [Fact]
    public async Task ShutdownOutput_sends_FIN_and_the_socket_still_reads()
    {
        using var peer = new TransportPeer();
        var owner = CreateTestProbe();
        var (transport, connection) = await peer.ConnectAsync(owner);

        transport.Write(Encoding.Latin1.GetBytes("request"));
        owner.ExpectMsg<TransportEvent.WriteAcked>(Wait);
        transport.ShutdownOutput();
        Assert.Equal("request", Latin1(await connection.ReadToEndAsync()));
        await connection.SendAsync("answer");

        Assert.Equal("answer", Latin1(Joined(ReadChunks(transport, owner, 6))));
        transport.Close();
    }

    [Fact]
    public async Task Close_ends_the_connection_for_the_peer()
    {
        using var peer = new TransportPeer();
        var owner = CreateTestProbe();
        var (transport, connection) = await peer.ConnectAsync(owner);

        transport.Close();

        Assert.Empty(await connection.ReadToEndAsync());
    }
}
