using System.Net;
using Akka.Actor;

namespace ActorTcp.Actors.Connection;

// Commands a caller sends to a connection actor. The connection actor's reference arrives in ConnectionStarted and
// is the Sender of every completion.

/// <summary>Marker for the commands a connection actor accepts.</summary>
public interface IConnectionCommand;

/// <summary>
/// A connection actor's first message, from the manager that made it: its request, who hears of it, and an error that
/// fails it at once (the connection limit).
/// </summary>
internal sealed record BeginConnection(ConnectionRequest Request, IActorRef ReplyTo, string? InitialError);

/// <summary>
/// Appends a handler to the queue (rspamd's <c>add_read</c> / <c>add_write</c>). <paramref name="EndsTurn"/>: the
/// callback that added it has returned, so the message also stands for <see cref="CallbackReturned"/> (one message
/// instead of two for the usual callback, which adds the next handler and returns).
/// </summary>
public sealed record AddHandler(HandlerSpec Handler, bool EndsTurn = false) : IConnectionCommand;

/// <summary>
/// Removes the handler whose callback is running, if it is still queued (rspamd's <c>shift_callback</c>, fixed as
/// docs/lua-api.md says): in partial mode the next handler takes over the stream; elsewhere the running handler was
/// already removed and nothing else is.
/// </summary>
public sealed record ShiftCallback(long HandlerId) : IConnectionCommand;

/// <summary>
/// Switches a plain connection to TLS (rspamd's <c>conn:starttls([no_verify])</c>), sent from a callback: the handshake
/// runs when the next handler is due, and that handler (a write or a read) proceeds over TLS once it succeeded; a
/// failure goes to the queued handlers like any fatal error. Refused with <see cref="CommandRefused"/> when TLS is
/// already on or requested (<see cref="TcpErrors.StartTlsRefused"/>, the error Lua's <c>starttls</c> raises then). Plaintext
/// buffered beyond the server's go-ahead fails the connection (<see cref="TcpErrors.SslPlaintextAfterStartTls"/>).
/// </summary>
public sealed record StartTls(bool NoVerify) : IConnectionCommand;

/// <summary>
/// Closes the connection now; no further callback is delivered (rspamd's <c>close</c>). <see cref="Destroyed"/> says the
/// caller's session was destroyed (the connection's metrics outcome is then <c>session_destroyed</c>, not <c>ok</c>);
/// <see cref="FromTurn"/> that the close comes from the callback of the turn in progress.
/// </summary>
public sealed class CloseConnection : IConnectionCommand
{
    /// <summary>The instance: the caller is done with the connection.</summary>
    public static readonly CloseConnection Instance = new(sessionDestroyed: false, fromTurn: false);

    /// <summary>The caller's session was destroyed (its deadline passed, its body failed, its Lua host stopped).</summary>
    public static readonly CloseConnection Destroyed = new(sessionDestroyed: true, fromTurn: false);

    /// <summary>
    /// Sent by the callback of the turn in progress: the caller has read what that turn delivered, so the pooled buffer
    /// under it goes back to the pool at once. Any other close leaves a turn's buffer to the collector, as the caller
    /// may still be reading it.
    /// </summary>
    public static readonly CloseConnection FromTurn = new(sessionDestroyed: false, fromTurn: true);

    private CloseConnection(bool sessionDestroyed, bool fromTurn) => (SessionDestroyed, DeliveryRead) = (sessionDestroyed, fromTurn);

    /// <summary>Whether the close aborts the connection because the caller's session was destroyed.</summary>
    public bool SessionDestroyed { get; }

