using ActorTcp.Actors.Connection;
using Akka.Actor;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Modules;

// The methods of rspamd{tcp} objects. A conn whose connection ended (or that never had one) is inert: its methods
// do nothing, as docs/lua-api.md#connection-methods says (a stale handle is harmless).
internal sealed unsafe partial class TcpModule
{
    // raw.tcp_add_read(conn, callback, pattern) -> true | false, error
    private static int AddRead(IntPtr L)
    {
        try
        {
            var runtime = LuaRuntime.Of(L);
            var module = runtime.Module<TcpModule>();
            if (!IsConnObject(L, 1)) return HostFunction.Error(L, "add_read: self is not rspamd{tcp}");
            CheckCallbackArgument(L, 2, "add_read", runtime);

            // rspamd: a pattern that is not a string (or is empty) means none; a text is accepted too.
            ReadOnlyMemory<byte> pattern = default;
            if (TextObjects.TryGetStringOrText(L, 3, out var bytes)) pattern = StopPatterns.Of(bytes);
            else if (lua_type(L, 3) is not (LUA_TNIL or LUA_TNONE))
                runtime.Log.Warning($"add_read: pattern of type {TypeName(L, 3)} ignored (rspamd reads without pattern)");

            if (module.ConnectionAt(L, 1) is { Closing: false } connection)
                module.Send(connection, new ReadSpec(++module._lastHandlerId, lua_type(L, 2) == LUA_TFUNCTION, pattern), L, runtime);
            return HostFunction.Ok(L);
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // raw.tcp_add_write(conn, callback, data) -> true, true | true, false (bad element, logged) | false, error
    private static int AddWrite(IntPtr L)
    {
        try
        {
            var runtime = LuaRuntime.Of(L);
            var module = runtime.Module<TcpModule>();
            if (!IsConnObject(L, 1)) return HostFunction.Error(L, "add_write: self is not rspamd{tcp}");
            CheckCallbackArgument(L, 2, "add_write", runtime);
            if (lua_type(L, 3) is not (LUA_TSTRING or LUA_TUSERDATA or LUA_TTABLE))
                return HostFunction.Error(L, $"add_write: data must be a string, rspamd{{text}} or a table of them, got {TypeName(L, 3)}");

            var collected = DataPieces.Collect(L, 3);
            if (collected.BadPosition is { } position)
            {
                if (position == 0) return HostFunction.Error(L, "add_write: data must be a string, rspamd{text} or a table of them, got userdata");
                // rspamd logs and returns false (without freeing the connection, which rspamd does by mistake).
                runtime.Log.Info($"bad argument at position {position}");
                lua_pushboolean(L, 1);
                lua_pushboolean(L, 0);
                return 2;
            }

            if (module.ConnectionAt(L, 1) is { Closing: false } connection)
                module.Send(connection, new WriteSpec(++module._lastHandlerId, lua_type(L, 2) == LUA_TFUNCTION, collected.Pieces), L, runtime);
            lua_pushboolean(L, 1);
            lua_pushboolean(L, 1);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // raw.tcp_shift_callback(conn) -> true | false, error
    private static int ShiftCallback(IntPtr L)
    {
        try
        {
            var module = LuaRuntime.Of(L).Module<TcpModule>();
            if (!IsConnObject(L, 1)) return HostFunction.Error(L, "shift_callback: self is not rspamd{tcp}");
            // Only the handler whose callback is running can be shifted; outside a callback there is none.
            if (module.ConnectionAt(L, 1) is { Closing: false, Running: { } running, Actor: not null } connection)
            {
                connection.Commands++;
                module.Tell(connection, new Actors.Connection.ShiftCallback(running));
            }
            return HostFunction.Ok(L);
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // raw.tcp_close(conn) -> true | false, error
    private static int Close(IntPtr L)
    {
        try
        {
            var module = LuaRuntime.Of(L).Module<TcpModule>();
            if (!IsConnObject(L, 1)) return HostFunction.Error(L, "close: self is not rspamd{tcp}");
            if (module.ConnectionAt(L, 1) is { Closing: false } connection)
            {
                connection.Closing = true;
                connection.Commands++;
                // From one of its own callbacks, the turn's data was pushed into Lua (copied) before the callback ran.
                module.Tell(connection, connection.Running is null ? CloseConnection.Instance : CloseConnection.FromTurn);
            }
            return HostFunction.Ok(L);
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // raw.tcp_starttls(conn, no_verify) -> true | false, error
    // docs/lua-api.md#tls, with ActorTcp's fixes: no_verify is honoured, and the handler after it may be a read. The
    // handshake runs when the next handler is due. Refused as rspamd refuses it (TcpErrors.StartTlsRefused) when TLS is on.
    private static int StartTls(IntPtr L)
    {
        try
        {
            var module = LuaRuntime.Of(L).Module<TcpModule>();
            if (!IsConnObject(L, 1)) return HostFunction.Error(L, "starttls: self is not rspamd{tcp}");
            // A stale conn (or one whose actor is not known yet, outside any callback) does nothing, like its other methods.
            if (module.ConnectionAt(L, 1) is not { Closing: false, Actor: not null } connection) return HostFunction.Ok(L);
            if (connection.Tls) return HostFunction.Error(L, TcpErrors.StartTlsRefused);
            connection.Tls = true;
            connection.Commands++;
            module.Tell(connection, new Actors.Connection.StartTls(NoVerify: lua_toboolean(L, 2) != 0));
            return HostFunction.Ok(L);
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // raw.tcp_tostring(conn) -> "rspamd{tcp}(host:port)"; used as __tostring, so it never fails
    private static int ToString(IntPtr L)
    {
        try
        {
            var module = LuaRuntime.Of(L).Module<TcpModule>();
            var connection = module.ConnectionAt(L, 1);
            HostFunction.Ok(L);
            PushText(L, $"{ConnMetatable}({connection?.Display ?? "closed"})");
            return 2;
        }
        catch (Exception)
        {
            HostFunction.Ok(L);
            PushText(L, ConnMetatable + "(?)");
            return 2;
        }
    }

    /// <summary>
    /// rspamd treats a callback that is not a function as none, and plugins rely on rspamd's behaviour (docs/lua-api.md#compatibility), so
    /// the call goes on without one; the log says so, since it is almost always a plugin bug.
    /// </summary>
    private static void CheckCallbackArgument(IntPtr L, int idx, string method, LuaRuntime runtime)
    {
        if (lua_type(L, idx) is LUA_TFUNCTION or LUA_TNIL or LUA_TNONE) return;
        if (lua_type(L, idx) == LUA_TBOOLEAN && lua_toboolean(L, idx) == 0) return;
        runtime.Log.Warning($"{method}: callback of type {TypeName(L, idx)} ignored (rspamd runs the handler without callback)");
    }

    /// <summary>Queues a handler on the connection, anchoring the callback at argument 2 when it has one.</summary>
    private void Send(LuaConnection connection, HandlerSpec handler, IntPtr L, LuaRuntime runtime)
    {
        if (handler.HasCallback)
        {
            lua_pushvalue(L, 2);
            connection.Callbacks.Set(handler.HandlerId, runtime.Ref(L));
        }
        connection.Commands++;
        SendHandler(connection, handler);
    }

    /// <summary>
    /// Sends a handler to the connection's actor; the first one added while one of the connection's own turns runs is
    /// held to go with that turn's end (<see cref="EndTurn"/>).
    /// </summary>
    private void SendHandler(LuaConnection connection, HandlerSpec handler)
    {
        if (connection is { InCallback: true, HeldHandler: null })
        {
            connection.HeldHandler = handler;
            return;
        }
        Tell(connection, new AddHandler(handler));
    }

    /// <summary>Sends <paramref name="command"/> to the connection's actor, after the handler held for its turn's end.</summary>
    private void Tell(LuaConnection connection, IConnectionCommand command)
    {
        if (connection.Actor is not { } actor) return;
        SendHeld(connection, actor);
        actor.Tell(command, Host);
    }

    /// <summary>Sends the held handler now (its turn does not end with a message), unless the connection is gone.</summary>
    private void SendHeldNow(LuaConnection connection)
    {
        if (connection is { Closing: false, Actor: { } actor } && _connections.ContainsKey(connection.Id)) SendHeld(connection, actor);
        else connection.HeldHandler = null;
    }

    private void SendHeld(LuaConnection connection, IActorRef actor)
    {
        if (connection.HeldHandler is not { } held) return;
        connection.HeldHandler = null;
        actor.Tell(new AddHandler(held), Host);
    }
}
