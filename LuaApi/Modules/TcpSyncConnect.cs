using ActorTcp.Actors;
using ActorTcp.Actors.Connection;
using ActorTcp.Actors.Dns;
using ActorTcp.LuaApi.Upstreams;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Modules;

// rspamd_tcp.connect_sync: its table read as rspamd reads it (strictly), then the connection opened and the calling
// coroutine suspended until it is established (the wrapper yields; see TcpSyncMethods.cs for the conventions).
internal sealed unsafe partial class TcpModule
{
    private static int ConnectSync(IntPtr L)
    {
        try
        {
            var runtime = LuaRuntime.Of(L);
            return runtime.Module<TcpModule>().StartSync(L, runtime);
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    private int StartSync(IntPtr L, LuaRuntime runtime)
    {
        // rspamd parses connect_sync's table strictly (rspamd_lua_parse_table_arguments): these are its texts.
        if (lua_type(L, 1) != LUA_TTABLE) return HostFunction.Error(L, $"invalid arguments: table expected, got {TypeName(L, 1)}");

        // upstream (an ActorTcp extra: rspamd's connect_sync ignores it) makes host and port optional, as in request.
        var upstreamType = RawGetField(L, 1, "upstream");
        var upstream = upstreamType == LUA_TUSERDATA ? runtime.Module<UpstreamModule>().MemberAt(L, -1) : null;
        var isUpstream = upstreamType == LUA_TUSERDATA && UpstreamModule.IsUpstream(L, -1);
        lua_pop(L, 1);
        if (upstreamType == LUA_TUSERDATA && !isUpstream)
            return HostFunction.Error(L, "invalid arguments: bad type for key: upstream: 'userdata', 'rspamd{upstream}' is expected");

        var hostType = RawGetField(L, 1, "host");
        var host = hostType == LUA_TSTRING ? ToText(L, -1) : null;
        lua_pop(L, 1);
        if (hostType is LUA_TNIL && !isUpstream) return HostFunction.Error(L, "invalid arguments: required parameter host is missing");
        if (host is null && hostType is not LUA_TNIL)
            return HostFunction.Error(L, $"invalid arguments: bad type for key: host: '{TypeNameOf(L, hostType)}', 'string' is expected");

        var portType = RawGetField(L, 1, "port");
        int isInt;
        var port = lua_tointegerx(L, -1, &isInt);
        lua_pop(L, 1);
        if (portType is LUA_TNIL && !isUpstream) return HostFunction.Error(L, "invalid arguments: required parameter port is missing");
        if (portType is not LUA_TNIL && (portType != LUA_TNUMBER || isInt == 0))
            return HostFunction.Error(L, $"invalid arguments: bad type for key: port: '{TypeNameOf(L, portType)}', 'int64' is expected");
        if (port is < 0 or > 65535) return HostFunction.Error(L, "invalid port given (correct values: 1..65535)");

        var timeout = DefaultSyncTimeout;
        var timeoutType = RawGetField(L, 1, "timeout");
        if (timeoutType == LUA_TNUMBER)
        {
            int isNum;
            var seconds = lua_tonumberx(L, -1, &isNum);
            if (double.IsNaN(seconds) || seconds > TcpRequestParser.MaxTimeoutSeconds)
            {
                var shown = TcpRequestParser.ShowNumber(L, -1);
                lua_pop(L, 1);
                return HostFunction.Error(L, $"invalid arguments: timeout must be a number of seconds up to {TcpRequestParser.MaxTimeoutSeconds}, got {shown}");
            }
            timeout = TimeSpan.FromSeconds(Math.Max(seconds, -1));
        }
        lua_pop(L, 1);
        if (timeoutType is not (LUA_TNIL or LUA_TNUMBER))
            return HostFunction.Error(L, $"invalid arguments: bad type for key: timeout: '{TypeNameOf(L, timeoutType)}', 'double' is expected");

        // The session: argument 2 is what the wrapper resolved from task/session, else the running code's.
        if (!TryJoinSession(L, runtime, 2, out var session)) return Outcome(L, false, SessionDestroyed);

        if (SuspendableCoroutine(L, runtime) is not { } co) return CannotWait(L, "connect_sync");
        System.Net.IPAddress? address = null;
        if (isUpstream)
        {
            var target = runtime.Module<UpstreamModule>().TargetOf(upstream, host, portType is LUA_TNIL ? null : (int)port);
            if (target.Error is { } unresolved) return Outcome(L, false, unresolved);
            (host, port, address) = (target.Host, target.Port, target.Address);
        }
        if (UnixSocketMissing(runtime, host!, upstream)) return Outcome(L, false, "Failed to initiate connection");

        var id = ++_lastRequestId;
        var connection = new LuaConnection(id, host!, (int)port)
        {
            Sync = true,
            Session = session,
            Upstream = upstream,
        };
        _connections.Add(id, connection);
        session?.Connections.Add(id);
        Suspend(connection, co, SyncOperation.Connect);
        (co.OnFinished ??= []).Add(() => CloseWhenOwnerEnds(connection));

        var request = new ConnectionRequest
        {
            RequestId = id,
            TraceParent = session?.Activity?.Context ?? default,
            Host = host!,
            Port = (int)port,
            Address = address,
            Synchronous = true,
            NotifyConnected = true,
            NotifyConnectError = true,
            // connect, each read and each write get the whole timeout (rspamd ignores it; its docs promise it).
            Timeouts = new ConnectionTimeouts(timeout, timeout, timeout, timeout),
        };
        manager.Tell(new OpenConnection(request, Host), Host);
        return Suspended;
    }
}
