using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Modules;

/// <summary>Return conventions of raw host functions: <c>true, value</c> or <c>false, message</c>, never a raised error.</summary>
internal static class HostFunction
{
    /// <summary>Pushes <c>false, message</c> (2 results): the Lua wrapper raises it.</summary>
    public static int Error(IntPtr L, string message)
    {
        lua_pushboolean(L, 0);
        PushText(L, message);
        return 2;
    }

    /// <summary>An unexpected exception inside a host function: reported like an argument error, never thrown into Lua.</summary>
    public static int Fail(IntPtr L, Exception e) => Error(L, "internal error: " + e.Message);

    /// <summary>Pushes <c>true</c> (1 result).</summary>
    public static int Ok(IntPtr L)
    {
        lua_pushboolean(L, 1);
        return 1;
    }
}
