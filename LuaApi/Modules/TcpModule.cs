using ActorTcp.Actors;
using ActorTcp.Actors.Connection;
using ActorTcp.Actors.Dns;
using ActorTcp.Actors.Upstreams;
using ActorTcp.LuaApi.Upstreams;
using Akka.Actor;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Modules;

/// <summary>
/// <c>rspamd_tcp</c>: <c>request</c> (alias <c>new</c>, <c>connect</c>) and the <c>rspamd{tcp}</c> connection object.
/// The raw functions here parse arguments and send messages to the connection actors; completions come back to the
/// Lua host actor, which hands them to <see cref="OnEvent"/> (TcpCompletions.cs) to run the callbacks.
/// </summary>
internal sealed unsafe partial class TcpModule(IActorRef manager) : ILuaModule
{
    /// <summary>The metatable name of connection objects, as rspamd names it.</summary>
    public const string ConnMetatable = "rspamd{tcp}";

    private static ReadOnlySpan<byte> ConnMetatableZ => "rspamd{tcp}\0"u8;

    /// <summary>Partial mode: most chunks per message from the connection actor (<see cref="PartialBatch"/>).</summary>
    public required int ChunksPerDelivery { get; init; }

    private readonly Dictionary<long, LuaConnection> _connections = new();
    private long _lastRequestId;
    private long _lastHandlerId;

    /// <summary>The Lua host actor: where completions must be sent, and the sender of every command.</summary>
    public IActorRef Host { get; set; } = ActorRefs.Nobody;

    /// <summary>Connections started and not yet ended.</summary>
    public int OpenConnections => _connections.Count;

    public IReadOnlyList<string> LuaChunks => ["rspamd_tcp.lua", "lua_tcp_sync.lua"];

    public void RegisterRawFunctions(IntPtr L)
    {
        luaL_newmetatable(L, ConnMetatable);
        lua_setfield(L, -2, "tcp_mt");
        SetFunction(L, "tcp_request", &Request);
        SetFunction(L, "tcp_add_read", &AddRead);
        SetFunction(L, "tcp_add_write", &AddWrite);
        SetFunction(L, "tcp_shift_callback", &ShiftCallback);
        SetFunction(L, "tcp_close", &Close);
        SetFunction(L, "tcp_starttls", &StartTls);
        SetFunction(L, "tcp_tostring", &ToString);
        RegisterSyncFunctions(L);
    }

    public void Dispose()
    {
        // The host stops: its sessions die with it.
        foreach (var connection in _connections.Values)
            if (!connection.Closing) Tell(connection, CloseConnection.Destroyed);
        _connections.Clear();
    }

