using System.Net.Sockets;
using ActorTcp.Actors.Connection;

namespace ActorTcp.Actors.Metrics;

/// <summary>
/// How a connection ended, as the <c>outcome</c> tag says it: its first fatal failure's <see cref="TcpFailureReason"/>,
/// refined by the socket error the transport reported (refused, reset); <see cref="Ok"/> without one.
/// </summary>
internal enum ConnectionOutcome
{
    /// <summary>Ended without a fatal failure (its queue ran out, or the caller closed it).</summary>
    Ok,
    /// <summary>The connect was refused (every address).</summary>
    Refused,
    /// <summary>A timer expired (connect, TLS, read or write).</summary>
    Timeout,
    /// <summary>The peer reset the connection (plain or under TLS).</summary>
    Reset,
    /// <summary>The TLS layer failed: handshake, verification, a bad record.</summary>
    Tls,
    /// <summary>The name did not resolve.</summary>
    Dns,
    /// <summary>One of ActorTcp's limits (<c>actortcp.limits.*</c>).</summary>
    Limit,
    /// <summary>Its Lua session was destroyed (deadline passed, body failed) while it was open.</summary>
    SessionDestroyed,
    /// <summary>The peer ended the stream before a read was satisfied.</summary>
    PeerClosed,
    /// <summary>The connect failed otherwise (unreachable, a unix socket that is not there).</summary>
    ConnectError,
    /// <summary>A read or write failed with another socket error.</summary>
    SocketError,
    /// <summary>The connection actor stopped without finishing (a crash, a stop from outside).</summary>
    Stopped,
}

/// <summary>The <c>outcome</c> tags, made once, and the rule that turns a failure into an outcome.</summary>
internal static class ConnectionOutcomes
{
    /// <summary>The tag name.</summary>
    public const string Tag = "outcome";

    private static readonly KeyValuePair<string, object?>[] s_tags =
        Enum.GetValues<ConnectionOutcome>().Select(o => new KeyValuePair<string, object?>(Tag, Text(o))).ToArray();

    /// <summary>The tag of <paramref name="outcome"/>.</summary>
    public static KeyValuePair<string, object?> TagOf(ConnectionOutcome outcome) => s_tags[(int)outcome];

    /// <summary>The tag value: <c>ok</c>, <c>refused</c>, <c>session_destroyed</c>...</summary>
    public static string Text(ConnectionOutcome outcome) => outcome switch
    {
        ConnectionOutcome.SessionDestroyed => "session_destroyed",
        ConnectionOutcome.PeerClosed => "peer_closed",
        ConnectionOutcome.ConnectError => "connect_error",
        ConnectionOutcome.SocketError => "socket_error",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// The outcome of a connection whose first fatal failure is <paramref name="failure"/>, the transport having last
    /// reported <paramref name="socketError"/> (<see cref="System.Net.Sockets.SocketError.Success"/>: none).
    /// </summary>
    public static ConnectionOutcome Of(TcpFailure failure, SocketError socketError) => failure.Reason switch
    {
        TcpFailureReason.Timeout => ConnectionOutcome.Timeout,
        TcpFailureReason.Dns => ConnectionOutcome.Dns,
        TcpFailureReason.Connect => socketError == System.Net.Sockets.SocketError.ConnectionRefused
            ? ConnectionOutcome.Refused
            : ConnectionOutcome.ConnectError,
        // Under TLS a reset is still a reset: the TLS layer only reports the socket's failure.
        TcpFailureReason.SocketError or TcpFailureReason.Tls when socketError == System.Net.Sockets.SocketError.ConnectionReset =>
            ConnectionOutcome.Reset,
        TcpFailureReason.SocketError => ConnectionOutcome.SocketError,
        TcpFailureReason.Tls => ConnectionOutcome.Tls,
        TcpFailureReason.Limit => ConnectionOutcome.Limit,
        TcpFailureReason.Stopped => ConnectionOutcome.Stopped,
        // PeerClosed; AfterEnd is never fatal, but would mean the same.
        _ => ConnectionOutcome.PeerClosed,
    };
}
