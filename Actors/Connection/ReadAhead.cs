using System.Buffers;

namespace ActorTcp.Actors.Connection;

/// <summary>What a read made ahead met: the peer's EOF (<paramref name="SocketError"/> null) or a socket error.</summary>
internal readonly record struct HeldEnd(string? SocketError)
{
    /// <summary>The failure of the read that meets it.</summary>
    public TcpFailure ReadFailure => SocketError is null
        ? TcpFailure.Terminated
        : new TcpFailure(TcpFailureReason.SocketError, TcpErrors.ReadError(SocketError));
}

/// <summary>
/// Reads the head handler did not ask for yet, and what they bring. Two kinds: while a partial batch's callbacks run, a
/// streaming connection reads the next bytes (so the socket, the actor and the Lua host work at once, not in turn);
/// while a long write is sent, a connection with a read queued behind it keeps reading (full duplex: a peer that echoes
/// or answers early is never stuck behind our write). The end of the stream or an error such a read meets is held until
/// the bytes before it were handed on: a read made when the head asked, as rspamd makes it, would only then have met it.
/// Also keeps the pooled receive buffers of a streaming connection and the last delivery, until nothing reads them.
/// </summary>
internal sealed class ReadAhead(bool streams)
{
    // Made on the first leased read: a streaming connection's socket reads and TLS plaintext reads are leased.
    private ReadLeases? _leases;

    /// <summary>Whether this connection streams batches (reads run ahead of the callbacks and keep pooled buffers).</summary>
    public bool Streams => streams;

    /// <summary>The pending socket read was made ahead of the head's need.</summary>
    public bool Reading { get; private set; }

    /// <summary>What a read ahead met, waiting for the bytes before it to be handed on.</summary>
    public HeldEnd? Held { get; private set; }

    /// <summary>The data of the last delivery, until its turn ends: a batch stopped early is given back from it.</summary>
    public ReadOnlyMemory<byte> Delivered { get; set; }

    /// <summary>A read ahead was asked of the transport.</summary>
    public void Started() => Reading = true;

    /// <summary>The pending read came back, or no longer counts (the transport changed).</summary>
    public void Stopped() => Reading = false;

    /// <summary>Holds what a read ahead met.</summary>
    public void Hold(HeldEnd end)
    {
        Reading = false;
        Held = end;
    }

    /// <summary>Takes the held end, if any.</summary>
    public HeldEnd? TakeHeld()
    {
        var held = Held;
        Held = null;
        return held;
    }

    /// <summary>Whether what a read ahead met must wait: a callback runs, a write is sent, or bytes before it wait.</summary>
    public bool MustHold(bool peerClosed, bool writing, bool inTurn, bool bufferEmpty)
    {
        if (!Reading) return false;
        // An error while a write is in flight is that write's error; the peer's EOF does not concern a write.
        if (writing) return peerClosed;
        return inTurn || !bufferEmpty;
    }

    /// <summary>
    /// Bytes received into a pooled buffer (a streaming connection's socket reads, and every TLS plaintext read): kept
    /// until its bytes were handed on (no copy); ciphertext (<paramref name="tls"/>) is copied out, as the TLS layer
    /// keeps what it is given.
    /// </summary>
    public ReadOnlyMemory<byte> Adopt(ReadOnlyMemory<byte> data, byte[]? lease, bool tls)
    {
        if (lease is null) return data;
        if (!tls)
        {
            (_leases ??= new ReadLeases()).Hold(lease);
            return data;
        }
        var copy = data.ToArray();
        ArrayPool<byte>.Shared.Return(lease);
        return copy;
    }

    /// <summary>Gives back the pooled buffers neither <paramref name="buffer"/> nor a running turn reads any more.</summary>
    public void ReleaseIdle(ReadBuffer buffer, bool inTurn)
    {
        if (_leases is { Count: > 0 } leases) leases.ReleaseUnused(buffer, inTurn ? Delivered : default);
    }

    /// <summary>The connection ends: the buffers go back, but for the one a running turn may still copy from.</summary>
    public void ReleaseAll(bool inTurn) => _leases?.ReleaseAll(inTurn ? Delivered : default);
}
