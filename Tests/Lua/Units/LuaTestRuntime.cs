using ActorTcp.LuaApi;
using ActorTcp.LuaApi.Modules;

namespace ActorTcp.Tests.Lua.Units;

/// <summary>A Lua runtime with the base and text modules, its output and log kept, for tests of host-side classes.</summary>
internal sealed class LuaTestRuntime : IDisposable, ILuaOutput, ILuaLog
{
    public LuaTestRuntime(LuaSandboxSettings? sandbox = null) =>
        Runtime = new LuaRuntime(this, this, [new BaseModule(), new TextModule()], sandbox);

    public LuaRuntime Runtime { get; }

    public List<string> Printed { get; } = [];

    public List<string> Logged { get; } = [];

    public void WriteLine(ReadOnlySpan<byte> line) => Printed.Add(System.Text.Encoding.Latin1.GetString(line));

    public void Info(string message) => Logged.Add("info: " + message);

    public void Warning(string message) => Logged.Add("warning: " + message);

    public void Error(string message) => Logged.Add("error: " + message);

    public void Debug(string message) => Logged.Add("debug: " + message);

    public void Dispose() => Runtime.Dispose();
}
