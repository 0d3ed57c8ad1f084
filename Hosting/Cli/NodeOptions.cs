namespace ActorTcp.Hosting.Cli;

/// <summary>
/// Arguments of <c>actortcp node</c>: where Akka.Remote listens, the seeds to join (none: the node seeds itself), the
/// plugin files to load into every Lua host, and the number of Lua hosts (null: <c>actortcp.lua.hosts</c>).
/// </summary>
public sealed record NodeOptions(string Host, int Port, IReadOnlyList<string> Seeds, IReadOnlyList<string> Plugins,
    int? LuaHosts, string? ConfigFile, bool Verbose);
