using System.Runtime.InteropServices;
using ActorTcp.Actors.Upstreams;
using ActorTcp.LuaApi.Modules;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Upstreams;

// The Lua objects of rspamd_upstream_list: list and upstream userdata (ids into this module), rspamd{ip} (an address
// kept in a user value the Lua chunk reads), and rspamd{config} (the global rspamd_config).
internal sealed unsafe partial class UpstreamModule
{
    public const string ListMetatable = "rspamd{upstream_list}";
    public const string UpstreamMetatable = "rspamd{upstream}";
    public const string IpMetatable = "rspamd{ip}";
    public const string ConfigMetatable = "rspamd{config}";

    private static ReadOnlySpan<byte> ListMetatableZ => "rspamd{upstream_list}\0"u8;
    private static ReadOnlySpan<byte> UpstreamMetatableZ => "rspamd{upstream}\0"u8;

    // A weak-valued table: list id -> list userdata, so a watcher can hand out an upstream of a list Lua still holds.
    private int _listObjects;

    /// <summary>An upstream userdata: its list and its member.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct UpstreamBlock
    {
        public long List;
        public long Member;
    }

    /// <inheritdoc/>
    public void RegisterRawFunctions(IntPtr L)
    {
        luaL_newmetatable(L, ListMetatable);
        // Set before sandbox.lua guards the metatables against a plugin's __gc (ours only forgets the list).
        PushFunction(L, &ListGc);
        lua_setfield(L, -2, "__gc");
        lua_setfield(L, -2, "upstream_list_mt");
        luaL_newmetatable(L, UpstreamMetatable);
        lua_setfield(L, -2, "upstream_mt");
        luaL_newmetatable(L, IpMetatable);
        lua_setfield(L, -2, "ip_mt");
        luaL_newmetatable(L, ConfigMetatable);
        lua_setfield(L, -2, "config_mt");

        lua_createtable(L, 0, 0);
        lua_createtable(L, 0, 1);
        PushText(L, "__mode");
        PushText(L, "v");
        lua_rawset(L, -3);
        lua_setmetatable(L, -2);
        _listObjects = luaL_ref(L, LUA_REGISTRYINDEX);

        SetFunction(L, "ups_create", &Create);
        SetFunction(L, "ups_select", &SelectFunction);
        SetFunction(L, "ups_all", &All);
        SetFunction(L, "ups_watch", &AddWatcher);
        SetFunction(L, "up_name", &Name);
        SetFunction(L, "up_port", &Port);
        SetFunction(L, "up_addr", &Address);
        SetFunction(L, "ip_from_string", &IpFromString);
        SetFunction(L, "up_ok", &OkFunction);
        SetFunction(L, "up_fail", &FailFunction);
        SetFunction(L, "config_new", &NewConfig);
        // rspamd's tostring of these objects: the class, then the userdata's address in 16 upper-case hex digits.
        SetFunction(L, "class_tostring", &ClassToString);
    }

    /// <summary>Pushes a new list userdata for <paramref name="list"/> and remembers it (weakly) by id.</summary>
    private void PushList(IntPtr L, LuaUpstreamList list)
    {
        var block = (long*)lua_newuserdatauv(L, sizeof(long), 0);
        *block = list.Id;
        luaL_setmetatable(L, ListMetatable);
        lua_rawgeti(L, LUA_REGISTRYINDEX, _listObjects);
        lua_pushvalue(L, -2);
        lua_rawseti(L, -2, list.Id);
        lua_pop(L, 1);
    }

    /// <summary>The live list a userdata at <paramref name="idx"/> stands for; null for anything else.</summary>
    private LuaUpstreamList? ListAt(IntPtr L, int idx)
    {
        var block = (long*)TestUdata(L, idx, ListMetatableZ);
        return block is null ? null : _lists.GetValueOrDefault(*block);
    }

    /// <summary>
    /// Pushes a new upstream userdata (rspamd makes one per call) for <paramref name="member"/>; its user value holds the
    /// list userdata at <paramref name="listIdx"/>, so a list lives as long as any of its upstreams.
    /// </summary>
    private static void PushUpstream(IntPtr L, int listIdx, LuaUpstreamList list, UpstreamMember member)
    {
        listIdx = lua_absindex(L, listIdx);
        var block = (UpstreamBlock*)lua_newuserdatauv(L, (nuint)sizeof(UpstreamBlock), 1);
        block->List = list.Id;
        block->Member = member.Id;
        luaL_setmetatable(L, UpstreamMetatable);
        lua_pushvalue(L, listIdx);
        lua_setiuservalue(L, -2, 1);
    }

