using System.Text;
using ActorTcp.LuaApi;
using ActorTcp.LuaApi.Modules;
using Xunit;

namespace ActorTcp.Tests.Lua;

/// <summary>
/// A plugin error's traceback starts at the plugin's frames: not at the host's own frames on top of them (the
/// instruction budget's hook in sandbox.lua, a wrapper of rspamd_text.lua that raised for the plugin), whether the host
/// builds it for a failed run or prelude's protected_call does for a callback.
/// </summary>
public sealed class TracebackTests
{
    private sealed class NoOutput : ILuaOutput
    {
        public void WriteLine(ReadOnlySpan<byte> line) { }
    }

    private sealed class CapturedLog : ILuaLog
    {
        public List<string> Lines { get; } = [];

        public void Info(string message) => Lines.Add(message);

        public void Warning(string message) => Lines.Add(message);

        public void Error(string message) => Lines.Add(message);

        public void Debug(string message) => Lines.Add(message);
    }

    private static LuaRuntime NewRuntime(CapturedLog log, bool debugLibrary = false) =>
        new(new NoOutput(), log, [new BaseModule(), new TextModule()],
            new LuaSandboxSettings { InstructionBudget = 1_000_000, DebugLibrary = debugLibrary });

    /// <summary>The frame lines of a traceback (after "stack traceback:"), without their tab.</summary>
    private static string[] Frames(string traceback)
    {
        var at = traceback.IndexOf("\nstack traceback:\n", StringComparison.Ordinal);
        Assert.True(at >= 0, "no traceback in: " + traceback);
        return traceback[(at + "\nstack traceback:\n".Length)..].Split('\n').Select(l => l.TrimStart('\t')).ToArray();
    }

    private static string RunFailing(string code)
    {
        using var runtime = NewRuntime(new CapturedLog());
        var error = runtime.RunChunk(Encoding.UTF8.GetBytes(code), "plugin.lua");
        Assert.NotNull(error);
        return error;
    }

    [Fact]
    public void A_runaway_loop_stopped_by_the_budget_shows_the_loop_not_the_budget_hook()
    {
        var error = RunFailing("local function spin()\n  while true do end\nend\nspin()\n");
        Assert.StartsWith("instruction budget exceeded", error);
        Assert.Equal(["plugin.lua:2: in local 'spin'", "plugin.lua:4: in main chunk"], Frames(error));
        Assert.DoesNotContain("sandbox.lua", error);
    }

    [Fact]
    public void An_argument_error_raised_by_a_wrapper_starts_at_the_calling_line()
    {
        var error = RunFailing("local t = rspamd_text.fromstring('x')\nlocal function f()\n  t:sub({})\nend\nf()\n");
        Assert.StartsWith("plugin.lua:3: text:sub: bad argument #1 'i'", error);
        Assert.Equal(["plugin.lua:3: in local 'f'", "plugin.lua:5: in main chunk"], Frames(error));
    }

    [Fact]
    public void The_C_function_a_plugin_called_stays_on_top()
    {
        var error = RunFailing("local function boom()\n  error('boom')\nend\nboom()\n");
        Assert.Equal(["[C]: in function 'error'", "plugin.lua:2: in local 'boom'", "plugin.lua:4: in main chunk"], Frames(error));
    }

    [Fact]
    public void A_callback_error_logged_by_protected_call_starts_at_the_callback()
    {
        var log = new CapturedLog();
        // The whole debug library reaches the raw table through the registry: only to call protected_call directly.
        using var runtime = NewRuntime(log, debugLibrary: true);
        Assert.Null(runtime.RunChunk("""
            local raw
            for _, v in pairs(debug.getregistry()) do
              if type(v) == 'table' and rawget(v, 'protected_call') then raw = v end
            end
            local t = rspamd_text.fromstring('x')
            raw.protected_call('callback call', function()
              t:sub({})
            end)
            """u8, "plugin.lua"));
        var failure = Assert.Single(log.Lines);
        Assert.StartsWith("callback call failed: plugin.lua:7: text:sub: bad argument #1 'i'", failure);
        var frames = Frames(failure);
        Assert.Equal("plugin.lua:7: in function <plugin.lua:6>", frames[0]);
        Assert.DoesNotContain(frames, f => f.StartsWith("rspamd_text.lua", StringComparison.Ordinal));
    }
}
