namespace ActorTcp.Actors.Transport;

/// <summary>
/// A byte stream under one connection actor, driven only from that actor: the socket (<see cref="ISocketTransport"/>)
/// or TLS over it (<see cref="TlsTransport"/>). Results come back to the actor as messages.
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

/// <summary>
/// The socket: <see cref="SocketTransport"/>, or Akka.IO's connection actor behind <see cref="AkkaIoTransport"/>. Its
/// messages to the owner become <see cref="TransportEvent"/>s through <see cref="TryTranslate"/>, so the actor handles
/// one set of events whichever transport is configured.
/// </summary>
internal interface ISocketTransport : ITransport
{
    /// <summary>
    /// The event <paramref name="message"/> (received by the owner) stands for: false when the message is not this
    /// transport's; true with a null event when it is, but means nothing for the stream.
    /// </summary>
    bool TryTranslate(object message, out TransportEvent? transportEvent);
}

/// <summary>
/// What happened to a socket, as the connection actor sees it whatever the transport. One that reaches an actor that
/// already stopped (a closed socket's last report) is dropped without a dead-letter log line.
/// </summary>
internal abstract record TransportEvent : Akka.Event.IDeadLetterSuppression
{
    /// <summary>Whether <paramref name="message"/> comes from a socket transport (late ones arrive after a close).</summary>
    public static bool IsSocketMessage(object message) => message is TransportEvent or Akka.IO.Tcp.Event or Akka.Actor.Terminated;

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
    public sealed record Failed(Exception Cause) : TransportEvent;
}
