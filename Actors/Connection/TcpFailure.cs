namespace ActorTcp.Actors.Connection;

/// <summary>Why a connection or one of its handlers failed: what callers decide on, never the error text.</summary>
public enum TcpFailureReason
{
    /// <summary>A timer expired (<see cref="TcpErrors.IoTimeout"/>, or <see cref="TcpErrors.SslTimedOut"/> once TLS is on).</summary>
    Timeout,
    /// <summary>The name did not resolve.</summary>
    Dns,
    /// <summary>No connection could be made (refused, unreachable, a unix socket that is not there).</summary>
    Connect,
    /// <summary>The peer ended the stream before the read was satisfied.</summary>
    PeerClosed,
    /// <summary>A read or write failed with a socket error (reset, broken pipe).</summary>
    SocketError,
    /// <summary>Non-fatal: a read or write reached the head after the stream ended.</summary>
    AfterEnd,
    /// <summary>The TLS layer failed: handshake, verification, a bad record, plaintext injected after STARTTLS.</summary>
    Tls,
    /// <summary>One of ActorTcp's limits (<c>actortcp.limits.*</c>).</summary>
    Limit,
    /// <summary>The connection actor stopped without finishing (a crash or a stop from outside).</summary>
    Stopped,
}

/// <summary>A failure: its <see cref="Reason"/> for code and rspamd's <see cref="Text"/> for plugins.</summary>
public readonly record struct TcpFailure(TcpFailureReason Reason, string Text)
{
    /// <summary>Whether a timer expired.</summary>
    public bool IsTimeout => Reason == TcpFailureReason.Timeout;

    /// <summary>The timeout of a plain connection, or of a TLS one (rspamd's TLS layer owns the timer once TLS is on).</summary>
    public static TcpFailure Timeout(bool tls) => new(TcpFailureReason.Timeout, tls ? TcpErrors.SslTimedOut : TcpErrors.IoTimeout);

    /// <summary>The peer's EOF met a read that needed more bytes.</summary>
    public static TcpFailure Terminated { get; } = new(TcpFailureReason.PeerClosed, TcpErrors.ConnectionTerminated);

    /// <summary>A limit was exceeded.</summary>
    public static TcpFailure Limit(string text) => new(TcpFailureReason.Limit, text);

    /// <summary>A TLS failure.</summary>
    public static TcpFailure Tls(string text) => new(TcpFailureReason.Tls, text);

    /// <inheritdoc/>
    public override string ToString() => Text;
}