    /// <summary>
    /// The list and member an upstream userdata at <paramref name="idx"/> stands for; false for anything else. The
    /// member is null when it left its list (an SRV element answered differently since).
    /// </summary>
    private bool TryUpstreamAt(IntPtr L, int idx, out LuaUpstreamList list, out UpstreamMember? member)
    {
        list = null!;
        member = null;
        var block = (UpstreamBlock*)TestUdata(L, idx, UpstreamMetatableZ);
        if (block is null || !_lists.TryGetValue(block->List, out var found)) return false;
        list = found;
        member = found.List.Find(block->Member, Table);
        return true;
    }

    /// <summary>The member an upstream userdata at <paramref name="idx"/> stands for, for <c>rspamd_tcp</c>'s <c>upstream</c>; null for anything else.</summary>
    public UpstreamMember? MemberAt(IntPtr L, int idx) => TryUpstreamAt(L, idx, out _, out var member) ? member : null;

    /// <summary>Whether the value at <paramref name="idx"/> is an upstream userdata.</summary>
    public static bool IsUpstream(IntPtr L, int idx) => TestUdata(L, idx, UpstreamMetatableZ) is not null;

    /// <summary>Pushes an <c>rspamd{ip}</c> for <paramref name="address"/>: a userdata whose user value the Lua methods read.</summary>
    private static void PushIp(IntPtr L, UpstreamAddress address)
    {
        lua_newuserdatauv(L, 0, 1);
        lua_createtable(L, 0, 4);
        SetText(L, "text", address.Format(withPort: false));
        SetText(L, "full", address.Format(withPort: true));
        PushText(L, "port");
        lua_pushinteger(L, address.Port);
        lua_rawset(L, -3);
        PushText(L, "version");
        lua_pushinteger(L, address.Version);
        lua_rawset(L, -3);
        lua_setiuservalue(L, -2, 1);
        luaL_setmetatable(L, IpMetatable);
    }

    // raw.ip_from_string(text) -> true, rspamd{ip} (port 0) | true, nil when the text is no IP address (a task's
    // client address: rspamd has none then either).
    private static int IpFromString(IntPtr L)
    {
        try
        {
            lua_pushboolean(L, 1);
            if (lua_type(L, 1) == LUA_TSTRING && System.Net.IPAddress.TryParse(ToText(L, 1), out var ip))
                PushIp(L, UpstreamAddress.Of(ip, 0));
            else
                lua_pushnil(L);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    private static void SetText(IntPtr L, string field, string value)
    {
        PushText(L, field);
        PushText(L, value);
        lua_rawset(L, -3);
    }

    private static int ListGc(IntPtr L)
    {
        try
        {
            var runtime = LuaRuntime.Of(L);
            var module = runtime.Module<UpstreamModule>();
            var block = (long*)TestUdata(L, 1, ListMetatableZ);
            if (block is null || !module._lists.Remove(*block, out var list)) return 0;
            foreach (var watcher in list.Watchers) runtime.Unref(watcher.Function);
            return 0;
        }
        catch
        {
            // A finalizer has nowhere to report to, and must not throw into Lua.
            return 0;
        }
    }

    // raw.class_tostring(object): the __tostring of lists, upstreams and rspamd_config, from their metatable's class.
    private static int ClassToString(IntPtr L)
    {
        try
        {
            var name = "userdata";
            if (lua_getmetatable(L, 1) != 0)
            {
                if (RawGetField(L, -1, "class") == LUA_TSTRING) name = ToText(L, -1) ?? name;
                lua_pop(L, 2);
            }
            lua_pushboolean(L, 1);
            PushText(L, $"{name}({(ulong)lua_topointer(L, 1):X16})");
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    private static int NewConfig(IntPtr L)
    {
        try
        {
            lua_pushboolean(L, 1);
            lua_newuserdatauv(L, 0, 0);
            luaL_setmetatable(L, ConfigMetatable);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }
}
