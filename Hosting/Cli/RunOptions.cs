namespace ActorTcp.Hosting.Cli;

/// <summary>
/// Arguments of <c>actortcp run</c>: options, then the script, then the script's arguments (taken verbatim, so a
/// script can be given <c>--anything</c>). <c>Strict</c>: exit 1 when a Lua callback raised during the run.
/// <c>Stats</c>: a table of the run's metrics on stderr at the end (<see cref="Actors.Metrics.SummaryTable"/>).
/// </summary>
public sealed record RunOptions(string Script, IReadOnlyList<string> Args, string? ConfigFile,
    IReadOnlyList<string> NameServers, bool Fixtures, bool Verbose, TimeSpan? Timeout = null, bool Strict = false,
    bool Stats = false);
