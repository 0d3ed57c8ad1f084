using System.Buffers;
using System.Net;
using System.Net.Sockets;
using ActorTcp.Actors.Metrics;
using Akka.Actor;

namespace ActorTcp.Actors.Transport;

/// <summary>
/// A stream socket (TCP or unix domain) owned by one connection actor, without an Akka.IO connection actor between
/// them: receives are tried without blocking, every wait is asynchronous, and results reach the owner as
/// <see cref="TransportEvent"/>s; writes go out one at a time so chunks keep their order. This is the default TCP transport (<c>actortcp.io.transport = socket</c>):
/// against Akka.IO it saves an actor and its hops per connection and the 64 KiB receive buffer an idle connection holds
/// (BENCHMARKS.md). Unix sockets always use it (Akka.IO 1.5 connects only IP endpoints).
/// </summary>
/// <remarks>
/// Reads are pulled, one per <see cref="RequestRead"/>: a non-blocking receive takes what is there (see
/// <see cref="Receive"/> for where the bytes land); when nothing is, a zero-byte receive waits for readability
/// without a buffer. An idle connection holds no buffer, and a fast sender is held back by TCP while nothing asks to
/// read.
/// </remarks>
internal sealed class SocketTransport : ISocketTransport
{
    // Most bytes a copied-out read takes on the stack before sizing an array to the rest.
    private const int StackReadSize = 4096;

    // Leased reads of at most this many bytes are copied out, so a connection holds pooled memory in proportion to
    // what it received, not a read-size buffer per read.
    private const int SmallLeasedRead = 16 * 1024;

    private readonly Socket _socket;
    private readonly IActorRef _owner;
    private readonly int _readSize;
    private readonly bool _leaseReads;
    private readonly ActorTcpMetrics? _metrics;
    // Made on the first write: a read-only connection never needs it (BENCHMARKS.md W4).
    private Queue<ReadOnlyMemory<byte>>? _pendingWrites;
    private bool _sending;
    private bool _closed;
    // The zero-byte receive being waited on (WaitThenReceive), and its continuation, made once: an async method per
    // wait allocated its state machine (112 B) on every read that had to wait (BENCHMARKS.md, W2).
    private ValueTask<int> _readable;
    private Action? _onReadable;
    private int _waiting;

