using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi;

/// <summary>
/// Stops a runaway callback or script body (an endless loop) after <c>actortcp.lua.instruction-budget</c> Lua
/// instructions in one run, without stopping the host: the run fails with <see cref="Message"/> like any Lua error.
/// </summary>
/// <remarks>
/// A count hook (C#) adds up the instructions of the run, across every thread the run resumes (coroutines a plugin
/// makes inherit the hook). The hook never raises (docs/architecture.md#the-lua-boundary: a longjmp across a C# frame aborts the process).
/// Past the budget it installs, through sandbox.lua's private copy of <c>debug.sethook</c>, a Lua hook that raises
/// the error at every instruction on the running thread and on the host coroutine. Raising at every instruction
/// (not once) is what makes it final: a plugin's <c>pcall</c> catches the error, but the very next instruction of the
/// handler raises again, so the error reaches the host even from <c>while true do pcall(f) end</c> and from places
/// a coroutine cannot yield (a <c>table.sort</c> comparator, a <c>gsub</c> callback).
/// </remarks>
internal sealed unsafe class InstructionBudget(long limit)
{
    /// <summary>Instructions between two hook calls: small enough to stop close to the budget, large enough to be cheap.</summary>
    private const int Granularity = 10_000;

    private long _used;
    private Coroutine? _running;

    /// <summary>Most instructions per run; 0 = unlimited.</summary>
    public long Limit { get; } = limit;

    /// <summary>The error a stopped run fails with.</summary>
    public string Message => $"instruction budget exceeded (actortcp.lua.instruction-budget = {Limit})";

    /// <summary>Registry reference of sandbox.lua's <c>raw.poison(thread, message)</c>; 0 until sandbox.lua ran.</summary>
    public int PoisonRef { get; set; }

    /// <summary>
    /// The current run went over budget. Its coroutine must not be reused: the error left Lua's hook machinery
    /// switched off on that thread (an error raised inside a hook skips <c>allowhook = 1</c>, and
    /// <c>lua_closethread</c> does not restore it), so a reused thread would never be counted again.
    /// </summary>
    public bool Tripped { get; private set; }

    /// <summary>Arms the budget for one run of <paramref name="co"/>; returns the run it interrupts (to restore).</summary>
    public Coroutine? Start(Coroutine co)
    {
        var previous = _running;
        if (Limit <= 0) return previous;
        _running = co;
        _used = 0;
        Tripped = false;
        lua_sethook(co.L, &Hook, LUA_MASKCOUNT, (int)Math.Min(Limit, Granularity));
        return previous;
    }

    /// <summary>The run of <see cref="Start"/> is over (returned, suspended or failed).</summary>
    public void End(Coroutine? previous) => _running = previous;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Hook(IntPtr L, IntPtr ar)
    {
        // C# host code: what it pushes must not be refused (LuaMemory), and the poison it runs is the host's own.
        var outer = LuaMemory.EnterHost();
        try
        {
            LuaRuntime.Of(L).Budget.Count(L);
        }
        catch (Exception)
        {
            // Nothing may leave a hook as an exception; the next hook call tries again.
        }
        LuaMemory.Leave(outer);
    }

    private void Count(IntPtr L)
    {
        _used += Math.Min(Limit, Granularity);
        if (_used < Limit || PoisonRef == 0) return;
        Tripped = true;
        Poison(L, reference: null);
        if (_running is { } co && co.L != L) Poison(L, co.Reference);
    }

    /// <summary>
    /// Calls <c>raw.poison(thread, message)</c> on <paramref name="L"/> (a hook may call Lua; the protected call keeps
    /// any error on this side of the C# frame) for the running thread, or for the host coroutine anchored at
    /// <paramref name="reference"/> (pushed from the registry: its own stack belongs to the call it is suspended in).
    /// </summary>
    private void Poison(IntPtr L, int? reference)
    {
        var top = lua_gettop(L);
        lua_rawgeti(L, LUA_REGISTRYINDEX, PoisonRef);
        if (reference is { } r) lua_rawgeti(L, LUA_REGISTRYINDEX, r);
        else lua_pushthread(L);
        PushText(L, Message);
        lua_pcallk(L, 2, 0, 0, IntPtr.Zero, IntPtr.Zero);
        lua_settop(L, top);
    }
}
