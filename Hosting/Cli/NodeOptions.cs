namespace ActorTcp.Hosting.Cli;

/// <summary>
/// Arguments of <c>actortcp node</c>: where Akka.Remote listens, the seeds to join (none: the node seeds itself), the
/// plugin files to load into every Lua host, the number of Lua hosts (null: <c>actortcp.lua.hosts</c>), and where its
/// metrics go.
/// </summary>
public sealed record NodeOptions(string Host, int Port, IReadOnlyList<string> Seeds, IReadOnlyList<string> Plugins,
    int? LuaHosts, string? ConfigFile, bool Verbose)
{
    /// <summary>The Prometheus endpoint's port; null: none.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>The address the Prometheus endpoint listens on; null: <see cref="Host"/>.</summary>
    public string? MetricsHost { get; init; }
}
