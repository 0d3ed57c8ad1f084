using System.Text;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi;

/// <summary>A Lua thread created by the host and anchored in the registry.</summary>
internal sealed class Coroutine(IntPtr state, int reference)
{
    /// <summary>The thread's state pointer.</summary>
    public IntPtr L { get; } = state;

    /// <summary>Its registry anchor.</summary>
    public int Reference { get; } = reference;

    /// <summary>What the coroutine is suspended on (a sync connection's operation); null when it may not yield.</summary>
    public ISyncWait? Waiting { get; set; }

    /// <summary>
    /// The label a failure of the current run is logged with (<c>callback call</c> → <c>callback call failed: ...</c>);
    /// null for a session's body, whose failure ends the session instead. Cleared when the coroutine is recycled.
    /// </summary>
    public string? FailureLabel { get; set; }

    /// <summary>The session whose body (a script, or a task's plugin function) this run is; cleared when recycled.</summary>
    public Sessions.LuaSession? BodyOf { get; set; }

    /// <summary>The session the current run belongs to (what it starts is the session's); cleared when recycled.</summary>
    public Sessions.LuaSession? Session { get; set; }

    /// <summary>Run when the coroutine's current run ends for good (returned or failed), then forgotten.</summary>
    public List<Action>? OnFinished { get; set; }
}

/// <summary>What a coroutine suspended in the sync API waits on.</summary>
internal interface ISyncWait
{
    /// <summary>
    /// <paramref name="co"/> will not be resumed by this operation (its run failed before it could yield, or it was
    /// abandoned): the completion must find no waiter.
    /// </summary>
    void Forget(Coroutine co);
}

/// <summary>How a run of a pooled coroutine ended.</summary>
internal enum RunOutcome
{
    /// <summary>The function returned.</summary>
    Returned,
    /// <summary>It yielded to the host and waits for an operation (sync API).</summary>
    Suspended,
    /// <summary>It raised an error (logged).</summary>
    Failed,
}

/// <summary>
/// Host-created coroutines every Lua entry point runs in, reused after each run (rspamd's <c>lua_thread_pool</c>).
/// Reuse matters: a coroutine made per call costs a thread object each time, and only host-created threads can be
/// suspended by the sync API.
/// </summary>
internal sealed unsafe class CoroutinePool(LuaRuntime runtime)
{
    private const int MaxIdle = 128;
    private readonly Stack<Coroutine> _idle = new();
    private readonly Dictionary<IntPtr, Coroutine> _byState = new();

    /// <summary>Coroutines suspended in the sync API.</summary>
    public int Suspended { get; private set; }

    /// <summary>
    /// A run ended for good: the function returned (error null) or raised (error with traceback). Raised before the
    /// coroutine is recycled, so handlers can still see its <see cref="Coroutine.BodyOf"/>.
    /// </summary>
    public event Action<Coroutine, string?>? Finished;

    /// <summary>A coroutine ready to run: push the function, then its arguments, on <see cref="Coroutine.L"/>.</summary>
    public Coroutine Rent()
    {
        if (_idle.TryPop(out var co)) return co;
        var L = runtime.L;
        var thread = lua_newthread(L);
        var reference = luaL_ref(L, LUA_REGISTRYINDEX);
        co = new Coroutine(thread, reference);
        _byState[thread] = co;
        return co;
    }

    /// <summary>The pooled coroutine running as <paramref name="state"/>, or null for the main thread or a Lua-made one.</summary>
    public Coroutine? Find(IntPtr state) => _byState.GetValueOrDefault(state);

    /// <summary>
    /// Runs (or resumes) <paramref name="co"/> with <paramref name="nargs"/> values pushed on it. On a Lua error,
    /// <paramref name="error"/> holds the message with a traceback and the coroutine is recycled.
    /// </summary>
    public RunOutcome Run(Coroutine co, int nargs, out string? error)
    {
        error = null;
        if (!_byState.ContainsKey(co.L))
        {
            // Discarded (or dropped from the pool): its thread may be collected already; never touch it.
            error = "internal error: resuming a discarded coroutine";
            return RunOutcome.Failed;
        }
        if (co.Waiting is not null)
        {
            co.Waiting = null;
            Unsuspend(co);
        }

        int nres;
        var kind = LuaMeasurements.KindOf(co);
        var started = LuaMeasurements.RunStarting(runtime);
        var sessions = runtime.Sessions;
        var outer = sessions.Current;
        sessions.Current = co.Session;
        var interrupted = runtime.Budget.Start(co);
        var memory = runtime.Memory;
        var refusals = memory.Refusals;
        var host = LuaMemory.Enter();
        var status = lua_resume(co.L, runtime.L, nargs, &nres);
        LuaMemory.Leave(host);
        memory.EndRun();
        var tripped = runtime.Budget.Tripped;
        runtime.Budget.End(interrupted);
        sessions.Current = outer;
        var outcome = Finish(co, status, tripped, out error);
        LuaMeasurements.RunEnded(runtime.Metrics, kind, outcome, tripped, started);
        // Lua ran out of memory in this run (caught by the plugin or not): what it held is given back now, once the
        // failed thread is reset, not at the collector's leisure.
        if (memory.Refusals != refusals) runtime.CollectGarbage();
        return outcome;
    }

