using ActorTcp.Benchmarks.LuaHost;
using ActorTcp.Benchmarks.Server;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>What every workload runs against: the ActorTcp host, the server, and the message size.</summary>
/// <param name="Lua">The ActorTcp host that runs the Lua side.</param>
/// <param name="Server">The echo/stream server (one process for the whole benchmark).</param>
/// <param name="MessageSize">Bytes per message, the closing <c>\n</c> included.</param>
/// <param name="Hocon">The <c>--hocon</c> overrides, for a workload that starts ActorTcp hosts of its own (W6, W7).</param>
public sealed record BenchContext(LuaBenchHost Lua, BenchServer Server, int MessageSize, string Hocon = "")
{
    /// <summary>The server's address as the Lua scripts take it.</summary>
    public string Host => Server.Echo.Address.ToString();
}
