using System.Text;
using ActorTcp.LuaApi;
using Xunit;

namespace ActorTcp.Tests.Lua.Units;

/// <summary>
/// actortcp.lua.memory-limit on one runtime: the allocator refuses Lua code past the limit (Lua's own <c>not enough
/// memory</c>), never the host's C# (a refusal there would be a longjmp through .NET frames, or a panic), keeps a
/// reserve for the code handling the error, and the state serves on after a full collection.
/// </summary>
public sealed class LuaMemoryTests
{
    private const long Limit = 16 << 20;

    /// <summary>
    /// Fills the state to the limit with a list of 1 KB strings kept in the global <c>keep</c> (reachable: the
    /// collector cannot free it) and prints how the fill ended. Small steps: the refusal comes within 1 KB of the limit.
    /// </summary>
    private const string FillToTheLimit = """
        keep = nil
        local n = 0
        local ok, err = pcall(function() while true do keep = {keep, ('x'):rep(1000) .. n} n = n + 1 end end)
        print(ok, err)
        """;

    private static LuaTestRuntime NewRuntime(long limit = Limit, long budget = LuaSandboxSettings.DefaultInstructionBudget) =>
        new(LuaSandboxSettings.Default with { MemoryLimit = limit, InstructionBudget = budget });

    private static string? Run(LuaTestRuntime lua, string code) => lua.Runtime.RunChunk(Encoding.UTF8.GetBytes(code), "plugin.lua");

    [Fact]
    public void Lua_code_past_the_limit_gets_not_enough_memory_and_the_state_serves_on()
    {
        using var lua = NewRuntime();

        Assert.Null(Run(lua, FillToTheLimit));
        Assert.Equal("false\tnot enough memory", Assert.Single(lua.Printed));
        Assert.InRange(lua.Runtime.Memory.Used, Limit - (64 << 10), Limit + LuaMemory.Reserve);
        Assert.Equal(1, lua.Runtime.Memory.Refusals);

        Assert.Null(Run(lua, "keep = nil print('after')"));
        lua.Runtime.CollectGarbage();
        Assert.Equal("after", lua.Printed[^1]);
        Assert.True(lua.Runtime.MemoryBytes() < 2 << 20, $"{lua.Runtime.MemoryBytes()} bytes after the collection");
        Assert.Equal(lua.Runtime.MemoryBytes(), lua.Runtime.Memory.Used);
    }

    [Fact]
    public void A_run_killed_by_the_limit_fails_with_not_enough_memory_and_its_memory_is_collected()
    {
        using var lua = NewRuntime();

        var error = Run(lua, "local t = {} for i = 1, 1e7 do t[i] = ('x'):rep(100) .. i end");

        Assert.NotNull(error);
        Assert.StartsWith("not enough memory\nstack traceback:", error);
        // The host collected after the run, without being asked.
        Assert.True(lua.Runtime.Memory.Used < 2 << 20, $"{lua.Runtime.Memory.Used} bytes after the failed run");
        Assert.Null(Run(lua, "print('after')"));
        Assert.Equal(["after"], lua.Printed);
    }

    [Fact]
    public void Raw_host_functions_push_past_the_limit_without_a_refusal()
    {
        using var lua = NewRuntime();

        // 4 MiB of data made before the fill; then, at the limit, raw text functions that push 4 MiB each (a string, a
        // text): past the limit and the reserve, where a refusal would be a longjmp through the host's C# frames (a
        // process abort). The Lua code after a push may fail (every allocation of its own is refused then): each step
        // ends with its length or with not enough memory.
        Assert.Null(Run(lua, $$"""
            local big = ('y'):rep(4 * 1024 * 1024)
            local text, parts = rspamd_text.fromstring(big), {big}
            local fromstring, fromtable, tostring = rspamd_text.fromstring, rspamd_text.fromtable, tostring
            local steps = {
              function() return #tostring(text) end,
              function() return #fromstring(big) end,
              function() return #text:str() end,
              function() return #fromtable(parts) end,
            }
            local outcomes = {0, 0, 0, 0}
            {{FillToTheLimit}}
            for i = 1, #steps do
              local ok, result = pcall(steps[i])
              outcomes[i] = result
            end
            keep = nil
            collectgarbage()
            print(table.concat(outcomes, ','))
            """));

        Assert.Equal(2, lua.Printed.Count);
        Assert.Equal("false\tnot enough memory", lua.Printed[0]);
        Assert.All(lua.Printed[1].Split(','), outcome => Assert.Contains(outcome, new[] { "4194304", "not enough memory" }));
        Assert.True(lua.Runtime.Memory.Peak > Limit + LuaMemory.Reserve + (4 << 20),
            $"peak {lua.Runtime.Memory.Peak}: the host's pushes did not pass the limit");
        Assert.Null(Run(lua, "print('after')"));
        Assert.Equal("after", lua.Printed[^1]);
    }