    /// <param name="owner">The connection actor: receives every <see cref="TransportEvent"/>.</param>
    /// <param name="readSize">Most bytes one read returns.</param>
    /// <param name="family">The endpoint's family: IPv4, IPv6 or unix.</param>
    /// <param name="leaseReads">
    /// Hand received bytes out in the pooled buffer they were read into (<see cref="TransportEvent.Received.Lease"/>),
    /// for an owner that streams them on; otherwise each read is copied into an array of its size.
    /// </param>
    /// <param name="metrics">Where the bytes received and sent are counted; null: nowhere.</param>
    public SocketTransport(IActorRef owner, int readSize, AddressFamily family, bool leaseReads = false, ActorTcpMetrics? metrics = null)
    {
        _leaseReads = leaseReads;
        _metrics = metrics;
        _owner = owner;
        _readSize = readSize;
        _socket = family == AddressFamily.Unix
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(family, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        // Receives are tried without waiting (RequestRead); every wait is an asynchronous operation.
        _socket.Blocking = false;
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
        // A loopback connect often completes at once: told without a continuation.
        if (connect.IsCompletedSuccessfully) _owner.Tell(TransportEvent.Connected.Instance);
        else connect.PipeTo(_owner,
            success: () => TransportEvent.Connected.Instance,
            failure: ex => new TransportEvent.Failed(ex));
    }

    public bool TryTranslate(object message, out TransportEvent? transportEvent)
    {
        transportEvent = message as TransportEvent;
        // The next queued chunk goes out once the socket took this one.
        if (transportEvent is TransportEvent.WriteAcked) OnAcked();
        return transportEvent is not null;
    }

    public void Write(ReadOnlyMemory<byte> chunk)
    {
        (_pendingWrites ??= new Queue<ReadOnlyMemory<byte>>()).Enqueue(chunk);
        if (!_sending) SendNext();
    }

    private void OnAcked()
    {
        _sending = false;
        if (_pendingWrites is { Count: > 0 }) SendNext();
    }

    private void SendNext()
    {
        if (_closed) return;
        _sending = true;
        var chunk = _pendingWrites!.Dequeue();
        _metrics?.BytesSent(chunk.Length);
        ValueTask<int> first;
        try
        {
            first = _socket.SendAsync(chunk, SocketFlags.None);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            _owner.Tell(new TransportEvent.Failed(e));
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
            failure: ex => new TransportEvent.Failed(ex));
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
        // Bytes already there: a non-blocking receive takes them at once, reported without a task or a thread hop.
        // One read at a time (the owner asks again only once told): a request while a wait is pending is that wait's.
        if (Volatile.Read(ref _waiting) != 0) return;
        if (TryReceive(out var received)) _owner.Tell(received);
        else
        {
            _waiting = 1;
            WaitThenReceive();
        }
    }

    /// <summary>One non-blocking receive (<see cref="Receive"/>), its bytes counted; false when nothing is there yet.</summary>
    private bool TryReceive(out TransportEvent received)
    {
        if (!Receive(out received)) return false;
        if (received is TransportEvent.Received bytes) _metrics?.BytesReceived(bytes.Data.Length);
        return true;
    }

    /// <summary>
    /// One non-blocking receive; false when nothing is there yet. Leased reads go into a pooled buffer of the read size
    /// and keep it (a fresh array per 64 KiB read cost W3 a third of its speed, BENCHMARKS.md), unless they are small.
    /// Other reads land on the stack first and leave as an array of their size (a 64-byte reply holds 64 bytes, in one
    /// syscall); a read that fills the stack buffer goes on into an array sized to what the kernel holds. No buffer is
    /// held while the socket has nothing to give.
    /// </summary>
    private bool Receive(out TransportEvent received)
    {
        if (_leaseReads)
        {
            var lease = ArrayPool<byte>.Shared.Rent(_readSize);
            var n = _socket.Receive(lease.AsSpan(0, _readSize), SocketFlags.None, out var error);
            if (error == SocketError.Success && n > SmallLeasedRead)
            {
                received = new TransportEvent.Received(new ReadOnlyMemory<byte>(lease, 0, n), lease);
                return true;
            }
            if (error == SocketError.Success && n > 0)
            {
                // A slow stream's small read would hold a whole pooled buffer until Lua is done with it.
                received = new TransportEvent.Received(lease.AsSpan(0, n).ToArray());
                ArrayPool<byte>.Shared.Return(lease);
                return true;
            }
            ArrayPool<byte>.Shared.Return(lease);
            return Ended(error, out received);
        }

        Span<byte> stack = stackalloc byte[StackReadSize];
        stack = stack[..Math.Min(StackReadSize, _readSize)];
        var first = _socket.Receive(stack, SocketFlags.None, out var firstError);
        if (firstError != SocketError.Success || first == 0) return Ended(firstError, out received);
        if (first < stack.Length || _readSize <= StackReadSize)
        {
            received = new TransportEvent.Received(stack[..first].ToArray());
            return true;
        }
        int more;
        try
        {
            more = Math.Min(_socket.Available, _readSize - first);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            more = 0; // the next read reports it
        }
        var buffer = GC.AllocateUninitializedArray<byte>(first + more);
        stack[..first].CopyTo(buffer);
        var rest = more > 0 ? _socket.Receive(buffer.AsSpan(first), SocketFlags.None, out _) : 0;
        // What the second receive could not take (or its error) is met by the next read.
        received = new TransportEvent.Received(new ReadOnlyMemory<byte>(buffer, 0, first + Math.Max(rest, 0)));
        return true;
    }

    /// <summary>A receive that brought no bytes: EOF, nothing yet (false), or an error.</summary>
    private static bool Ended(SocketError error, out TransportEvent received)
    {
        received = error switch
        {
            SocketError.Success => TransportEvent.PeerClosed.Instance,
            SocketError.WouldBlock => null!,
            _ => new TransportEvent.Failed(new SocketException((int)error)),
        };
        return error != SocketError.WouldBlock;
    }

    /// <summary>
    /// Waits for readability without a buffer (a zero-byte receive on the socket's cached event args), then receives
    /// and tells the owner, a failure too. The continuation is one delegate made once, not an async method's state
    /// machine; readiness without bytes (a spurious wake-up) waits again.
    /// </summary>
    private void WaitThenReceive()
    {
        while (true)
        {
            ValueTask<int> wait;
            try
            {
                wait = _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
            }
            catch (Exception e)
            {
                Told(new TransportEvent.Failed(e));
                return;
            }
            if (!wait.IsCompleted)
            {
                _readable = wait;
                wait.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onReadable ??= OnReadable);
                return;
            }
            if (Readable(wait)) return;
        }
    }

    private void OnReadable()
    {
        var wait = _readable;
        _readable = default;
        if (!Readable(wait)) WaitThenReceive();
    }

    /// <summary>Consumes the completed wait; true when the owner was told (bytes, EOF or a failure).</summary>
    private bool Readable(ValueTask<int> wait)
    {
        try
        {
            // Completed: this reads its outcome (once, as a ValueTask must be), it does not wait.
            wait.GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            Told(new TransportEvent.Failed(e));
            return true;
        }
        if (!TryReceive(out var received)) return false;
        Told(received);
        return true;
    }

    private void Told(TransportEvent received)
    {
        Volatile.Write(ref _waiting, 0);
        _owner.Tell(received);
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
