using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ActorTcp.Actors.Connection;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Modules;

// The methods of rspamd{tcp} objects. A conn whose connection ended (or that never had one) is inert: its methods
// do nothing, as Part 1.2 asks ("a stale handle is harmless").
internal sealed unsafe partial class TcpModule
{
    // raw.tcp_add_read(conn, callback, pattern) -> true | false, error
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int AddRead(IntPtr L)
    {
        try
        {
            var runtime = LuaRuntime.Of(L);
            var module = runtime.Module<TcpModule>();
            if (!IsConnObject(L, 1)) return HostFunction.Error(L, "add_read: self is not rspamd{tcp}");
            if (CallbackArgument(L, 2, "add_read") is { } error) return HostFunction.Error(L, error);

            ReadOnlyMemory<byte> pattern = default;
            if (lua_type(L, 3) is not (LUA_TNIL or LUA_TNONE))
            {
                if (!TextObjects.TryGetStringOrText(L, 3, out var bytes))
                    return HostFunction.Error(L, $"add_read: pattern must be a string or rspamd{{text}}, got {TypeName(L, 3)}");
                if (!bytes.IsEmpty) pattern = bytes.ToArray();
            }

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
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int AddWrite(IntPtr L)
    {
        try
        {
            var runtime = LuaRuntime.Of(L);
            var module = runtime.Module<TcpModule>();
            if (!IsConnObject(L, 1)) return HostFunction.Error(L, "add_write: self is not rspamd{tcp}");
            if (CallbackArgument(L, 2, "add_write") is { } error) return HostFunction.Error(L, error);
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
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ShiftCallback(IntPtr L)
    {
        try
        {
            var module = LuaRuntime.Of(L).Module<TcpModule>();
            if (!IsConnObject(L, 1)) return HostFunction.Error(L, "shift_callback: self is not rspamd{tcp}");
            // Only the handler whose callback is running can be shifted; outside a callback there is none.
            if (module.ConnectionAt(L, 1) is { Closing: false, Running: { } running, Actor: { } actor })
                actor.Tell(new Actors.Connection.ShiftCallback(running), module.Host);
            return HostFunction.Ok(L);
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // raw.tcp_close(conn) -> true | false, error
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Close(IntPtr L)
    {
        try
        {
            var module = LuaRuntime.Of(L).Module<TcpModule>();
            if (!IsConnObject(L, 1)) return HostFunction.Error(L, "close: self is not rspamd{tcp}");
            if (module.ConnectionAt(L, 1) is { Closing: false } connection)
            {
                connection.Closing = true;
                connection.Actor?.Tell(CloseConnection.Instance, module.Host);
            }
            return HostFunction.Ok(L);
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // raw.tcp_tostring(conn) -> "rspamd{tcp}(host:port)"; used as __tostring, so it never fails
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ToString(IntPtr L)
    {
        try
        {
            var module = LuaRuntime.Of(L).Module<TcpModule>();
            var connection = module.ConnectionAt(L, 1);
            PushText(L, $"{ConnMetatable}({connection?.Display ?? "closed"})");
            return 1;
        }
        catch (Exception)
        {
            PushText(L, ConnMetatable + "(?)");
            return 1;
        }
    }

    /// <summary>Null when the argument is a function, nil or false (rspamd: no callback); else the error text.</summary>
    private static string? CallbackArgument(IntPtr L, int idx, string method) => lua_type(L, idx) switch
    {
        LUA_TFUNCTION or LUA_TNIL or LUA_TNONE => null,
        LUA_TBOOLEAN when lua_toboolean(L, idx) == 0 => null,
        _ => $"{method}: callback must be a function or nil, got {TypeName(L, idx)}",
    };

    /// <summary>Queues a handler on the connection, anchoring the callback at argument 2 when it has one.</summary>
    private void Send(LuaConnection connection, HandlerSpec handler, IntPtr L, LuaRuntime runtime)
    {
        if (handler.HasCallback)
        {
            lua_pushvalue(L, 2);
            connection.Callbacks[handler.HandlerId] = runtime.Ref(L);
        }
        connection.Actor?.Tell(new AddHandler(handler), Host);
    }
}
