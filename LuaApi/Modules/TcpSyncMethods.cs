using System.Runtime.InteropServices;
using ActorTcp.Actors;
using ActorTcp.Actors.Connection;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Modules;

// rspamd_tcp.connect_sync and the rspamd{tcp_sync} methods, on the raw functions' convention (prelude.lua):
//   nothing               the operation started: the Lua wrapper yields, and the host resumes it with the result
//   true, true[, value]   finished at once: the wrapper returns true, value
//   true, false, err      the wrapper returns false, err
//   false, message        the wrapper raises message (bad arguments)
// The yield happens in Lua, never in C# (docs/architecture.md#the-lua-boundary).
internal sealed unsafe partial class TcpModule
{
    /// <summary>The metatable name of sync connection objects, as rspamd names it.</summary>
    public const string SyncMetatable = "rspamd{tcp_sync}";

    /// <summary>rspamd's error for a sync method called on something else (docs/lua-api.md#sync-connections).</summary>
    private const string NotSyncSelf = "invalid arguments [self is not rspamd{tcp_sync}]";

    private static ReadOnlySpan<byte> SyncMetatableZ => "rspamd{tcp_sync}\0"u8;

    /// <summary>connect_sync's timeout when none is given (rspamd's documented 5 s).</summary>
    private static readonly TimeSpan DefaultSyncTimeout = TimeSpan.FromSeconds(5);

    private void RegisterSyncFunctions(IntPtr L)
    {
        luaL_newmetatable(L, SyncMetatable);
        lua_setfield(L, -2, "tcp_sync_mt");
        SetFunction(L, "tcp_connect_sync", &ConnectSync);
        SetFunction(L, "sync_read_once", &SyncReadOnce);
        SetFunction(L, "sync_write", &SyncWrite);
        SetFunction(L, "sync_eof", &SyncEof);
        SetFunction(L, "sync_shutdown", &SyncShutdown);
        SetFunction(L, "sync_starttls", &SyncStartTls);
        SetFunction(L, "sync_close", &SyncClose);
        SetFunction(L, "sync_tostring", &SyncToString);
    }

