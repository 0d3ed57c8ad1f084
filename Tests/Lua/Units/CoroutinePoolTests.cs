using System.Text;
using ActorTcp.LuaApi;
using Xunit;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.Tests.Lua.Units;

/// <summary><see cref="CoroutinePool"/> on its own: renting, running and recycling the coroutines Lua code runs in.</summary>
public class CoroutinePoolTests
{
    /// <summary>Rents a coroutine and pushes the function compiled from <paramref name="code"/> on it.</summary>
    private static Coroutine Prepare(LuaRuntime runtime, string code)
    {
        Assert.Null(runtime.Load(Encoding.UTF8.GetBytes(code), "test"));
        var co = runtime.Coroutines.Rent();
        lua_xmove(runtime.L, co.L, 1);
        return co;
    }

    [Fact]
    public void A_coroutine_whose_run_returned_is_the_next_one_rented()
    {
        using var lua = new LuaTestRuntime();
        var pool = lua.Runtime.Coroutines;
        var co = Prepare(lua.Runtime, "print('ran')");

        Assert.Equal(RunOutcome.Returned, pool.Run(co, 0, out var error));

        Assert.Null(error);
        Assert.Equal(["ran"], lua.Printed);
        Assert.Same(co, pool.Rent());
    }

    [Fact]
    public void Rented_coroutines_are_distinct_threads_found_by_their_state()
    {
        using var lua = new LuaTestRuntime();
        var pool = lua.Runtime.Coroutines;

        var a = pool.Rent();
        var b = pool.Rent();

        Assert.NotSame(a, b);
        Assert.NotEqual(a.L, b.L);
        Assert.Same(a, pool.Find(a.L));
        Assert.Same(b, pool.Find(b.L));
        Assert.Null(pool.Find(lua.Runtime.L));
    }

    [Fact]
    public void Arguments_pushed_after_the_function_are_its_parameters()
    {
        using var lua = new LuaTestRuntime();
        var co = Prepare(lua.Runtime, "local a, b = ... print(a .. '+' .. b)");
        PushText(co.L, "x");
        PushText(co.L, "y");

        Assert.Equal(RunOutcome.Returned, lua.Runtime.Coroutines.Run(co, 2, out _));

        Assert.Equal(["x+y"], lua.Printed);
    }

    [Fact]
    public void A_raised_error_fails_the_run_with_the_message_and_a_traceback_and_the_coroutine_is_reused()
    {
        using var lua = new LuaTestRuntime();
        var pool = lua.Runtime.Coroutines;
        var co = Prepare(lua.Runtime, "local function inner() error('boom') end inner()");

        Assert.Equal(RunOutcome.Failed, pool.Run(co, 0, out var error));

        Assert.Contains("test:1: boom", error);
        Assert.Contains("stack traceback:", error);
        Assert.Same(co, pool.Rent());
        lua_settop(co.L, 0);
        Assert.Null(lua.Runtime.Load("print('again')"u8, "again"));
        lua_xmove(lua.Runtime.L, co.L, 1);
        Assert.Equal(RunOutcome.Returned, pool.Run(co, 0, out _));
        Assert.Equal(["again"], lua.Printed);
    }

    [Fact]
    public void An_error_value_that_is_no_string_is_named_by_its_type()
    {
        using var lua = new LuaTestRuntime();
        var co = Prepare(lua.Runtime, "error({})");

        Assert.Equal(RunOutcome.Failed, lua.Runtime.Coroutines.Run(co, 0, out var error));

        Assert.StartsWith("(error object is a table value)", error);
    }

    [Fact]
    public void A_plain_yield_that_reaches_the_host_fails_the_run()
    {
        using var lua = new LuaTestRuntime();
        var pool = lua.Runtime.Coroutines;
        var co = Prepare(lua.Runtime, "coroutine.yield(1)");

        Assert.Equal(RunOutcome.Failed, pool.Run(co, 0, out var error));

        Assert.Equal("attempt to yield from outside a coroutine (only the sync API may suspend a callback)", error);
        Assert.Equal(0, pool.Suspended);
        Assert.Same(co, pool.Rent());
    }

