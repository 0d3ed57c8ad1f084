namespace ActorTcp.Actors.Connection;

/// <summary>
/// The status bits of an open connection that its receive state does not say. Legal combinations: <see cref="Handshaking"/>
/// implies <see cref="TlsOn"/>; <see cref="ReadPending"/> never with <see cref="Eof"/> set by the socket's end;
/// <see cref="Failed"/> and <see cref="Finished"/> end every socket activity (the socket is closed).
/// </summary>
[Flags]
internal enum ConnectionStatus
{
    None = 0,
    /// <summary>rspamd's established point (after the handshake for <c>ssl = true</c>): errors go to handlers, not on_error.</summary>
    Established = 1 << 0,
    /// <summary>The stream ended: later reads and writes get rspamd's non-fatal EOF errors.</summary>
    Eof = 1 << 1,
    /// <summary>A read was asked of the transport and has not come back.</summary>
    ReadPending = 1 << 2,
    /// <summary>A completion's callback runs: the plan step waits for <see cref="CallbackReturned"/>.</summary>
    InTurn = 1 << 3,
    /// <summary>TLS was started: timeouts become rspamd's TLS timeout, socket errors TLS syscall errors.</summary>
    TlsOn = 1 << 4,
    /// <summary>A TLS handshake runs.</summary>
    Handshaking = 1 << 5,
    /// <summary>A fatal error closed the socket; the handlers are hearing it (the Failing state).</summary>
    Failed = 1 << 6,
    /// <summary>The caller was told <see cref="ConnectionClosed"/>; nothing is left to do.</summary>
    Finished = 1 << 7,
}
