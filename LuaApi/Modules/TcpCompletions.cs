using ActorTcp.Actors.Connection;
using ActorTcp.LuaApi.Upstreams;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Modules;

// Completions from connection actors, run as Lua callbacks on the Lua host's thread, with rspamd's argument order:
// read ok (nil, data, conn), write ok (nil, conn), error (err, nil, conn), on_connect(conn), on_error(err, conn).
internal sealed partial class TcpModule
{
    /// <summary>Runs the callback a completion stands for, then lets the connection go on.</summary>
    public void OnEvent(LuaRuntime runtime, IConnectionEvent e)
    {
        if (!_connections.TryGetValue(e.RequestId, out var connection)) return;
        if (connection.Abandoned)
        {
            OnAbandonedEvent(connection, e);
            return;
        }
        if (connection is { Upstream: not null, UpstreamReported: false }) TellUpstream(runtime, connection, e);
        if (connection.Sync)
        {
            OnSyncEvent(runtime, connection, e);
            return;
        }

        switch (e)
        {
            case ConnectionStarted started:
                connection.Actor = started.Connection;
                break;

            case ConnectionEstablished:
                RunTurn(runtime, connection, connection.OnConnect, handlerId: null, e, static (m, co, c, _) =>
                {
                    m.PushConnObject(co, c);
                    return 1;
                });
                break;

            case ReadCompleted { ChunkSize: > 0 } batch when connection.Partial:
                RunPartialBatch(runtime, connection, batch);
                break;

            case ReadCompleted read:
                // In partial mode the handler stays at the head and gets every chunk, so its callback stays anchored.
                var readCallback = connection.Partial ? connection.Callbacks.Get(read.HandlerId) : TakeCallback(connection, read.HandlerId);
                RunTurn(runtime, connection, readCallback, read.HandlerId, read, static (m, co, c, r) =>
                {
                    lua_pushnil(co);
                    TextObjects.Push(co, r.Data.Span);
                    m.PushConnObject(co, c);
                    return 3;
                });
                if (!connection.Partial) runtime.Unref(readCallback);
                break;

            case WriteCompleted write:
                var writeCallback = TakeCallback(connection, write.HandlerId);
                RunTurn(runtime, connection, writeCallback, write.HandlerId, write, static (m, co, c, _) =>
                {
                    lua_pushnil(co);
                    m.PushConnObject(co, c);
                    return 2;
                });
                runtime.Unref(writeCallback);
                break;

            case HandlerFailed failed:
                var failedCallback = TakeCallback(connection, failed.HandlerId);
                RunTurn(runtime, connection, failedCallback, failed.HandlerId, failed, static (m, co, c, f) =>
                {
                    PushText(co, f.Error);
                    lua_pushnil(co);
                    m.PushConnObject(co, c);
                    return 3;
                });
                runtime.Unref(failedCallback);
                break;

            case TlsStarted:
                // Only sync connections queue upgrades; nothing to call here.
                EndTurn(connection);
                break;

            case ConnectFailed failed when connection.OnError != 0:
                // Not a turn: the connection is already over; on_error is one-shot.
                var co = runtime.Coroutines.Rent();
                co.Session = connection.Session;
                runtime.PushRef(co.L, connection.OnError);
                PushText(co.L, failed.Error);
                PushConnObject(co.L, connection);
                runtime.Coroutines.RunCallback(co, 2, "on_error callback call");
                break;

            case ConnectionClosed:
                Release(runtime, connection);
                break;
        }
    }

    /// <summary>
    /// Tells a request's upstream how it went, once, before any callback runs (so a retry in the callback already sees
    /// it): <c>fail()</c> at its first fatal error (a connect failure, a timeout: rspamd's retransmit loops then move
    /// on), <c>ok()</c> at its first completed read or when it ends without one. A sync connection's read timeout
    /// counts as a failure; it ending without a read counts as nothing. A failure of ActorTcp's own making (a limit, a
    /// stopped actor) says nothing about the backend: the request then reports nothing at all.
    /// </summary>
    private static void TellUpstream(LuaRuntime runtime, LuaConnection connection, IConnectionEvent e)
    {
        if (e is HandlerFailed { Failure.Reason: TcpFailureReason.Limit or TcpFailureReason.Stopped }
            or ConnectFailed { Failure.Reason: TcpFailureReason.Limit or TcpFailureReason.Stopped })
        {
            connection.UpstreamReported = true;
            return;
        }
        bool? success = e switch
        {
            ReadCompleted => true,
            HandlerFailed { Fatal: true } or ConnectFailed => false,
            HandlerFailed failed when connection.Sync && failed.Failure.IsTimeout => false,
            ConnectionClosed when !connection.Sync => true,
            _ => null,
        };
        if (success is not { } ok) return;
        connection.UpstreamReported = true;
        var upstreams = runtime.Module<UpstreamModule>();
        if (ok) upstreams.Ok(connection.Upstream!);
        else upstreams.Fail(connection.Upstream!, blameAddress: false);
    }

    private static int TakeCallback(LuaConnection connection, long handlerId) =>
        connection.Callbacks.Take(handlerId);

