using System.Net.Sockets;

namespace ActorTcp.Actors.Connection;

/// <summary>
/// The error texts rspamd_tcp delivers to callbacks, verbatim (docs/lua-api.md#error-strings), plus ActorTcp's
/// own limit errors. Plugins match on these strings, so they must not change.
/// </summary>
public static class TcpErrors
{
    /// <summary>A timeout expired on a plain connection.</summary>
    public const string IoTimeout = "IO timeout";

    /// <summary>EOF with nothing usable buffered, or EOF before the stop pattern.</summary>
    public const string ConnectionTerminated = "IO read error: connection terminated";

    /// <summary>Non-fatal: a read reached the head after EOF.</summary>
    public const string EofCannotRead = "EOF, cannot read more data";

    /// <summary>Non-fatal: a write reached the head after EOF.</summary>
    public const string EofCannotWrite = "EOF, cannot write more data";

    /// <summary>The connect attempt failed (rspamd reads SO_ERROR); <paramref name="reason"/> is the strerror text.</summary>
    public static string SocketError(string reason) => $"Socket error detected: {reason}";

    /// <summary>A read failed with a socket error.</summary>
    public static string ReadError(string reason) => $"IO read error while trying to read data: {reason}";

    /// <summary>A write failed with a socket error. rspamd always prints 0 bytes (a leftover loop variable); kept for compatibility.</summary>
    public static string WriteError(string reason) => $"IO write error while trying to write 0 bytes: {reason}";

    /// <summary>The DNS reply was not NOERROR (NXDOMAIN, SERVFAIL, timeout).</summary>
    public static string UnableToResolve(string host) => $"unable to resolve host: {host}";

    /// <summary>
    /// The DNS reply was NOERROR and held records of the asked type, none of them usable. A NOERROR reply with no record
    /// of the asked type (no data, or only a CNAME) is <see cref="UnableToResolve"/> instead, as rspamd's DNS library
    /// reports it as "record not found"; so address lookups never give this text, and SRV lookups give it when every
    /// target is <c>.</c>.
    /// </summary>
    public static string NoRecords(string host) => $"unable to resolve host: {host}; no records with this name";

    /// <summary>connect() failed for an IP literal or a unix socket path.</summary>
    public static string CannotConnect(string host) => $"cannot connect to the host: {host}";

    // ---- TLS (docs/lua-api.md#tls) -------------------------------------------------------------------------------
    // Every TLS error begins "ssl error: ", as rspamd's do. rspamd's inner texts carry OpenSSL error codes
    // ("ssl connect error: ssl error: error:0A000086:SSL routines::certificate verify failed"); ours keep rspamd's
    // words (plugins match "certificate verify failed", the hostname and timeout texts are verbatim) with .NET's detail.

    /// <summary>
    /// A timer expired on a TLS connection, during the handshake or later (rspamd: the TLS layer owns the timer, so
    /// this replaces <see cref="IoTimeout"/>). Verbatim rspamd.
    /// </summary>
    public const string SslTimedOut = "ssl error: ssl connection timed out";

    /// <summary>The server sent no certificate.</summary>
    public const string SslPeerCertificateAbsent = "ssl error: peer certificate is absent";

    /// <summary>
    /// The server's chain does not end at a trusted root (system store, nor <c>actortcp.tls.ca-file</c>);
    /// <paramref name="detail"/> is the chain status, e.g. "unable to get local issuer certificate".
    /// </summary>
    public static string SslCertificateVerifyFailed(string detail) =>
        $"ssl error: ssl connect error: certificate verify failed: {detail}";

    /// <summary>The certificate is trusted but names neither <paramref name="host"/> nor its IP. Verbatim rspamd.</summary>
    public static string SslHostnameMismatch(string host) => $"ssl error: peer certificate fails hostname verification for {host}";

    /// <summary>The handshake failed otherwise (a plain-text server, a protocol or cipher mismatch, EOF mid-handshake).</summary>
    public static string SslHandshakeFailed(string reason) => $"ssl error: ssl connect error: handshake failed: {reason}";

    /// <summary>
    /// The socket under TLS failed (rspamd's "syscall fail"); <paramref name="stage"/> is <c>connect</c> (handshake),
    /// <c>read</c> or <c>write</c>, <paramref name="reason"/> the strerror text.
    /// </summary>
    public static string SslSyscallFailed(string stage, string reason) => $"ssl error: ssl {stage} error: syscall fail: {reason}";

