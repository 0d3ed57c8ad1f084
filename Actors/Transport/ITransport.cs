namespace ActorTcp.Actors.Transport;

/// <summary>
/// The socket under one connection actor, driven only from that actor. Results come back to the actor as messages:
/// Akka.IO's own events for TCP, <see cref="TransportEvent"/>s for unix sockets.
/// </summary>
internal interface ITransport
{
    /// <summary>Sends a chunk; one acknowledgement arrives when the socket accepted it. The memory must not change.</summary>
    void Write(ReadOnlyMemory<byte> chunk);

    /// <summary>Asks for one chunk of received bytes (or EOF, or an error).</summary>
    void RequestRead();

    /// <summary>Half-closes the sending side (FIN) after every acknowledged write.</summary>
    void ShutdownOutput();

    /// <summary>Closes the socket.</summary>
    void Close();
}

/// <summary>Events of a transport that is not Akka.IO, delivered to the owning actor.</summary>
internal abstract record TransportEvent
{
    /// <summary>
    /// Bytes received. <paramref name="Lease"/>: the pooled array <paramref name="Data"/> lies in; the receiver gives
    /// it back to <see cref="System.Buffers.ArrayPool{T}.Shared"/> once nothing reads it (or drops it to the GC).
    /// </summary>
    public sealed record Received(ReadOnlyMemory<byte> Data, byte[]? Lease = null) : TransportEvent;

    /// <summary>One written chunk was accepted by the socket.</summary>
    public sealed record WriteAcked : TransportEvent
    {
        public static readonly WriteAcked Instance = new();
    }

    /// <summary>The peer closed its sending side (EOF).</summary>
    public sealed record PeerClosed : TransportEvent
    {
        public static readonly PeerClosed Instance = new();
    }

    /// <summary>The connection is established.</summary>
    public sealed record Connected : TransportEvent
    {
        public static readonly Connected Instance = new();
    }

    /// <summary>A socket operation failed; <paramref name="Cause"/> holds the socket error.</summary>
    public sealed record Failed(Exception Cause, bool WhileConnecting) : TransportEvent;
}
