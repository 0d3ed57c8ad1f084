using System.Text;
using ActorTcp.LuaApi.Modules;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Sessions;

/// <summary>
/// <c>task:insert_result([enforce,] symbol, weight[, option...])</c>, rspamd's signature: the raw function behind it
/// (prelude.lua's task method) and the symbols a session collects. Options are strings, texts, or tables of them;
/// <c>nil</c> options are skipped, as rspamd skips them. A symbol inserted again keeps the larger weight and gains the
/// new options (rspamd merges a repeated symbol the same way when it is not one-shot).
/// </summary>
internal sealed unsafe class TaskResults : ILuaModule
{
    /// <summary>Most options one symbol keeps (rspamd caps them too; the rest are dropped).</summary>
    public const int MaxOptions = 64;

    public IReadOnlyList<string> LuaChunks => [];

    public void RegisterRawFunctions(IntPtr L) => SetFunction(L, "task_insert_result", &InsertResult);

    public void Dispose() { }

    // raw.task_insert_result(session, [enforce,] symbol, weight, options...) -> true | false, message
    private static int InsertResult(IntPtr L)
    {
        try
        {
            var runtime = LuaRuntime.Of(L);
            var (_, session) = runtime.Sessions.At(L, 1);
            var at = lua_type(L, 2) == LUA_TBOOLEAN ? 3 : 2;
            if (lua_type(L, at) != LUA_TSTRING)
                return HostFunction.Error(L, $"insert_result: bad argument #{at - 1} 'symbol' (string expected, got {TypeName(L, at)})");
            var symbol = ToText(L, at)!;
            // luaL_checknumber's rule, as rspamd's: a number or a string that converts to one (spamassassin.lua passes
            // the score it cut out of spamd's reply, "1000.0").
            int isNumber = 0;
            var type = lua_type(L, at + 1);
            var weight = type is LUA_TNUMBER or LUA_TSTRING ? lua_tonumberx(L, at + 1, &isNumber) : double.NaN;
            if (isNumber == 0 || double.IsNaN(weight))
                return HostFunction.Error(L, $"insert_result: bad argument #{at} 'weight' (number expected, got {TypeName(L, at + 1)})");

            var options = new List<string>();
            var top = lua_gettop(L);
            for (var i = at + 2; i <= top; i++)
                if (CollectOption(L, i, options, top: true) is { } bad)
                    return HostFunction.Error(L, $"insert_result: bad argument #{i - 1} (option): {bad}");

            // After the session ended nobody reads its symbols: rspamd ignores results of a finished task as well.
            if (session is { Ended: false }) Add(session.Symbols, symbol, weight, options);
            return HostFunction.Ok(L);
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary>Adds the option(s) at <paramref name="idx"/>; the reason when the value cannot be an option.</summary>
    private static string? CollectOption(IntPtr L, int idx, List<string> options, bool top)
    {
        if (TextObjects.TryGetStringOrText(L, idx, out var bytes))
        {
            options.Add(Encoding.UTF8.GetString(bytes));
            return null;
        }
        switch (lua_type(L, idx))
        {
            case LUA_TNIL:
                return null;
            case LUA_TTABLE when top:
                // One level of table, walked in lua_next order as rspamd walks it; the values must be strings or texts.
                var table = lua_absindex(L, idx);
                lua_pushnil(L);
                while (lua_next(L, table) != 0)
                {
                    if (CollectOption(L, -1, options, top: false) is { } bad)
                    {
                        lua_pop(L, 2);
                        return bad;
                    }
                    lua_pop(L, 1);
                }
                return null;
            default:
                return $"string, rspamd{{text}} or a table of them expected, got {TypeName(L, idx)}";
        }
    }

    private static void Add(List<TaskSymbol> symbols, string name, double weight, List<string> options)
    {
        var index = symbols.FindIndex(s => s.Name == name);
        if (index < 0)
        {
            symbols.Add(new TaskSymbol(name, weight, Distinct([], options)));
            return;
        }
        var known = symbols[index];
        symbols[index] = known with
        {
            Score = Math.Max(known.Score, weight),
            Options = Distinct(known.Options, options),
        };
    }

    private static List<string> Distinct(IReadOnlyList<string> first, List<string> more)
    {
        var all = new List<string>(first);
        foreach (var option in more)
            if (all.Count < MaxOptions && !all.Contains(option)) all.Add(option);
        return all;
    }
}