    private RunOutcome Finish(Coroutine co, int status, bool tripped, out string? error)
    {
        error = null;
        if (status == LUA_OK && !tripped)
        {
            End(co, null);
            Return(co);
            return RunOutcome.Returned;
        }

        if (status == LUA_YIELD && co.Waiting is not null && !tripped)
        {
            lua_settop(co.L, 0);
            Suspended++;
            if (co.Session is { } session) session.Suspended++;
            return RunOutcome.Suspended;
        }

        // A plain coroutine.yield() that reached the host would never be resumed: an error like any other.
        error = status == LUA_YIELD
            ? "attempt to yield from outside a coroutine (only the sync API may suspend a callback)"
            : Traceback(co);
        if (tripped && !error.Contains(runtime.Budget.Message, StringComparison.Ordinal))
            error = runtime.Budget.Message + "\n" + error;
        // Stopped between registering a sync operation and yielding: the operation's completion must find no one.
        co.Waiting?.Forget(co);
        co.Waiting = null;
        End(co, error);
        if (tripped) Discard(co);
        else Reset(co);
        return RunOutcome.Failed;
    }

    /// <summary>Runs a callback: a failure is logged as <c>&lt;label&gt; failed: message</c>, as rspamd logs it.</summary>
    public RunOutcome RunCallback(Coroutine co, int nargs, string label = "callback call")
    {
        co.FailureLabel = label;
        return Run(co, nargs, out _);
    }

    /// <summary>Resumes a coroutine suspended in the sync API with <paramref name="nargs"/> results pushed on it.</summary>
    public RunOutcome Resume(Coroutine co, int nargs) => Run(co, nargs, out _);

    private void End(Coroutine co, string? error)
    {
        if (co.OnFinished is { } actions)
        {
            co.OnFinished = null;
            foreach (var action in actions) action();
        }
        Finished?.Invoke(co, error);
    }

    /// <summary>Gives back a rented coroutine that was not run.</summary>
    public void Release(Coroutine co) => Return(co);

    /// <summary>Abandons a suspended coroutine (its operation will never complete) and recycles it.</summary>
    public void Abandon(Coroutine co)
    {
        if (co.Waiting is not { } waiting) return;
        waiting.Forget(co);
        co.Waiting = null;
        Unsuspend(co);
        // Its end-of-run actions still apply (closing the sync connections it opened), but it neither returned nor failed.
        var actions = co.OnFinished;
        co.OnFinished = null;
        Reset(co);
        if (actions is null) return;
        foreach (var action in actions) action();
    }

    private void Unsuspend(Coroutine co)
    {
        Suspended--;
        if (co.Session is not { } session) return;
        session.Suspended--;
        runtime.Sessions.Changed(session);
    }

    private string Traceback(Coroutine co)
    {
        var L = runtime.L;
        var message = lua_type(co.L, -1) switch
        {
            LUA_TSTRING or LUA_TNUMBER => ToText(co.L, -1),
            var t => $"(error object is a {Marshal(co.L, t)} value)",
        };
        var bytes = Encoding.UTF8.GetBytes((message ?? "") + "\0");
        var level = runtime.TracebackLevel(co);
        fixed (byte* m = bytes) luaL_traceback(L, co.L, m, level);
        var traceback = ToText(L, -1) ?? message ?? "";
        lua_pop(L, 1);
        return traceback;
    }

    private static string Marshal(IntPtr L, int type) =>
        System.Runtime.InteropServices.Marshal.PtrToStringUTF8((IntPtr)lua_typename(L, type)) ?? "?";

    private void Reset(Coroutine co)
    {
        // lua_closethread leaves a dead or suspended thread fresh and reusable (Lua 5.4.6+).
        lua_closethread(co.L, runtime.L);
        Return(co);
    }

    /// <summary>
    /// Forgets a coroutine that must not run again (see <see cref="InstructionBudget.Tripped"/>); the collector frees the
    /// thread. It is not closed: closing runs its pending <c>&lt;close&gt;</c> handlers, and on this thread hooks are off
    /// for good, so an endless handler would hold the host's only thread with no budget to stop it.
    /// </summary>
    private void Discard(Coroutine co)
    {
        co.FailureLabel = null;
        co.BodyOf = null;
        co.Session = null;
        _byState.Remove(co.L);
        runtime.Unref(co.Reference);
    }

    private void Return(Coroutine co)
    {
        co.FailureLabel = null;
        co.BodyOf = null;
        co.Session = null;
        lua_settop(co.L, 0);
        if (_idle.Count < MaxIdle)
        {
            _idle.Push(co);
            return;
        }
        _byState.Remove(co.L);
        runtime.Unref(co.Reference);
    }
}
