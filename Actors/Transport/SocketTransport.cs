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
        var chunk = _pendingWrites.Dequeue();
        ValueTask<int> first;
        try
        {
            first = _socket.SendAsync(chunk, SocketFlags.None);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            _owner.Tell(new TransportEvent.Failed(e, WhileConnecting: false));
            return;
        }
        Task rest;
        if (first.IsCompletedSuccessfully)
        {
            // A ValueTask is consumed once: its result is read here and never awaited afterwards.
            var sent = first.Result;
            if (sent == chunk.Length)
            {
                // The usual case: the kernel took it all at once. Telling ourselves (we run on the owner's thread)
                // costs no task, no continuation and no thread hop.
                _owner.Tell(TransportEvent.WriteAcked.Instance);
                return;
            }
            rest = SendAllAsync(chunk[sent..]);
        }
        else
        {
            rest = FinishSendAsync(first, chunk);
        }
        rest.PipeTo(_owner,
            success: () => TransportEvent.WriteAcked.Instance,
            failure: ex => new TransportEvent.Failed(ex, WhileConnecting: false));
    }

    private async Task FinishSendAsync(ValueTask<int> first, ReadOnlyMemory<byte> chunk)
    {
        await SendAllAsync(chunk[await first.ConfigureAwait(false)..]).ConfigureAwait(false);
    }

    private async Task SendAllAsync(ReadOnlyMemory<byte> chunk)
    {
        while (!chunk.IsEmpty)
            chunk = chunk[await _socket.SendAsync(chunk, SocketFlags.None).ConfigureAwait(false)..];
    }

    public void RequestRead()
    {
        if (_closed) return;
        int available;
        try
        {
            available = _socket.Available;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            available = 0; // the asynchronous path reports the error
        }
        if (available > 0)
        {
            // Bytes are there: the receive completes at once, reported without a task or a thread hop.
            var buffer = new byte[Math.Min(available, _readSize)];
            var pending = _socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
            if (pending.IsCompletedSuccessfully)
            {
                _owner.Tell(ToEvent(new ReadOnlyMemory<byte>(buffer, 0, pending.Result)));
                return;
            }
            FinishReceiveAsync(pending, buffer).PipeTo(_owner, success: ToEvent,
                failure: ex => new TransportEvent.Failed(ex, WhileConnecting: false));
            return;
        }
        ReceiveAsync().PipeTo(_owner, success: ToEvent, failure: ex => new TransportEvent.Failed(ex, WhileConnecting: false));
    }

    private static TransportEvent ToEvent(ReadOnlyMemory<byte> received) =>
        received.IsEmpty ? TransportEvent.PeerClosed.Instance : new TransportEvent.Received(received);

    private static async Task<ReadOnlyMemory<byte>> FinishReceiveAsync(ValueTask<int> pending, byte[] buffer) =>
        new(buffer, 0, await pending.ConfigureAwait(false));

    private async Task<ReadOnlyMemory<byte>> ReceiveAsync()
    {
        // Readable (data or EOF) first, with no buffer held while the peer is silent.
        await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
        // Sized to what is there (a 64-byte reply takes 64 bytes); nothing there means EOF or an error is next.
        var available = _socket.Available;
        var buffer = new byte[available > 0 ? Math.Min(available, _readSize) : MinReadBuffer];
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
