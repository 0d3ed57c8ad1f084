using ActorTcp.Actors.Upstreams;
using ActorTcp.LuaApi.Modules;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Upstreams;

// The raw functions of rspamd_upstream_list. Each returns `true, values...` or `false, message`, which the Lua wrapper
// (rspamd_upstream_list.lua) raises: nothing here raises or yields (docs/architecture.md#the-lua-boundary). Messages are rspamd's.
internal sealed unsafe partial class UpstreamModule
{
    private const string NotList = "bad argument #1 to '?' ('upstream_list' expected)";
    private const string NotUpstream = "bad argument #1 to '?' ('upstream' expected)";

    // raw.ups_create(def, port): def a string, or an array of strings where false stands for a value that was neither
    // a string nor a number; port an integer in 1..65535 or nil (the wrapper decoded and checked it).
    private static int Create(IntPtr L)
    {
        try
        {
            return LuaRuntime.Of(L).Module<UpstreamModule>().CreateList(L);
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    private int CreateList(IntPtr L)
    {
        int? port = lua_type(L, 2) == LUA_TNUMBER ? (int)lua_tointegerx(L, 2, null) : null;
        UpstreamDefinition definition;
        string? line;
        var table = lua_type(L, 1) == LUA_TTABLE;
        if (table)
        {
            var definitions = new List<string?>();
            for (var i = 1; lua_rawgeti(L, 1, i) != LUA_TNIL; i++)
            {
                definitions.Add(lua_type(L, -1) == LUA_TSTRING ? ToText(L, -1) : null);
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
            definition = UpstreamDefinitionParser.ParseAll(definitions, port);
            line = definitions.FirstOrDefault(d => d is not null);
        }
        else
        {
            line = ToText(L, 1) ?? "";
            definition = UpstreamDefinitionParser.Parse(line, port);
        }
        foreach (var reason in definition.Rejected) LuaRuntime.Of(L).Log.Warning(reason);

        lua_pushboolean(L, 1);
        // A string that gave no upstream is nil, as in rspamd; a table always gives a list, maybe empty.
        if (!table && definition.Members.Count == 0)
        {
            lua_pushnil(L);
            return 2;
        }
        var list = new LuaUpstreamList(++_lastListId, new UpstreamList(definition, line));
        _lists.Add(list.Id, list);
        // Every backend, not only names to resolve: the owner's gauges show a backend from its list's creation on, not
        // only from its first failure. Each once per host, as lists are often made per task.
        var untracked = definition.Members.Where(m => _tracked.Add(m.Key)).ToArray();
        if (untracked.Length > 0) Owner.Tell(new TrackUpstreams(untracked), Host);
        PushList(L, list);
        return 2;
    }

    // raw.ups_select(list, method, key): method 0 round robin, 1 master-slave, 2 hash (key: a string or number).
    private static int SelectFunction(IntPtr L)
    {
        try
        {
            var module = LuaRuntime.Of(L).Module<UpstreamModule>();
            if (module.ListAt(L, 1) is not { } list) return HostFunction.Error(L, NotList);
            var method = (UpstreamRotation)lua_tointegerx(L, 2, null);
            ReadOnlySpan<byte> key = default;
            if (method == UpstreamRotation.Hash)
            {
                if (lua_type(L, 3) is not (LUA_TSTRING or LUA_TNUMBER))
                    return HostFunction.Error(L, $"bad argument #2 to '?' (string expected, got {TypeName(L, 3)})");
                key = ToBytes(L, 3);
            }
            var member = module.Select(list, method, key);
            lua_pushboolean(L, 1);
            if (member is null) lua_pushnil(L);
            else PushUpstream(L, 1, list, member);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    private static int All(IntPtr L)
    {
        try
        {
            var module = LuaRuntime.Of(L).Module<UpstreamModule>();
            if (module.ListAt(L, 1) is not { } list) return HostFunction.Error(L, NotList);
            var members = list.List.Members(module.Table);
            lua_pushboolean(L, 1);
            lua_createtable(L, members.Count, 0);
            for (var i = 0; i < members.Count; i++)
            {
                PushUpstream(L, 1, list, members[i]);
                lua_rawseti(L, -2, i + 1);
            }
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // raw.ups_watch(list, events, function): events a bit set of UpstreamEvent (the wrapper parsed the names).
    private static int AddWatcher(IntPtr L)
    {
        try
        {
            var runtime = LuaRuntime.Of(L);
            var module = runtime.Module<UpstreamModule>();
            if (module.ListAt(L, 1) is not { } list) return HostFunction.Error(L, NotList);
            if (lua_type(L, 3) != LUA_TFUNCTION) return HostFunction.Error(L, "invalid arguments");
            var events = (int)lua_tointegerx(L, 2, null);
            lua_pushvalue(L, 3);
            list.Watchers.Add(new Watcher(events, runtime.Ref(L)));
            return HostFunction.Ok(L);
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    private static int Name(IntPtr L)
    {
        try
        {
            var module = LuaRuntime.Of(L).Module<UpstreamModule>();
            if (!module.TryUpstreamAt(L, 1, out _, out var member)) return HostFunction.Error(L, NotUpstream);
            lua_pushboolean(L, 1);
            PushText(L, member?.Name ?? "");
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    private static int Port(IntPtr L)
    {
        try
        {
            var module = LuaRuntime.Of(L).Module<UpstreamModule>();
            if (!module.TryUpstreamAt(L, 1, out _, out var member)) return HostFunction.Error(L, NotUpstream);
            lua_pushboolean(L, 1);
            // The port of the address the rotation is at; 0 for a unix socket, or an upstream without address yet.
            lua_pushinteger(L, member?.CurrentAddress(module.Table)?.Port ?? 0);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    private static int Address(IntPtr L)
    {
        try
        {
            var module = LuaRuntime.Of(L).Module<UpstreamModule>();
            if (!module.TryUpstreamAt(L, 1, out _, out var member)) return HostFunction.Error(L, NotUpstream);
            lua_pushboolean(L, 1);
            // nil while a name or SRV element has no answer (rspamd 3.4 crashes there).
            if (member?.NextAddress(module.Table) is { } address) PushIp(L, address);
            else lua_pushnil(L);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    private static int OkFunction(IntPtr L)
    {
        try
        {
            var module = LuaRuntime.Of(L).Module<UpstreamModule>();
            if (!module.TryUpstreamAt(L, 1, out _, out var member)) return HostFunction.Error(L, NotUpstream);
            if (member is not null) module.Ok(member);
            return HostFunction.Ok(L);
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // raw.up_fail(upstream, blame_address)
    private static int FailFunction(IntPtr L)
    {
        try
        {
            var module = LuaRuntime.Of(L).Module<UpstreamModule>();
            if (!module.TryUpstreamAt(L, 1, out _, out var member)) return HostFunction.Error(L, NotUpstream);
            if (member is not null) module.Fail(member, blameAddress: lua_toboolean(L, 2) != 0);
            return HostFunction.Ok(L);
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }
}