    /// <summary>Whether the caller is done reading the data of the turn in progress (<see cref="FromTurn"/>).</summary>
    public bool DeliveryRead { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        SessionDestroyed ? "CloseConnection(session destroyed)" : DeliveryRead ? "CloseConnection(from the turn)" : "CloseConnection";
}

/// <summary>Half-closes the sending side now (tcp_sync <c>shutdown()</c>); reading goes on.</summary>
public sealed class ShutdownOutput : IConnectionCommand
{
    /// <summary>The instance.</summary>
    public static readonly ShutdownOutput Instance = new();
    private ShutdownOutput() { }
    /// <inheritdoc/>
    public override string ToString() => "ShutdownOutput";
}

/// <summary>
/// The callback of the last <see cref="ICallbackTurn"/> completion has returned; commands it issued were sent before
/// this. The connection runs rspamd's plan step only then, so that handlers added by a callback are seen first and a
/// queue emptied by a callback closes the connection.
/// </summary>
public sealed class CallbackReturned : IConnectionCommand
{
    /// <summary>The instance.</summary>
    public static readonly CallbackReturned Instance = new();
    private CallbackReturned() { }
    /// <inheritdoc/>
    public override string ToString() => "CallbackReturned";
}

/// <summary>
/// The callbacks of a batched partial <see cref="ReadCompleted"/> returned, but only the first
/// <see cref="ConsumedBytes"/> bytes were handed on (a callback issued a command, so the rest must go through the
/// plan step again). Ends the turn like <see cref="CallbackReturned"/>; made by <see cref="PartialBatch.Answer"/>.
/// </summary>
public sealed record CallbackReturnedPartly(int ConsumedBytes) : IConnectionCommand;

// Completions a connection actor sends to the ReplyTo of its request.

/// <summary>Every message a connection actor sends to its caller.</summary>
public interface IConnectionEvent
{
    /// <summary>The request's <see cref="ConnectionRequest.RequestId"/>.</summary>
    long RequestId { get; }
}

/// <summary>
/// A completion that runs a callback: the connection waits for <see cref="CallbackReturned"/> before it goes on.
/// </summary>
public interface ICallbackTurn : IConnectionEvent;

/// <summary>First message of every connection: the actor to send commands to.</summary>
public sealed record ConnectionStarted(long RequestId, IActorRef Connection) : IConnectionEvent;

/// <summary>The connection is up (rspamd's <c>on_connect(conn)</c>); sent when the request asked for it.</summary>
public sealed record ConnectionEstablished(long RequestId, EndPoint Remote) : ICallbackTurn;

/// <summary>A read handler got its data (<c>(nil, data, conn)</c>); in partial mode, one chunk of the stream.</summary>
/// <remarks>
/// In partial mode <see cref="Data"/> may hold several chunks of <see cref="ChunkSize"/> bytes (the last may be
/// shorter), each meant for its own callback call: the receiver runs them in order (<see cref="PartialBatch.ChunkCount"/>,
/// <see cref="PartialBatch.Chunk"/>) and answers with <see cref="PartialBatch.Answer"/>. <see cref="ChunkSize"/> 0:
/// <see cref="Data"/> is one chunk.
/// </remarks>
public sealed record ReadCompleted(long RequestId, long HandlerId, ReadOnlyMemory<byte> Data, int ChunkSize = 0) : ICallbackTurn
{
    /// <inheritdoc/>
    public override string ToString() => $"ReadCompleted(request: {RequestId}, handler: {HandlerId}, {Data.Length} B)";
}

/// <summary>A write handler's bytes were all accepted by the socket (<c>(nil, conn)</c>).</summary>
public sealed record WriteCompleted(long RequestId, long HandlerId) : ICallbackTurn;

/// <summary>A <see cref="StartTlsSpec"/> completed: the connection now speaks TLS.</summary>
public sealed record TlsStarted(long RequestId, long HandlerId) : ICallbackTurn;

/// <summary>A handler failed (<c>(err, nil, conn)</c>). <see cref="Fatal"/>: the connection ends after the fan-out.</summary>
public sealed record HandlerFailed(long RequestId, long HandlerId, TcpFailure Failure, bool Fatal) : ICallbackTurn
{
    /// <summary>rspamd's error text.</summary>
    public string Error => Failure.Text;
}

/// <summary>
/// The connection failed before it was established and the request asked for <see cref="ConnectionRequest.NotifyConnectError"/>
/// (rspamd's <c>on_error(err, conn)</c>); no handler is told. <see cref="ConnectionClosed"/> follows.
/// </summary>
public sealed record ConnectFailed(long RequestId, TcpFailure Failure) : IConnectionEvent
{
    /// <summary>rspamd's error text.</summary>
    public string Error => Failure.Text;
}

/// <summary>A command the connection cannot carry out was refused; the connection goes on as if it had not been sent.</summary>
public sealed record CommandRefused(long RequestId, IConnectionCommand Command, string Reason) : IConnectionEvent;

/// <summary>Last message of every connection: its actor has stopped and every handler is gone.</summary>
public sealed record ConnectionClosed(long RequestId) : IConnectionEvent;