    [Fact]
    public void A_message_handler_builds_its_traceback_from_the_reserve_after_a_memory_error()
    {
        using var lua = NewRuntime();

        // keep holds the state at the limit while the handler runs: the traceback and print need the reserve.
        Assert.Null(Run(lua, FillToTheLimit + "\n" + """
            local ok, trace = xpcall(function() error('boom') end, debug.traceback)
            print(ok, trace)
            """));

        Assert.Equal(2, lua.Printed.Count);
        Assert.StartsWith("false\tplugin.lua:5: boom\nstack traceback:", lua.Printed[1]);
        Assert.True(lua.Runtime.Memory.Peak > Limit, "the handler did not need the reserve");
        Assert.True(lua.Runtime.Memory.Peak <= Limit + LuaMemory.Reserve, $"peak {lua.Runtime.Memory.Peak}");
    }

    [Fact]
    public void A_memory_error_in_a_message_handler_or_a_finalizer_is_an_error_like_any_other()
    {
        // No budget: only then may plugins have __gc metamethods. Each allocates at most ~40 MB without a limit.
        using var lua = NewRuntime(budget: 0);

        Assert.Null(Run(lua, """
            local function fill() local t = {} for i = 1, 3e5 do t[i] = ('x'):rep(100) .. i end return t end
            print(xpcall(function() error('boom') end, function(m) fill() return 'handled: ' .. m end))
            warn('@on')
            setmetatable({}, {__gc = function() fill() end})
            collectgarbage()
            print('alive')
            """));

        Assert.Equal(2, lua.Printed.Count);
        // A memory error inside the handler ends the xpcall with that error (Lua does not call the handler again).
        Assert.Equal("false\tnot enough memory", lua.Printed[0]);
        Assert.Equal("alive", lua.Printed[1]);
        var warning = Assert.Single(lua.Logged, l => l.StartsWith("warning: ", StringComparison.Ordinal));
        Assert.Contains("__gc", warning);
        Assert.Contains("not enough memory", warning);
    }

    [Theory]
    // The largest string string.rep makes (Lua 5.4 refuses more than INT_MAX bytes as "resulting string too large").
    [InlineData("local s = string.rep('x', 2^31 - 2) print(#s)")]
    // 10 GiB through a buffer that grows: every growth past the limit is refused.
    [InlineData("local m, t = ('x'):rep(2^20), {} for i = 1, 10240 do t[i] = m end local s = table.concat(t) print(#s)")]
    public void A_huge_string_is_refused_at_once_without_growing_the_process(string code)
    {
        using var lua = NewRuntime();
        var before = Environment.WorkingSet;
        var started = System.Diagnostics.Stopwatch.StartNew();

        var error = Run(lua, code);

        Assert.NotNull(error);
        Assert.StartsWith("not enough memory", error);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
        Assert.True(Environment.WorkingSet - before < 200 << 20, $"working set grew by {(Environment.WorkingSet - before) >> 20} MiB");
        Assert.Empty(lua.Printed);
    }

    [Fact]
    public void Limit_zero_is_no_limit()
    {
        using var lua = NewRuntime(limit: 0);

        Assert.Null(Run(lua, "local s = ('x'):rep(40 * 1024 * 1024) print(#s)"));

        Assert.Equal(["41943040"], lua.Printed);
        Assert.Equal(0, lua.Runtime.Memory.Limit);
        Assert.True(lua.Runtime.Memory.Peak > 40 << 20);
    }

    [Fact]
    public void Warnings_are_off_until_a_plugin_turns_them_on_and_go_to_the_host_log()
    {
        using var lua = NewRuntime();

        Assert.Null(Run(lua, "warn('hidden') warn('@on') warn('shown ', 'in ', 'pieces') warn('@off') warn('hidden again')"));

        Assert.Equal(["warning: Lua warning: shown in pieces"], lua.Logged);
    }
}
