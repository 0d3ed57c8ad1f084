using Akka.Actor;
using Akka.Event;

namespace ActorTcp.Actors.Transport;

/// <summary>
/// What the TLS layer's tasks (SslStream, <see cref="CipherStream"/>) tell their connection actor. The actor hands
/// each one to <see cref="TlsTransport.Handle"/>; none of them is for anyone else. A signal that reaches an actor that
/// already stopped is dropped without a dead-letter log line.
/// </summary>
internal abstract record TlsSignal : IDeadLetterSuppression, INoSerializationVerificationNeeded
{
    /// <summary>SslStream waits for ciphertext and none is buffered: read the socket.</summary>
    public sealed record NeedInput : TlsSignal
    {
        public static readonly NeedInput Instance = new();
    }

    /// <summary>Ciphertext SslStream wrote; <see cref="Done"/> completes once the socket transport took it.</summary>
    public sealed record CipherOut(byte[] Data, TaskCompletionSource Done) : TlsSignal
    {
        /// <inheritdoc/>
        public override string ToString() => $"CipherOut({Data.Length} B)";
    }

    /// <summary>The handshake succeeded.</summary>
    public sealed record HandshakeCompleted : TlsSignal
    {
        public static readonly HandshakeCompleted Instance = new();
    }

    /// <summary>The handshake failed; <see cref="Rejection"/> is the verification error when the certificate was refused.</summary>
    public sealed record HandshakeFailed(Exception Cause, string? Rejection) : TlsSignal;

    /// <summary>
    /// A plaintext read completed with <see cref="Count"/> bytes in <see cref="Buffer"/> (0: EOF), a buffer rented from
    /// the shared pool: whoever handles the signal returns it, or holds it as a lease until its bytes are consumed.
    /// </summary>
    public sealed record PlainRead(byte[] Buffer, int Count) : TlsSignal
    {
        /// <inheritdoc/>
        public override string ToString() => $"PlainRead({Count} B)";
    }

    /// <summary>A plaintext read failed.</summary>
    public sealed record PlainReadFailed(Exception Cause) : TlsSignal;

    /// <summary>A plaintext chunk was encrypted and its ciphertext taken by the socket transport.</summary>
    public sealed record PlainWritten : TlsSignal
    {
        public static readonly PlainWritten Instance = new();
    }

    /// <summary>close_notify was written.</summary>
    public sealed record CloseNotifyWritten : TlsSignal
    {
        public static readonly CloseNotifyWritten Instance = new();
    }

    /// <summary>A plaintext write or the close_notify failed.</summary>
    public sealed record PlainWriteFailed(Exception Cause) : TlsSignal;
}

/// <summary>What a <see cref="TlsSignal"/> means for the connection, as <see cref="TlsTransport.Handle"/> reports it.</summary>
internal enum TlsOutcomeKind
{
    /// <summary>Nothing for the handler queue.</summary>
    None,
    /// <summary>The handshake succeeded.</summary>
    HandshakeDone,
    /// <summary>Plaintext arrived (<see cref="TlsOutcome.Data"/>).</summary>
    Received,
    /// <summary>One plaintext chunk given to <see cref="TlsTransport.Write"/> was accepted.</summary>
    WriteAcked,
    /// <summary>The peer ended the stream (close_notify or EOF).</summary>
    Eof,
    /// <summary>The TLS layer failed; <see cref="TlsOutcome.Error"/> is the fatal error text.</summary>
    Failed,
}

/// <summary>The result of handling one <see cref="TlsSignal"/>.</summary>
internal readonly record struct TlsOutcome(TlsOutcomeKind Kind, ReadOnlyMemory<byte> Data = default, string? Error = null,
    byte[]? Lease = null)
{
    public static readonly TlsOutcome None = new(TlsOutcomeKind.None);
}
