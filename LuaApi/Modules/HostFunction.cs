using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Modules;

/// <summary>
/// The return convention of raw host functions (the <c>raw</c> table; described for the Lua side at the top of
/// prelude.lua). A raw function never raises or yields and lets no exception out; its first result says how the call
/// went and its Lua wrapper acts on it:
/// <list type="bullet">
/// <item><c>true, results...</c> (<see cref="Ok"/>, then push the results): done; the results are the call's.</item>
/// <item><c>false, message</c> (<see cref="Error"/>, <see cref="Fail"/>): the call cannot be done (bad argument,
/// internal error); the wrapper raises the message.</item>
/// <item>no result: only from a function that suspends the coroutine (the sync API); the wrapper yields and returns
/// what the host resumes it with.</item>
/// </list>
/// No raw function is installed as a metamethod itself (Lua keeps only a metamethod's first result).
/// </summary>
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

    /// <summary>Pushes <c>true</c> (1 result): push the call's results after it and count them in.</summary>
    public static int Ok(IntPtr L)
    {
        lua_pushboolean(L, 1);
        return 1;
    }
}
