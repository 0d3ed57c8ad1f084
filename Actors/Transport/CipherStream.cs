using Akka.Actor;

namespace ActorTcp.Actors.Transport;

/// <summary>
/// The stream an <see cref="System.Net.Security.SslStream"/> runs over, bridging it to its connection actor: ciphertext
/// the actor received from the socket is <see cref="Feed"/>-ed in, and what SslStream writes goes to the actor as
/// <see cref="TlsSignal.CipherOut"/>. Asynchronous only; nothing here blocks a thread.
/// </summary>
/// <remarks>
/// Pull mode: when SslStream reads and nothing is buffered, the stream tells the actor (<see cref="TlsSignal.NeedInput"/>),
/// which then asks the socket for one chunk. So ciphertext is read from the socket only when TLS needs it (a handshake
/// or a plaintext read the handler queue asked for), and at most one received chunk is buffered here.
/// A write completes when the actor has handed the bytes to the socket within its in-flight window, which bounds the
/// ciphertext waiting for the socket. A zero-byte read (.NET's SslStream issues them before renting its buffer)
/// waits for data like any read and then returns 0 without consuming it: never EOF, never parked forever (the
/// DotNetty MediationStream bug, Azure/DotNetty#616).
/// Built by hand rather than over System.IO.Pipelines because a Pipe tells neither when its reader waits (the pull
/// signal) nor when the socket took the bytes (the write acknowledgement).
/// </remarks>
internal sealed class CipherStream(IActorRef owner) : Stream
{
    private readonly Lock _gate = new();
    private ReadOnlyMemory<byte> _inbound;
    private PendingRead? _read;
    private bool _eof;
    private Exception? _fault;

    private sealed class PendingRead(Memory<byte> buffer)
    {
        public Memory<byte> Buffer { get; } = buffer;
        public TaskCompletionSource<int> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Whether a read waits for ciphertext that is not there yet (the actor should read the socket).</summary>
    public bool WantsInput
    {
        get
        {
            lock (_gate) return _read is not null && _inbound.IsEmpty && !_eof && _fault is null;
        }
    }

    /// <summary>Ciphertext from the socket (actor thread). The memory must not change afterwards.</summary>
    public void Feed(ReadOnlyMemory<byte> data)
    {
        if (data.IsEmpty) return;
        PendingRead? completed = null;
        int count = 0;
        lock (_gate)
        {
            if (_fault is not null) return;
            if (_inbound.IsEmpty) _inbound = data;
            else
            {
                var joined = new byte[_inbound.Length + data.Length];
                _inbound.Span.CopyTo(joined);
                data.Span.CopyTo(joined.AsSpan(_inbound.Length));
                _inbound = joined;
            }
            if (_read is not null)
            {
                completed = _read;
                _read = null;
                count = Take(completed.Buffer.Span);
            }
        }
        completed?.Done.TrySetResult(count);
    }

    /// <summary>The socket reached EOF (actor thread): reads return 0 once the buffered bytes are consumed.</summary>
    public void FeedEof()
    {
        PendingRead? completed;
        lock (_gate)
        {
            _eof = true;
            completed = _read;
            _read = null;
        }
        completed?.Done.TrySetResult(0);
    }

    /// <summary>The connection is gone (actor thread): the pending read and every later call fail with <paramref name="cause"/>.</summary>
    public void Abort(Exception cause)
    {
        PendingRead? failed;
        lock (_gate)
        {
            _fault ??= cause;
            failed = _read;
            _read = null;
            _inbound = default;
        }
        failed?.Done.TrySetException(cause);
    }

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        PendingRead read;
        lock (_gate)
        {
            if (_fault is not null) return ValueTask.FromException<int>(_fault);
            if (!_inbound.IsEmpty) return ValueTask.FromResult(Take(buffer.Span));
            if (_eof) return ValueTask.FromResult(0);
            if (_read is not null) return ValueTask.FromException<int>(new InvalidOperationException("concurrent reads on the TLS cipher stream"));
            read = _read = new PendingRead(buffer);
        }
        if (cancellationToken.CanBeCanceled)
            cancellationToken.Register(() => Cancel(read, cancellationToken));
        owner.Tell(TlsSignal.NeedInput.Instance);
        return new ValueTask<int>(read.Done.Task);
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_fault is not null) return ValueTask.FromException(_fault);
        }
        if (buffer.IsEmpty) return ValueTask.CompletedTask;
        // SslStream reuses its buffer once the write completes: the actor gets a copy.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        owner.Tell(new TlsSignal.CipherOut(buffer.ToArray(), done));
        return new ValueTask(done.Task);
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public override void Flush() { }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    // Blocking I/O is never used: SslStream is driven only through its asynchronous methods.

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("asynchronous reads only");

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("asynchronous writes only");

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) Abort(new ObjectDisposedException(nameof(CipherStream)));
        base.Dispose(disposing);
    }

    /// <summary>Copies buffered bytes into <paramref name="destination"/> (none for a zero-byte read); under the lock.</summary>
    private int Take(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, _inbound.Length);
        _inbound.Span[..n].CopyTo(destination);
        _inbound = _inbound[n..];
        return n;
    }

    private void Cancel(PendingRead read, CancellationToken token)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_read, read)) return;
            _read = null;
        }
        read.Done.TrySetCanceled(token);
    }
}
