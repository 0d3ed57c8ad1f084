using System.Reflection;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Library;

/// <summary>
/// rspamd's Lua library on a host (rspamd_lualib.lua): the directory <c>require</c> searches, LPeg when a native one
/// is configured, and otherwise ActorTcp's compatible <c>lua_util</c> and <c>lua_redis</c> (Lua/compat/), which need no
/// LPeg. Everything is handed to the chunk as values: nothing here is called from Lua.
/// </summary>
internal sealed unsafe class LibraryModule(LuaLibrarySettings settings, ILuaLog log) : ILuaModule
{
    /// <summary>The compatible modules, preloaded when no native LPeg is there (docs/scanners.md).</summary>
    public static readonly string[] CompatModules = ["lua_util", "lua_redis"];

    public IReadOnlyList<string> LuaChunks => ["rspamd_lualib.lua"];

    public void RegisterRawFunctions(IntPtr L)
    {
        if (settings.RspamdLualib is { } lualib)
        {
            PushText(L, lualib.TrimEnd('/'));
            lua_setfield(L, -2, "rspamd_lualib");
        }
        if (settings.Lpeg is { } lpeg)
        {
            var open = NativeLpeg.Open(lpeg, out var error);
            if (open != IntPtr.Zero)
            {
                // luaopen_lpeg is LPeg's own C function: Lua calls it directly, as it would from package.cpath.
                lua_pushcclosure(L, (delegate* unmanaged[Cdecl]<IntPtr, int>)open, 0);
                lua_setfield(L, -2, "lpeg_open");
            }
            else
            {
                log.Warning($"actortcp.lua.lpeg: {error}; lua_util and lua_redis are ActorTcp's compatible ones");
            }
        }
        lua_createtable(L, 0, CompatModules.Length);
        foreach (var name in CompatModules)
        {
            PushBytes(L, CompatSource(name));
            lua_setfield(L, -2, name);
        }
        lua_setfield(L, -2, "compat_modules");
    }

    public void Dispose() { }

    private static byte[] CompatSource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"compat/{name}.lua")
            ?? throw new InvalidOperationException($"embedded Lua module compat/{name}.lua is missing");
        var code = new byte[stream.Length];
        stream.ReadExactly(code);
        return code;
    }
}