    /// <summary>
    /// Calls <paramref name="callback"/> in a pooled coroutine with the arguments <paramref name="pushArgs"/> pushes,
    /// then ends the turn so the connection runs its plan step (unless the callback closed it).
    /// </summary>
    private void RunTurn<TEvent>(LuaRuntime runtime, LuaConnection connection, int callback, long? handlerId, TEvent e,
        Func<TcpModule, IntPtr, LuaConnection, TEvent, int> pushArgs)
    {
        if (callback != 0 && Call(runtime, connection, callback, handlerId, e, pushArgs) is { } suspended)
        {
            // The callback waits in the sync API: it has not returned yet, so the plan step waits for it (rspamd
            // would run it now and free the connection under the suspended callback).
            EndTurnWhenFinished(suspended, connection, answer: null);
            return;
        }
        EndTurn(connection);
    }

    // Its own method: a lambda in the callers would capture their parameters, and C# makes that closure as the caller
    // starts, on every turn, suspended or not (~36 B per turn, BENCHMARKS.md W2).
    private void EndTurnWhenFinished(Coroutine suspended, LuaConnection connection, IConnectionCommand? answer) =>
        (suspended.OnFinished ??= []).Add(() => EndTurn(connection, answer));

    /// <summary>
    /// Partial mode, several chunks in one message: each chunk gets its own callback call, as if delivered alone. The
    /// batch stops early when a callback sent a command (shift_callback, close, starttls, add_*: the plan step must see
    /// it before the next chunk) or waits in the sync API; the actor takes back what Lua did not get.
    /// </summary>
    private void RunPartialBatch(LuaRuntime runtime, LuaConnection connection, ReadCompleted read)
    {
        var callback = connection.Callbacks.Get(read.HandlerId);
        var count = read.ChunkCount();
        // Without a callback the chunks are consumed silently, as a handler without callback consumes its data.
        var run = callback == 0 ? count : 0;
        while (run < count)
        {
            var chunk = read.Chunk(run++);
            var commands = connection.Commands;
            if (Call(runtime, connection, callback, read.HandlerId, chunk, PushChunk) is { } suspended)
            {
                EndTurnWhenFinished(suspended, connection, read.Answer(run));
                return;
            }
            if (connection.Commands != commands) break;
        }
        EndTurn(connection, read.Answer(run));
    }

    private static int PushChunk(TcpModule module, IntPtr co, LuaConnection connection, ReadOnlyMemory<byte> chunk)
    {
        lua_pushnil(co);
        TextObjects.Push(co, chunk.Span);
        module.PushConnObject(co, connection);
        return 3;
    }

    /// <summary>Runs one callback of <paramref name="connection"/>'s handler; returns its coroutine when it suspended in the sync API.</summary>
    private Coroutine? Call<TEvent>(LuaRuntime runtime, LuaConnection connection, int callback, long? handlerId, TEvent e,
        Func<TcpModule, IntPtr, LuaConnection, TEvent, int> pushArgs)
    {
        var co = runtime.Coroutines.Rent();
        co.Session = connection.Session;
        runtime.PushRef(co.L, callback);
        var nargs = pushArgs(this, co.L, connection, e);
        connection.Running = handlerId;
        connection.InCallback = true;
        var outcome = runtime.Coroutines.RunCallback(co, nargs);
        connection.Running = null;
        connection.InCallback = false;
        if (outcome != RunOutcome.Suspended) return null;
        // Its turn ends only when it finishes: what it added goes now.
        SendHeldNow(connection);
        return co;
    }

    /// <summary>
    /// Ends the turn: the actor runs its plan step. <paramref name="answer"/>: a partial batch's, when Lua stopped
    /// before its end (the actor takes the rest back).
    /// </summary>
    private void EndTurn(LuaConnection connection, IConnectionCommand? answer = null)
    {
        if (connection.Closing || !_connections.ContainsKey(connection.Id))
        {
            connection.HeldHandler = null;
            return;
        }
        if (answer is null && connection is { HeldHandler: { } held, Actor: { } actor })
        {
            // The usual turn: the one handler its callback added and the return, in one message.
            connection.HeldHandler = null;
            actor.Tell(new AddHandler(held, EndsTurn: true), Host);
            return;
        }
        Tell(connection, answer ?? CallbackReturned.Instance);
    }

    /// <summary>The connection ended: every Lua reference it held is released; its conn objects become inert.</summary>
    private void Release(LuaRuntime runtime, LuaConnection connection)
    {
        _connections.Remove(connection.Id);
        ReleaseReferences(runtime, connection);
    }

    private static void ReleaseReferences(LuaRuntime runtime, LuaConnection connection)
    {
        if (connection.Session is { } session && session.Connections.Remove(connection.Id)) runtime.Sessions.Changed(session);
        connection.Callbacks.ReleaseAll(runtime);
        runtime.Unref(connection.OnConnect);
        runtime.Unref(connection.OnError);
        runtime.Unref(connection.ConnObject);
        connection.OnConnect = connection.OnError = connection.ConnObject = 0;
    }
}
