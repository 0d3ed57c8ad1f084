using System.Net;
using System.Net.Sockets;
using Akka.Actor;

namespace ActorTcp.Actors.Transport;

/// <summary>
/// A stream socket (TCP or unix domain) owned by one connection actor, without an Akka.IO connection actor between
/// them: every operation is asynchronous and reports to the owner as a <see cref="TransportEvent"/>; writes go out one
/// at a time so chunks keep their order. This is the default TCP transport (<c>actortcp.io.transport = socket</c>):
/// against Akka.IO it saves an actor and its hops per connection, the 64 KiB receive buffer an idle connection holds
/// and a copy per read (BENCHMARKS.md). Unix sockets always use it (Akka.IO 1.5 connects only IP endpoints).
/// </summary>
/// <remarks>
/// Reads are pulled, one per <see cref="RequestRead"/>: a zero-byte receive waits for readability without a buffer, then
/// a buffer sized to what the kernel holds (at most the read size) is filled. An idle connection holds no buffer, and a
/// fast sender is held back by TCP while nothing asks to read.
/// </remarks>
internal sealed class SocketTransport : ITransport
{
    private const int MinReadBuffer = 256;

    private readonly Socket _socket;
    private readonly IActorRef _owner;
    private readonly int _readSize;
    private readonly Queue<ReadOnlyMemory<byte>> _pendingWrites = new();
    private bool _sending;
    private bool _closed;

    /// <param name="owner">The connection actor: receives every <see cref="TransportEvent"/>.</param>
    /// <param name="readSize">Most bytes one read returns.</param>
    /// <param name="family">The endpoint's family: IPv4, IPv6 or unix.</param>
    public SocketTransport(IActorRef owner, int readSize, AddressFamily family)
    {
        _owner = owner;
        _readSize = readSize;
        _socket = family == AddressFamily.Unix
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(family, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    }

    /// <summary>Starts connecting to <paramref name="endpoint"/>; <see cref="TransportEvent.Connected"/> or <see cref="TransportEvent.Failed"/> follows.</summary>
    public void Connect(EndPoint endpoint)
    {
        Task connect;
        try
        {
            connect = _socket.ConnectAsync(endpoint);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            connect = Task.FromException(e);
        }
        connect.PipeTo(_owner,
            success: () => TransportEvent.Connected.Instance,
            failure: ex => new TransportEvent.Failed(ex, WhileConnecting: true));
    }

    public void Write(ReadOnlyMemory<byte> chunk)
    {
        _pendingWrites.Enqueue(chunk);
        if (!_sending) SendNext();
    }

    /// <summary>Called by the owner when a chunk was acknowledged, to start the next one.</summary>
    public void OnAcked()
    {
        _sending = false;
        if (_pendingWrites.Count > 0) SendNext();
    }

    private void SendNext()
    {
        if (_closed) return;
        _sending = true;
        SendAllAsync(_pendingWrites.Dequeue()).PipeTo(_owner,
            success: () => TransportEvent.WriteAcked.Instance,
            failure: ex => new TransportEvent.Failed(ex, WhileConnecting: false));
    }

    private async Task SendAllAsync(ReadOnlyMemory<byte> chunk)
    {
        while (!chunk.IsEmpty)
            chunk = chunk[await _socket.SendAsync(chunk, SocketFlags.None).ConfigureAwait(false)..];
    }

    public void RequestRead()
    {
        if (_closed) return;
        ReceiveAsync().PipeTo(_owner,
            success: received => received.IsEmpty ? TransportEvent.PeerClosed.Instance : new TransportEvent.Received(received),
            failure: ex => new TransportEvent.Failed(ex, WhileConnecting: false));
    }

    private async Task<ReadOnlyMemory<byte>> ReceiveAsync()
    {
        // Readable (data or EOF) first, with no buffer held while the peer is silent.
        if (_socket.Available == 0) await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
        var buffer = new byte[Math.Clamp(_socket.Available, MinReadBuffer, _readSize)];
        var n = await _socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).ConfigureAwait(false);
        return new ReadOnlyMemory<byte>(buffer, 0, n);
    }

    public void ShutdownOutput()
    {
        try { _socket.Shutdown(SocketShutdown.Send); }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The peer is gone; the next read or write reports it.
        }
    }

    public void Close()
    {
        if (_closed) return;
        _closed = true;
        // Dispose aborts pending operations; their failures reach a stopped actor and are dropped there.
        _socket.Dispose();
    }
}
