using System.Collections.Concurrent;

namespace ActorTcp.Actors.Connection;

/// <summary>
/// One handler of rspamd_tcp's queue, as a caller describes it. <see cref="HandlerId"/> is the caller's name for it:
/// every completion carries it back. A handler without callback runs silently (rspamd's <c>add_read(nil)</c> and the
/// implicit write of <c>request{data=...}</c>).
/// </summary>
public abstract record HandlerSpec(long HandlerId, bool HasCallback);

/// <summary>A read: up to and excluding <see cref="StopPattern"/> when it is not empty, else one chunk.</summary>
public sealed record ReadSpec(long HandlerId, bool HasCallback, ReadOnlyMemory<byte> StopPattern = default)
    : HandlerSpec(HandlerId, HasCallback)
{
    /// <inheritdoc/>
    public override string ToString() => $"Read(id: {HandlerId}, callback: {HasCallback}, pattern: {StopPattern.Length} B)";
}

/// <summary>A write of every byte of <see cref="Data"/>, pieces in order. The memory must not change afterwards.</summary>
public sealed record WriteSpec(long HandlerId, bool HasCallback, IReadOnlyList<ReadOnlyMemory<byte>> Data)
    : HandlerSpec(HandlerId, HasCallback)
{
    /// <summary>Total bytes of all pieces.</summary>
    public long Length { get; } = TotalLength(Data);

    private static long TotalLength(IReadOnlyList<ReadOnlyMemory<byte>> pieces)
    {
        // A loop, not LINQ's Sum over the interface: no enumerator per write.
        var total = 0L;
        for (var i = 0; i < pieces.Count; i++) total += pieces[i].Length;
        return total;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Write(id: {HandlerId}, callback: {HasCallback}, {Length} B in {Data.Count} pieces)";
}

/// <summary>
/// An upgrade of the connection to TLS, queued like a read or a write (tcp_sync's <c>starttls()</c>): when it reaches
/// the head the handshake runs, and its completion is <see cref="TlsStarted"/> (or a non-fatal <see cref="HandlerFailed"/>
/// on a sync connection). Plaintext still buffered then is an error (<see cref="TcpErrors.SslPlaintextAfterStartTls"/>).
/// </summary>
public sealed record StartTlsSpec(long HandlerId, bool HasCallback, bool NoVerify) : HandlerSpec(HandlerId, HasCallback)
{
    /// <inheritdoc/>
    public override string ToString() => $"StartTls(id: {HandlerId}, callback: {HasCallback}, no_verify: {NoVerify})";
}

/// <summary>
/// TLS on a connection (rspamd's <c>ssl</c>, <c>ssl_noverify</c>, <c>starttls([no_verify])</c>). Verification is on unless
/// <see cref="NoVerify"/>: the chain must end at a root of the system store or of <c>actortcp.tls.ca-file</c>, and the
/// certificate must name <see cref="ServerName"/> (a DNS name, with SNI) or, for an IP literal, carry it as an IP SAN.
/// </summary>
/// <param name="NoVerify">Accept any certificate.</param>
/// <param name="ServerName">The name to send as SNI and to verify; null means the request's host.</param>
public sealed record TlsOptions(bool NoVerify = false, string? ServerName = null);

/// <summary>
/// Timeouts of one request, as rspamd_tcp's <c>timeout</c>, <c>connect_timeout</c>, <c>read_timeout</c> and
/// <c>write_timeout</c>. <see cref="Budget"/> null means the configured default; zero or negative means no timer.
/// When any phase value is positive the connection uses per-phase timers and an unset phase falls back to the budget
/// value (rspamd HEAD); otherwise the budget is one allowance for the connection's whole life, spent only while
/// waiting for the network.
/// </summary>
public sealed record ConnectionTimeouts(
    TimeSpan? Budget = null, TimeSpan? Connect = null, TimeSpan? Read = null, TimeSpan? Write = null)
{
    // Shared budgets: a few hundred distinct values at most, past which a request gets timeouts of its own.
    private const int MaxSharedBudgets = 256;
    private static readonly ConcurrentDictionary<TimeSpan, ConnectionTimeouts> SharedBudgets = new();
    // Counted apart: ConcurrentDictionary.Count takes every lock of the table.
    private static int _sharedBudgetCount;

    /// <summary>The configured default budget, no phases.</summary>
    public static ConnectionTimeouts Default { get; } = new();

    /// <summary>
    /// A budget alone (null: the configured default), shared by every request of the same value: plugins give one of a
    /// few, and timeouts of its own cost every idle connection 80 bytes (BENCHMARKS.md, W4).
    /// </summary>
    public static ConnectionTimeouts OfBudget(TimeSpan? budget)
    {
        if (budget is not { } value) return Default;
        if (SharedBudgets.TryGetValue(value, out var shared)) return shared;
        var timeouts = new ConnectionTimeouts(value);
        if (Volatile.Read(ref _sharedBudgetCount) >= MaxSharedBudgets) return timeouts;
        if (SharedBudgets.TryAdd(value, timeouts)) Interlocked.Increment(ref _sharedBudgetCount);
        return SharedBudgets.TryGetValue(value, out shared) ? shared : timeouts;
    }

    /// <summary>Whether per-phase timers apply.</summary>
    public bool Phased => IsSet(Connect) || IsSet(Read) || IsSet(Write);

    internal static bool IsSet(TimeSpan? t) => t is { } v && v > TimeSpan.Zero;
}

/// <summary>
/// Everything needed to open one connection and run its handler queue (rspamd_tcp.request's parameters as data).
/// </summary>
public sealed record ConnectionRequest
{
    /// <summary>The caller's identifier for this connection, carried by every completion.</summary>
    public required long RequestId { get; init; }

    /// <summary>IP literal, unix socket path (starts with <c>/</c> or <c>.</c>), <c>localhost</c>, or a DNS name.</summary>
    public required string Host { get; init; }

    /// <summary>TCP port (ignored for unix sockets).</summary>
    public int Port { get; init; }

    /// <summary>
    /// The address to connect to when the caller chose it (an upstream's): <see cref="Host"/> is then not resolved, and
    /// only names the peer in error texts and for TLS.
    /// </summary>
    public System.Net.IPAddress? Address { get; init; }

    /// <summary>The initial queue after the connect marker: e.g. a write without callback then a read.</summary>
    public IReadOnlyList<HandlerSpec> Handlers { get; init; } = [];

    /// <summary>Every read streams each chunk to the head read handler (rspamd's <c>partial</c>).</summary>
    public bool Partial { get; init; }

    /// <summary>
    /// Partial mode: at most this many chunks (of <see cref="ActorTcpSettings.ReadChunkSize"/>) per
    /// <see cref="ReadCompleted"/>, for a receiver that runs one callback per chunk and says where it stopped
    /// (<see cref="Connection.PartialBatch"/>; the Lua host asks for <see cref="Connection.PartialBatch.ChunksPerDelivery"/>).
    /// 1: one chunk per turn.
    /// </summary>
    public int PartialBatch { get; init; } = 1;

    /// <summary>Half-close the sending side once, after the first completed write (rspamd's <c>shutdown</c>).</summary>
    public bool Shutdown { get; init; }

    /// <summary>Deliver <see cref="ConnectionEstablished"/> (rspamd's <c>on_connect</c>).</summary>
    public bool NotifyConnected { get; init; }

    /// <summary>
    /// Deliver errors before the connection is established only as <see cref="ConnectFailed"/> (rspamd's <c>on_error</c>),
    /// not to the queued handlers.
    /// </summary>
    public bool NotifyConnectError { get; init; }

    /// <summary>
    /// A pseudo-synchronous connection (rspamd's <c>connect_sync</c>): an empty queue does not close it; an error
    /// fails only the handler waiting, after which the connection stays at EOF (later reads and writes get rspamd's
    /// non-fatal EOF errors) except after a read timeout, which leaves it usable for a retry. It ends on
    /// <see cref="CloseConnection"/>. Requires <see cref="NotifyConnected"/> and <see cref="NotifyConnectError"/>.
    /// </summary>
    public bool Synchronous { get; init; }

    /// <summary>
    /// TLS from the start (rspamd's <c>ssl = true</c>): the handshake follows the TCP connect, bounded by the connect
    /// timeout, and the connection counts as established (<c>on_connect</c>, <c>on_error</c>) only after it. Null: plain.
    /// </summary>
    public TlsOptions? Tls { get; init; }

    /// <summary>The request's timeouts.</summary>
    public ConnectionTimeouts Timeouts { get; init; } = ConnectionTimeouts.Default;

    /// <summary>
    /// The activity the connection's own is a child of (the plugin task whose Lua code asked for it); default: none.
    /// </summary>
    public System.Diagnostics.ActivityContext TraceParent { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"ConnectionRequest(id: {RequestId}, {Host}:{Port}{(Tls is null ? "" : ", tls")}, {Handlers.Count} handlers)";
}