    /// <summary>The TLS layer rejected the data stream after the handshake (a bad record, an alert).</summary>
    public static string SslStreamError(string stage, string reason) => $"ssl error: ssl {stage} error: {reason}";

    /// <summary>A second <c>starttls</c> (TLS is on or already requested): rspamd raises this from <c>conn:starttls()</c>.</summary>
    public const string StartTlsRefused = "invalid arguments";

    /// <summary>
    /// STARTTLS: plaintext was buffered beyond the server's go-ahead when the handshake was due. It is a response
    /// injection (libetpan#386, CVE-2011-0411): the bytes are dropped, never given to TLS or to Lua, and the connection fails.
    /// </summary>
    public static string SslPlaintextAfterStartTls(int bytes) =>
        $"ssl error: {bytes} bytes of plaintext followed the STARTTLS go-ahead (response injection?); connection dropped";

    /// <summary>ActorTcp limit: too many connections open through one manager.</summary>
    public static string TooManyConnections(int limit) =>
        $"cannot connect: too many open connections (actortcp.limits.max-connections = {limit})";

    /// <summary>ActorTcp limit: a stop pattern did not arrive within the read buffer limit.</summary>
    public static string ReadBufferLimit(long limit) =>
        $"IO read error: stop pattern not found within {limit} bytes (actortcp.limits.max-read-buffer)";

    /// <summary>ActorTcp limit: too many handlers queued on one connection.</summary>
    public static string TooManyHandlers(int limit) =>
        $"too many queued handlers on one connection (actortcp.limits.max-queued-handlers = {limit})";

    /// <summary>ActorTcp limit: too many bytes queued for writing on one connection.</summary>
    public static string TooManyWriteBytes(long limit) =>
        $"too many bytes queued for writing on one connection (actortcp.limits.max-queued-write-bytes = {limit})";

    /// <summary>The connection actor stopped without finishing (a crash or a forced stop).</summary>
    public static string ActorStopped(string reason) => $"IO error: connection actor stopped: {reason}";

    /// <summary>
    /// The Linux strerror text for a socket error, as rspamd prints it (e.g. "Connection refused").
    /// </summary>
    public static string StrError(SocketError error) => error switch
    {
        System.Net.Sockets.SocketError.ConnectionRefused => "Connection refused",
        System.Net.Sockets.SocketError.ConnectionReset => "Connection reset by peer",
        System.Net.Sockets.SocketError.ConnectionAborted => "Software caused connection abort",
        System.Net.Sockets.SocketError.TimedOut => "Connection timed out",
        System.Net.Sockets.SocketError.HostUnreachable => "No route to host",
        System.Net.Sockets.SocketError.NetworkUnreachable => "Network is unreachable",
        System.Net.Sockets.SocketError.NetworkDown => "Network is down",
        System.Net.Sockets.SocketError.AddressNotAvailable => "Cannot assign requested address",
        System.Net.Sockets.SocketError.AddressAlreadyInUse => "Address already in use",
        System.Net.Sockets.SocketError.AccessDenied => "Permission denied",
        System.Net.Sockets.SocketError.Shutdown => "Broken pipe",
        System.Net.Sockets.SocketError.NotConnected => "Transport endpoint is not connected",
        System.Net.Sockets.SocketError.AddressFamilyNotSupported => "Address family not supported by protocol",
        System.Net.Sockets.SocketError.TooManyOpenSockets => "Too many open files",
        System.Net.Sockets.SocketError.NoBufferSpaceAvailable => "No buffer space available",
        System.Net.Sockets.SocketError.OperationAborted => "Operation canceled",
        _ => error.ToString(),
    };

    /// <summary>The strerror text for an exception raised by a socket operation (the first SocketException in its chain).</summary>
    public static string StrError(Exception? cause) =>
        SocketErrorOf(cause) is { } error ? StrError(error) : cause?.Message ?? "unknown error";

    /// <summary>The socket error of the first SocketException in <paramref name="cause"/>'s chain; null without one.</summary>
    public static SocketError? SocketErrorOf(Exception? cause)
    {
        for (var e = cause; e is not null; e = e.InnerException)
            if (e is SocketException se) return se.SocketErrorCode;
        return null;
    }
}
