using ActorTcp.Actors.Dns;
using Akka.Actor;

namespace ActorTcp.LuaApi.Modules;

/// <summary>
/// The Lua side of one rspamd_tcp connection: its actor, and every Lua reference it holds (callbacks, the conn
/// object), all released when the connection ends.
/// </summary>
internal sealed class LuaConnection(long id, string host, int port) : ISyncWait
{
    /// <summary>The request id the connection actor reports with.</summary>
    public long Id { get; } = id;

    /// <summary>
    /// What <c>tostring(conn)</c> shows inside <c>rspamd{tcp}(...)</c>: made when asked, as a string kept per connection
    /// cost every idle connection ~50 bytes (BENCHMARKS.md W4).
    /// </summary>
    public string Display => HostAddress.IsUnixPath(host) ? host : $"{host}:{port}";

    /// <summary>The connection actor, once it reported <c>ConnectionStarted</c>.</summary>
    public IActorRef? Actor { get; set; }

    /// <summary>Registry references of handler callbacks, by handler id. A field: the struct is updated in place.</summary>
    public CallbackReferences Callbacks;

    /// <summary>Registry reference of <c>on_connect</c>, or 0.</summary>
    public int OnConnect { get; set; }

    /// <summary>Registry reference of <c>on_error</c>, or 0.</summary>
    public int OnError { get; set; }

    /// <summary>Registry reference of the conn userdata, or 0 until first pushed.</summary>
    public int ConnObject { get; set; }

    /// <summary>Whether every chunk streams to the head read (the request's <c>partial</c>).</summary>
    public bool Partial { get; init; }

    /// <summary>Commands sent to the actor so far (a batch of partial chunks stops at the first one a callback sends).</summary>
    public int Commands { get; set; }

    /// <summary>The handler whose callback is running, for <c>shift_callback</c>; null outside callbacks.</summary>
    public long? Running { get; set; }

    /// <summary>
    /// One of this connection's own turns is running: its callback, or (<c>connect_sync</c>) its coroutine resumed by its
    /// completion; not a coroutine resumed by another connection's.
    /// </summary>
    public bool InCallback { get; set; }

    /// <summary>
    /// The first handler that callback added, held to go with the turn's end in one message
    /// (<see cref="Actors.Connection.AddHandler.EndsTurn"/>); any other command to the actor sends it first.
    /// </summary>
    public Actors.Connection.HandlerSpec? HeldHandler { get; set; }

    /// <summary>TLS is on or requested (<c>ssl = true</c>, or <c>starttls()</c> was called): a second starttls is refused.</summary>
    public bool Tls { get; set; }

    /// <summary><c>close()</c> was called: no command and no further turn goes to the actor.</summary>
    public bool Closing { get; set; }

    /// <summary>The session that owns the connection (null only for code run outside any session).</summary>
    public Sessions.LuaSession? Session { get; init; }

    /// <summary>Its session was destroyed: no callback runs any more; the actor is closed and the entry dropped at its end.</summary>
    public bool Abandoned { get; set; }

    /// <summary>The upstream the request was made with (<c>upstream = u</c>), told of the request's outcome once; null without.</summary>
    public Actors.Upstreams.UpstreamMember? Upstream { get; init; }

    /// <summary>The request's outcome was told to its upstream (ok or fail, once).</summary>
    public bool UpstreamReported { get; set; }

    /// <summary>A <c>connect_sync</c> connection (<c>rspamd{tcp_sync}</c>).</summary>
    public bool Sync { get; init; }

    /// <summary>Sync: the coroutine suspended in an operation on this connection.</summary>
    public Coroutine? Waiting { get; set; }

    /// <summary>Sync: the operation it waits for.</summary>
    public SyncOperation Operation { get; set; }

    /// <summary>Sync: a read ended at EOF or failed (rspamd's <c>eof()</c>; never reset).</summary>
    public bool Eof { get; set; }

    /// <summary>
    /// Sync: <paramref name="co"/> stopped waiting here without being resumed (its run was stopped by the instruction
    /// budget right after registering, or its session was destroyed), so the completion resumes nothing.
    /// </summary>
    public void Forget(Coroutine co)
    {
        if (Waiting != co) return;
        Waiting = null;
        Operation = SyncOperation.None;
    }
}

/// <summary>What a coroutine suspended on a sync connection waits for.</summary>
internal enum SyncOperation { None, Connect, Read, Write, StartTls }
