using System.Diagnostics;
using ActorTcp.Actors.Metrics;
using ActorTcp.LuaApi.Sessions;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi;

/// <summary>What a run of Lua code is: the <c>kind</c> tag of <c>actortcp.lua.callbacks</c>.</summary>
internal enum LuaRunKind
{
    /// <summary>A chunk run outside any session (a plugin load, a module chunk).</summary>
    Chunk,
    /// <summary>A session's body: a script chunk, or a task's plugin function (its first run or a resume).</summary>
    Body,
    /// <summary>A callback (rspamd_tcp's, on_error, an upstream watcher), its first run or a resume.</summary>
    Callback,
}

/// <summary>
/// The Lua hosts' side of <see cref="ActorTcpMetrics"/>: runs of Lua code, budget stops, sessions and tasks, with their
/// tags made once. Every method takes the host's metrics or null (a runtime made without an actor system) and runs on
/// the host's thread.
/// </summary>
internal static class LuaMeasurements
{
    private static readonly KeyValuePair<string, object?> s_script = new("kind", "script");
    private static readonly KeyValuePair<string, object?> s_task = new("kind", "task");
    private static readonly KeyValuePair<string, object?> s_ok = new("outcome", "ok");
    private static readonly KeyValuePair<string, object?> s_error = new("outcome", "error");
    private static readonly KeyValuePair<string, object?> s_timeout = new("outcome", "timeout");
    private static readonly KeyValuePair<string, object?> s_undefined = new("function", "undefined");

    /// <summary>What <paramref name="co"/> is about to run (read before the run: a finished coroutine forgets it).</summary>
    public static LuaRunKind KindOf(Coroutine co) =>
        co.BodyOf is not null ? LuaRunKind.Body : co.FailureLabel is not null ? LuaRunKind.Callback : LuaRunKind.Chunk;

    /// <summary>
    /// A run starts: its timestamp while the run duration is listened to and <see cref="LuaRuntime.RunDurations"/>
    /// picks this run, else 0.
    /// </summary>
    public static long RunStarting(LuaRuntime runtime)
    {
        if (runtime.Metrics is not { } metrics || !metrics.LuaCallbackDuration.Enabled) return 0;
        return runtime.RunDurations.Next() ? Stopwatch.GetTimestamp() : 0;
    }

    /// <summary>A run of <paramref name="kind"/> that started at <paramref name="started"/> ended; <paramref name="tripped"/>: by the budget.</summary>
    public static void RunEnded(ActorTcpMetrics? metrics, LuaRunKind kind, RunOutcome outcome, bool tripped, long started)
    {
        if (metrics is null) return;
        metrics.LuaRunEnded((int)kind, (int)outcome, tripped);
        if (started != 0)
            metrics.LuaCallbackDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                ActorTcpMetrics.LuaRunKinds[(int)kind], ActorTcpMetrics.LuaRunOutcomes[(int)outcome]);
    }

    /// <summary>A session starts: a task's start time, while the task duration is listened to.</summary>
    public static void SessionStarting(ActorTcpMetrics? metrics, LuaSession session)
    {
        if (!session.IsTask) return;
        if (metrics is not null && metrics.LuaTaskDuration.Enabled) session.Started = Stopwatch.GetTimestamp();
        session.Activity = ActorTcpActivities.StartDetached(ActorTcpActivities.TaskActivity, ActivityKind.Internal, default);
        session.Activity?.SetTag("actortcp.task.function", session.Name);
    }

    /// <summary>A session ended: counted by kind and outcome; a task also by function, with its duration.</summary>
    public static void SessionEnded(ActorTcpMetrics? metrics, LuaRuntime runtime, LuaSession session, string? error, bool timedOut)
    {
        var outcome = timedOut ? s_timeout : error is null ? s_ok : s_error;
        if (session.Activity is { } activity)
        {
            session.Activity = null;
            ActorTcpActivities.Stop(activity, (string)outcome.Value!);
        }
        if (metrics is null) return;
        metrics.LuaSessions.Add(1, session.IsTask ? s_task : s_script, outcome);
        if (!session.IsTask || !(metrics.LuaTasks.Enabled || session.Started != 0)) return;
        var function = FunctionTag(metrics, runtime, session.Name);
        metrics.LuaTasks.Add(1, function, outcome);
        if (session.Started != 0) metrics.LuaTaskDuration.Record(Stopwatch.GetElapsedTime(session.Started).TotalSeconds, function, outcome);
    }

    /// <summary>
    /// The <c>function</c> tag of a task: its name when the global is a function (bounded by
    /// <see cref="ActorTcpMetrics.TaskFunctions"/>), else <c>undefined</c>, so a caller's typo takes no tag of its own.
    /// </summary>
    private static KeyValuePair<string, object?> FunctionTag(ActorTcpMetrics metrics, LuaRuntime runtime, string name) =>
        IsGlobalFunction(runtime.L, name) ? metrics.TaskFunctions.Tag(name) : s_undefined;

    // A raw read of the global: a plugin's __index on _G must not run (and raise) outside a protected call.
    private static bool IsGlobalFunction(IntPtr L, string name)
    {
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
        var type = RawGetField(L, -1, name);
        lua_pop(L, 2);
        return type == LUA_TFUNCTION;
    }
}