    [Fact]
    public void Finished_is_raised_once_per_run_with_the_error_while_the_failure_label_is_still_set()
    {
        using var lua = new LuaTestRuntime();
        var pool = lua.Runtime.Coroutines;
        var seen = new List<(string? Label, string? Error)>();
        pool.Finished += (co, error) => seen.Add((co.FailureLabel, error));

        var ok = Prepare(lua.Runtime, "return 1");
        ok.FailureLabel = "first";
        pool.Run(ok, 0, out _);
        var failing = Prepare(lua.Runtime, "error('bad')");
        failing.FailureLabel = "second";
        pool.Run(failing, 0, out _);

        Assert.Equal(2, seen.Count);
        Assert.Equal(("first", (string?)null), seen[0]);
        Assert.Equal("second", seen[1].Label);
        Assert.Contains("bad", seen[1].Error);
        Assert.Null(ok.FailureLabel);
        Assert.Null(failing.FailureLabel);
    }

    [Fact]
    public void End_of_run_actions_run_once_when_the_run_ends()
    {
        using var lua = new LuaTestRuntime();
        var pool = lua.Runtime.Coroutines;
        var runs = 0;
        var co = Prepare(lua.Runtime, "return");
        co.OnFinished = [() => runs++];

        pool.Run(co, 0, out _);
        Assert.Equal(1, runs);
        Assert.Null(co.OnFinished);

        lua_settop(co.L, 0);
        Assert.Null(lua.Runtime.Load("return"u8, "again"));
        lua_xmove(lua.Runtime.L, co.L, 1);
        pool.Run(co, 0, out _);
        Assert.Equal(1, runs);
    }

    [Fact]
    public void A_failing_callback_is_logged_with_its_label()
    {
        using var lua = new LuaTestRuntime();
        var co = Prepare(lua.Runtime, "error('oops')");

        Assert.Equal(RunOutcome.Failed, lua.Runtime.Coroutines.RunCallback(co, 0, "read callback"));

        var line = Assert.Single(lua.Logged);
        Assert.StartsWith("error: read callback failed: test:1: oops", line);
    }

    [Fact]
    public void A_released_coroutine_is_rented_again_with_an_empty_stack()
    {
        using var lua = new LuaTestRuntime();
        var pool = lua.Runtime.Coroutines;
        var co = pool.Rent();
        co.FailureLabel = "someone";
        lua_pushinteger(co.L, 7);

        pool.Release(co);

        Assert.Same(co, pool.Rent());
        Assert.Equal(0, lua_gettop(co.L));
        Assert.Null(co.FailureLabel);
    }

    [Fact]
    public void At_most_128_coroutines_stay_idle_and_the_rest_are_forgotten()
    {
        using var lua = new LuaTestRuntime();
        var pool = lua.Runtime.Coroutines;
        var rented = Enumerable.Range(0, 130).Select(_ => pool.Rent()).ToList();

        foreach (var co in rented) pool.Release(co);

        Assert.Equal(128, rented.Count(co => pool.Find(co.L) is not null));
        Assert.Null(pool.Find(rented[^1].L));
    }

    [Fact]
    public void A_run_stopped_by_the_instruction_budget_fails_and_its_coroutine_is_never_run_again()
    {
        using var lua = new LuaTestRuntime(LuaSandboxSettings.Default with { InstructionBudget = 100_000 });
        var pool = lua.Runtime.Coroutines;
        var co = Prepare(lua.Runtime, "while true do end");

        Assert.Equal(RunOutcome.Failed, pool.Run(co, 0, out var error));

        Assert.StartsWith(lua.Runtime.Budget.Message, error);
        Assert.Null(pool.Find(co.L));
        Assert.NotSame(co, pool.Rent());
        Assert.Equal(RunOutcome.Failed, pool.Run(co, 0, out var again));
        Assert.Equal("internal error: resuming a discarded coroutine", again);
    }
}
