using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Modules;

/// <summary>Host functions every chunk relies on: <c>print</c>'s output and the host log.</summary>
internal sealed unsafe class BaseModule : ILuaModule
{
    public IReadOnlyList<string> LuaChunks => [];

    public void RegisterRawFunctions(IntPtr L)
    {
        SetFunction(L, "print", &Print);
        SetFunction(L, "log_info", &LogInfo);
    }

    public void Dispose() { }

    private static int Print(IntPtr L)
    {
        try
        {
            LuaRuntime.Of(L).Output.WriteLine(ToBytes(L, 1));
            return HostFunction.Ok(L);
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    private static int LogInfo(IntPtr L)
    {
        try
        {
            LuaRuntime.Of(L).Log.Info(ToText(L, 1) ?? "");
            return HostFunction.Ok(L);
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }
}
