using System.Net.Sockets;
using Akka.Actor;

namespace ActorTcp.Actors.Transport;

/// <summary>
/// A unix domain stream socket owned by one connection actor (Akka.IO 1.5 connects only IP endpoints). Every
/// operation is asynchronous and reports to the owner as a <see cref="TransportEvent"/>; writes go out one at a time
/// so chunks keep their order.
/// </summary>
internal sealed class UnixSocketTransport : ITransport
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly IActorRef _owner;
    private readonly int _readSize;
    private readonly Queue<ReadOnlyMemory<byte>> _pendingWrites = new();
    private bool _sending;
    private bool _closed;

    public UnixSocketTransport(IActorRef owner, int readSize)
    {
        _owner = owner;
        _readSize = readSize;
    }

    /// <summary>Starts connecting to <paramref name="path"/>.</summary>
    public void Connect(string path)
    {
        _socket.ConnectAsync(new UnixDomainSocketEndPoint(path)).PipeTo(_owner,
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
        var buffer = new byte[_readSize];
        _socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).AsTask().PipeTo(_owner,
            success: n => n == 0
                ? TransportEvent.PeerClosed.Instance
                : new TransportEvent.Received(new ReadOnlyMemory<byte>(buffer, 0, n)),
            failure: ex => new TransportEvent.Failed(ex, WhileConnecting: false));
    }

    public void ShutdownOutput()
    {
        try { _socket.Shutdown(SocketShutdown.Send); }
        catch (SocketException) { /* the peer is gone; the next read or write reports it */ }
    }

    public void Close()
    {
        if (_closed) return;
        _closed = true;
        // Dispose aborts pending operations; their failures reach a stopped actor and are dropped there.
        _socket.Dispose();
    }
}