    // raw.tcp_request(params) ->
    //   true, true                   the connection was started; callbacks follow
    //   true, false                  rspamd returns false without a callback (already logged)
    //   true, false, message, conn   rspamd delivers the error before returning false
    //   false, message               the wrapper raises (bad argument)
    private static int Request(IntPtr L)
    {
        try
        {
            var runtime = LuaRuntime.Of(L);
            return runtime.Module<TcpModule>().StartRequest(L, runtime);
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    private int StartRequest(IntPtr L, LuaRuntime runtime)
    {
        if (lua_type(L, 1) != LUA_TTABLE) return HostFunction.Error(L, "tcp request has bad params");

        var parsed = TcpRequestParser.Parse(L, 1);
        if (parsed.Error is { } error) return HostFunction.Error(L, error);
        if (parsed.Failure is { } failure)
        {
            runtime.Log.Info(failure);
            HostFunction.Ok(L);
            lua_pushboolean(L, 0);
            return 2;
        }

        // The session: the one named by task/session (the wrapper resolves a task to its session), else the running code's.
        RawGetField(L, 1, "session");
        var joined = TryJoinSession(L, runtime, -1, out var session);
        lua_pop(L, 1);
        // rspamd refuses requests on a destroyed session and delivers the error before returning false (tcp.c:2112-2122).
        if (!joined) return SyncError(L, SessionBlocked);

        UpstreamMember? upstream = null;
        var target = new UpstreamTarget(parsed.Host!, parsed.Port, null, null);
        if (parsed.Upstream)
        {
            var upstreams = runtime.Module<UpstreamModule>();
            RawGetField(L, 1, "upstream");
            upstream = upstreams.MemberAt(L, -1);
            lua_pop(L, 1);
            target = upstreams.TargetOf(upstream, parsed.Host, parsed.PortGiven ? parsed.Port : null);
            if (target.Error is { } unresolved) return SyncError(L, unresolved);
        }
        var host = target.Host;
        // rspamd's connect() on a missing unix socket fails at once and the error reaches the callback before request
        // returns false (tcp.c:2150-2158).
        if (UnixSocketMissing(runtime, host, upstream)) return SyncError(L, TcpErrors.CannotConnect(host));

        var id = ++_lastRequestId;
        var connection = new LuaConnection(id, host, target.Port)
        {
            Upstream = upstream,
            Session = session,
            Partial = parsed.Partial,
            Tls = parsed.Ssl,
            OnConnect = RefField(L, runtime, "on_connect"),
            OnError = RefField(L, runtime, "on_error"),
        };

        var callback = RefField(L, runtime, "callback");
        // An array of the exact size: the request, and so the array, lives as long as the connection (BENCHMARKS.md W4).
        var writes = parsed.Data is { Count: > 0 };
        var handlers = new HandlerSpec[(writes ? 1 : 0) + (parsed.Read ? 1 : 0)];
        if (writes)
        {
            var writeId = ++_lastHandlerId;
            handlers[0] = new WriteSpec(writeId, HasCallback: !parsed.Read, parsed.Data!);
            if (!parsed.Read) connection.Callbacks.Set(writeId, callback);
        }
        if (parsed.Read)
        {
            var readId = ++_lastHandlerId;
            handlers[^1] = new ReadSpec(readId, HasCallback: true, parsed.StopPattern);
            connection.Callbacks.Set(readId, callback);
        }
        if (handlers.Length == 0) runtime.Unref(callback);

        _connections.Add(id, connection);
        session?.Connections.Add(id);
        var request = new ConnectionRequest
        {
            RequestId = id,
            TraceParent = session?.Activity?.Context ?? default,
            Host = host,
            Port = target.Port,
            Address = target.Address,
            Handlers = handlers,
            Partial = parsed.Partial,
            PartialBatch = ChunksPerDelivery,
            Shutdown = parsed.Shutdown,
            NotifyConnected = connection.OnConnect != 0,
            NotifyConnectError = connection.OnError != 0,
            Timeouts = parsed.Timeouts,
            Tls = parsed.Ssl ? new TlsOptions(parsed.SslNoVerify) : null,
        };
        manager.Tell(new OpenConnection(request, Host), Host);
        HostFunction.Ok(L);
        lua_pushboolean(L, 1);
        return 2;
    }

    /// <summary>rspamd delivers the error before request returns false: <c>true, false, message, conn</c>.</summary>
    private int SyncError(IntPtr L, string message)
    {
        HostFunction.Ok(L);
        lua_pushboolean(L, 0);
        PushText(L, message);
        PushConnObject(L, null);
        return 4;
    }

    /// <summary>References the function in field <paramref name="name"/> of the params table (argument 1), or 0.</summary>
    private static int RefField(IntPtr L, LuaRuntime runtime, string name)
    {
        if (RawGetField(L, 1, name) == LUA_TFUNCTION) return runtime.Ref(L);
        lua_pop(L, 1);
        return 0;
    }

    /// <summary>Pushes the conn object of <paramref name="connection"/> (one per connection), or an inert one for null.</summary>
    private void PushConnObject(IntPtr L, LuaConnection? connection) => PushHandle(L, connection, ConnMetatable);

    /// <summary>
    /// Pushes <paramref name="connection"/>'s Lua object of class <paramref name="metatable"/>: one per connection, kept
    /// in the registry until the connection ends; for null, an inert object naming no connection.
    /// </summary>
    private static void PushHandle(IntPtr L, LuaConnection? connection, string metatable)
    {
        if (connection is { ConnObject: > 0 })
        {
            lua_rawgeti(L, LUA_REGISTRYINDEX, connection.ConnObject);
            return;
        }
        var block = (long*)lua_newuserdatauv(L, sizeof(long), 0);
        *block = connection?.Id ?? 0;
        luaL_setmetatable(L, metatable);
        if (connection is null) return;
        lua_pushvalue(L, -1);
        connection.ConnObject = luaL_ref(L, LUA_REGISTRYINDEX);
    }

    /// <summary>
    /// Whether the session a request or connect_sync joins is usable: the one the value at <paramref name="idx"/> names
    /// (a task's or a session), else the running code's. False when it was destroyed or the named one is not a session.
    /// </summary>
    private static bool TryJoinSession(IntPtr L, LuaRuntime runtime, int idx, out Sessions.LuaSession? session)
    {
        var (named, namedSession) = runtime.Sessions.At(L, idx);
        session = named ? namedSession : runtime.Sessions.Current;
        return !(session is { Ended: true } || (named && session is null));
    }

    /// <summary>Whether <paramref name="host"/> is a unix socket path with nothing there; its upstream is then told it failed.</summary>
    private static bool UnixSocketMissing(LuaRuntime runtime, string host, UpstreamMember? upstream)
    {
        if (!HostAddress.IsUnixPath(host) || File.Exists(host)) return false;
        if (upstream is not null) runtime.Module<UpstreamModule>().Fail(upstream, blameAddress: false);
        return true;
    }

    /// <summary>The live connection a conn object at <paramref name="idx"/> names; null for stale or foreign values.</summary>
    private LuaConnection? ConnectionAt(IntPtr L, int idx)
    {
        var block = (long*)TestUdata(L, idx, ConnMetatableZ);
        if (block is null) return null;
        return _connections.GetValueOrDefault(*block);
    }

    /// <summary>Whether the value at <paramref name="idx"/> is a conn object (live or not).</summary>
    private static bool IsConnObject(IntPtr L, int idx) => TestUdata(L, idx, ConnMetatableZ) is not null;
}