    private static int SyncReadOnce(IntPtr L)
    {
        try
        {
            var runtime = LuaRuntime.Of(L);
            var module = runtime.Module<TcpModule>();
            if (!IsSyncObject(L, 1)) return HostFunction.Error(L, NotSyncSelf);
            if (module.SyncConnectionAt(L, 1) is not { Closing: false } connection) return Outcome(L, false, TcpErrors.EofCannotRead);
            if (connection.Waiting is not null) return Outcome(L, false, "IO error: another coroutine is waiting on this connection");
            if (SuspendableCoroutine(L, runtime) is not { } co) return CannotWait(L, "read_once");

            module.Suspend(connection, co, SyncOperation.Read);
            module.SendHandler(connection, new ReadSpec(++module._lastHandlerId, HasCallback: true));
            return Suspended;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    private static int SyncWrite(IntPtr L)
    {
        try
        {
            var runtime = LuaRuntime.Of(L);
            var module = runtime.Module<TcpModule>();
            if (!IsSyncObject(L, 1)) return HostFunction.Error(L, NotSyncSelf);
            if (lua_type(L, 2) is not (LUA_TSTRING or LUA_TUSERDATA or LUA_TTABLE))
                return HostFunction.Error(L, $"invalid arguments second parameter (data) is expected to be either string or rspamd{{text}} (or a table of them), got {TypeName(L, 2)}");
            var collected = DataPieces.Collect(L, 2);
            if (collected.BadPosition is { } position)
                return HostFunction.Error(L, position == 0
                    ? "invalid arguments second parameter (data) is expected to be either string or rspamd{text}"
                    : $"invalid arguments second parameter (data): element {position} is neither a string nor rspamd{{text}}");

            if (module.SyncConnectionAt(L, 1) is not { Closing: false } connection) return Outcome(L, false, TcpErrors.EofCannotWrite);
            if (connection.Waiting is not null) return Outcome(L, false, "IO error: another coroutine is waiting on this connection");
            // Nothing to send completes at once (rspamd aborts the process on a 0-byte write).
            if (collected.Pieces.Count == 0) return Outcome(L, true);
            if (SuspendableCoroutine(L, runtime) is not { } co) return CannotWait(L, "write");

            module.Suspend(connection, co, SyncOperation.Write);
            module.SendHandler(connection, new WriteSpec(++module._lastHandlerId, HasCallback: true, collected.Pieces));
            return Suspended;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // raw.sync_starttls(conn, no_verify): an ActorTcp extra (rspamd has no TLS on sync connections). The upgrade is
    // queued like a write; the coroutine resumes with true once the handshake is done, or false, err.
    private static int SyncStartTls(IntPtr L)
    {
        try
        {
            var runtime = LuaRuntime.Of(L);
            var module = runtime.Module<TcpModule>();
            if (!IsSyncObject(L, 1)) return HostFunction.Error(L, NotSyncSelf);
            // The handshake has to write: on a closed connection it meets the write's EOF error.
            if (module.SyncConnectionAt(L, 1) is not { Closing: false } connection) return Outcome(L, false, TcpErrors.EofCannotWrite);
            if (connection.Tls) return HostFunction.Error(L, TcpErrors.StartTlsRefused);
            if (connection.Waiting is not null) return Outcome(L, false, "IO error: another coroutine is waiting on this connection");
            if (SuspendableCoroutine(L, runtime) is not { } co) return CannotWait(L, "starttls");

            connection.Tls = true;
            module.Suspend(connection, co, SyncOperation.StartTls);
            var upgrade = new StartTlsSpec(++module._lastHandlerId, HasCallback: true, NoVerify: lua_toboolean(L, 2) != 0);
            module.SendHandler(connection, upgrade);
            return Suspended;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // raw.sync_eof(conn) -> true, boolean | false, err; a stale or closed object answers true
    private static int SyncEof(IntPtr L)
    {
        try
        {
            if (!IsSyncObject(L, 1)) return HostFunction.Error(L, NotSyncSelf);
            var module = LuaRuntime.Of(L).Module<TcpModule>();
            HostFunction.Ok(L);
            lua_pushboolean(L, module.SyncConnectionAt(L, 1) is { Eof: false, Closing: false } ? 0 : 1);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // raw.sync_shutdown(conn) -> true | false, err
    private static int SyncShutdown(IntPtr L)
    {
        try
        {
            if (!IsSyncObject(L, 1)) return HostFunction.Error(L, NotSyncSelf);
            var module = LuaRuntime.Of(L).Module<TcpModule>();
            if (module.SyncConnectionAt(L, 1) is { Closing: false } connection) module.Tell(connection, ShutdownOutput.Instance);
            return HostFunction.Ok(L);
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // raw.sync_close(conn) -> true | false, err; closing a closed or stale object does nothing
    private static int SyncClose(IntPtr L)
    {
        try
        {
            if (!IsSyncObject(L, 1)) return HostFunction.Error(L, NotSyncSelf);
            var module = LuaRuntime.Of(L).Module<TcpModule>();
            if (module.SyncConnectionAt(L, 1) is { Closing: false } connection) module.CloseSync(connection);
            return HostFunction.Ok(L);
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    private static int SyncToString(IntPtr L)
    {
        try
        {
            var connection = LuaRuntime.Of(L).Module<TcpModule>().SyncConnectionAt(L, 1);
            HostFunction.Ok(L);
            PushText(L, $"{SyncMetatable}({connection?.Display ?? "closed"})");
            return 2;
        }
        catch (Exception)
        {
            HostFunction.Ok(L);
            PushText(L, SyncMetatable + "(?)");
            return 2;
        }
    }

    /// <summary>No results: the operation started and the wrapper yields until the host resumes it.</summary>
    private const int Suspended = 0;

    /// <summary>Pushes <c>true, done[, value]</c>: the wrapper returns <c>done, value</c>.</summary>
    private static int Outcome(IntPtr L, bool done, string? value = null)
    {
        HostFunction.Ok(L);
        lua_pushboolean(L, done ? 1 : 0);
        if (value is null) return 2;
        PushText(L, value);
        return 3;
    }

    /// <summary>
    /// The pooled coroutine calling from <paramref name="L"/>, or null: only the host's coroutines can be suspended and
    /// resumed by the host (not the main thread, not a coroutine Lua code created).
    /// </summary>
    private static Coroutine? SuspendableCoroutine(IntPtr L, LuaRuntime runtime) =>
        runtime.Coroutines.Find(L) is { } co && lua_isyieldable(L) != 0 ? co : null;

    /// <summary>The outcome of a sync call made where it cannot wait.</summary>
    private static int CannotWait(IntPtr L, string what) =>
        Outcome(L, false, $"{what}: cannot wait here: call it from the script body or a callback, not from a coroutine created with coroutine.create/wrap");

    private void Suspend(LuaConnection connection, Coroutine co, SyncOperation operation)
    {
        connection.Waiting = co;
        connection.Operation = operation;
        co.Waiting = connection;
    }

    private void CloseSync(LuaConnection connection)
    {
        connection.Closing = true;
        Tell(connection, CloseConnection.Instance);
    }

    /// <summary>A sync connection outlives no coroutine that opened it (rspamd closes it with the task).</summary>
    private void CloseWhenOwnerEnds(LuaConnection connection)
    {
        if (!connection.Closing && _connections.ContainsKey(connection.Id)) CloseSync(connection);
    }

    private LuaConnection? SyncConnectionAt(IntPtr L, int idx)
    {
        var block = (long*)TestUdata(L, idx, SyncMetatableZ);
        return block is null ? null : _connections.GetValueOrDefault(*block);
    }

    private static bool IsSyncObject(IntPtr L, int idx) => TestUdata(L, idx, SyncMetatableZ) is not null;

    private static string TypeNameOf(IntPtr L, int type) =>
        Marshal.PtrToStringUTF8((IntPtr)lua_typename(L, type)) ?? "?";

    /// <summary>Pushes the tcp_sync object of <paramref name="connection"/> (one per connection).</summary>
    private static void PushSyncObject(IntPtr L, LuaConnection connection) => PushHandle(L, connection, SyncMetatable);

    /// <summary>A completion on a sync connection: resume the coroutine waiting on it with rspamd's results.</summary>
    private void OnSyncEvent(LuaRuntime runtime, LuaConnection connection, IConnectionEvent e)
    {
        // The coroutine resumed here runs this connection's turn: the operation it starts next goes with the turn's end.
        connection.InCallback = true;
        bool turn;
        try
        {
            turn = ResumeForEvent(runtime, connection, e);
        }
        finally
        {
            connection.InCallback = false;
        }
        if (turn) EndTurn(connection);
        else SendHeldNow(connection);
    }

    /// <summary>Resumes the coroutine waiting on <paramref name="connection"/> with <paramref name="e"/>; false when <paramref name="e"/> is not a turn.</summary>
    private bool ResumeForEvent(LuaRuntime runtime, LuaConnection connection, IConnectionEvent e)
    {
        switch (e)
        {
            case ConnectionStarted started:
                connection.Actor = started.Connection;
                if (connection.Closing) started.Connection.Tell(CloseConnection.Instance, Host);
                return false;
            case ConnectionEstablished:
                ResumeWaiting(runtime, connection, co =>
                {
                    lua_pushboolean(co, 1);
                    PushSyncObject(co, connection);
                    return 2;
                });
                break;
            case ReadCompleted read:
                ResumeWaiting(runtime, connection, co =>
                {
                    lua_pushboolean(co, 1);
                    PushBytes(co, read.Data.Span); // read_once gives a Lua string, as rspamd does
                    return 2;
                });
                break;
            case WriteCompleted:
                ResumeWaiting(runtime, connection, co =>
                {
                    lua_pushboolean(co, 1);
                    lua_pushnil(co);
                    return 2;
                });
                break;
            case TlsStarted:
                ResumeWaiting(runtime, connection, co =>
                {
                    lua_pushboolean(co, 1);
                    return 1;
                });
                break;
            case HandlerFailed failed:
                // rspamd's eof(): a read that ended at EOF or failed; a timeout leaves the connection readable. A failed
                // STARTTLS leaves no socket either.
                if ((connection.Operation == SyncOperation.Read && !failed.Failure.IsTimeout) || connection.Operation == SyncOperation.StartTls)
                    connection.Eof = true;
                ResumeWaiting(runtime, connection, co => PushFailure(co, failed.Error));
                break;
            case ConnectFailed failed:
                ResumeWaiting(runtime, connection, co => PushFailure(co, failed.Error));
                return false;
            case ConnectionClosed:
                if (connection.Waiting is not null) ResumeWaiting(runtime, connection, co => PushFailure(co, "IO error: connection closed"));
                Release(runtime, connection);
                return false;
            default:
                // Not a turn (CommandRefused): nothing to answer.
                return false;
        }
        return true;
    }

    private static int PushFailure(IntPtr co, string error)
    {
        lua_pushboolean(co, 0);
        PushText(co, error);
        return 2;
    }

    private static void ResumeWaiting(LuaRuntime runtime, LuaConnection connection, Func<IntPtr, int> pushResults)
    {
        if (connection.Waiting is not { } co) return;
        connection.Waiting = null;
        connection.Operation = SyncOperation.None;
        var nargs = pushResults(co.L);
        runtime.Coroutines.Resume(co, nargs);
    }
}
