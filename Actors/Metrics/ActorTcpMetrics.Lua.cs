using System.Diagnostics.Metrics;

namespace ActorTcp.Actors.Metrics;

// The Lua hosts' instruments: runs of Lua code (callbacks, session bodies, chunks), instruction-budget stops, sessions
// and plugin tasks. Recorded by ActorTcp.LuaApi (LuaMeasurements), which owns their tag values.
public sealed partial class ActorTcpMetrics
{
    /// <summary>Most plugin function names that get a <c>function</c> tag of their own; later ones share <c>other</c>.</summary>
    public const int MaxTaskFunctions = 100;

    // Lua runs last microseconds (a callback) to the instruction budget's end (a second or so).
    private static readonly double[] s_luaBuckets =
        [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    /// <summary>The <c>kind</c> tags of Lua runs, in the order of ActorTcp.LuaApi's <c>LuaRunKind</c>.</summary>
    internal static readonly KeyValuePair<string, object?>[] LuaRunKinds =
        [new("kind", "chunk"), new("kind", "body"), new("kind", "callback")];

    /// <summary>The <c>outcome</c> tags of Lua runs, in the order of ActorTcp.LuaApi's <c>RunOutcome</c>.</summary>
    internal static readonly KeyValuePair<string, object?>[] LuaRunOutcomes =
        [new("outcome", "returned"), new("outcome", "suspended"), new("outcome", "failed")];

    // Runs by kind and outcome, and budget stops by kind, observed at collection (StripedCounter says why).
    private readonly StripedCounter[] _luaRuns =
        [.. Enumerable.Range(0, LuaRunKinds.Length * LuaRunOutcomes.Length).Select(_ => new StripedCounter())];
    private readonly StripedCounter[] _luaBudgetStops = [.. LuaRunKinds.Select(_ => new StripedCounter())];

    internal Histogram<double> LuaCallbackDuration { get; private set; } = null!;

    internal Counter<long> LuaSessions { get; private set; } = null!;

    internal Counter<long> LuaTasks { get; private set; } = null!;

    internal Histogram<double> LuaTaskDuration { get; private set; } = null!;

    /// <summary>
    /// The <c>function</c> tag of tasks: plugin function names are bounded by the plugins loaded, but a caller names the
    /// function (<c>actortcp submit</c>), so the first <see cref="MaxTaskFunctions"/> names get tags of their own.
    /// </summary>
    internal BoundedTagValues TaskFunctions { get; } = new("function", MaxTaskFunctions, "other");

    /// <summary>
    /// Counts a run of Lua code of kind <paramref name="kind"/> (index into <see cref="LuaRunKinds"/>) that ended with
    /// <paramref name="outcome"/> (index into <see cref="LuaRunOutcomes"/>), and a budget stop when <paramref name="tripped"/>.
    /// </summary>
    internal void LuaRunEnded(int kind, int outcome, bool tripped)
    {
        _luaRuns[kind * LuaRunOutcomes.Length + outcome].Add(1);
        if (tripped) _luaBudgetStops[kind].Add(1);
    }

    private IEnumerable<Measurement<long>> ObserveLuaRuns()
    {
        for (var kind = 0; kind < LuaRunKinds.Length; kind++)
        for (var outcome = 0; outcome < LuaRunOutcomes.Length; outcome++)
        {
            // A series appears with its first run, as a counter's would.
            var runs = _luaRuns[kind * LuaRunOutcomes.Length + outcome].Value;
            if (runs > 0) yield return new Measurement<long>(runs, LuaRunKinds[kind], LuaRunOutcomes[outcome]);
        }
    }

    private IEnumerable<Measurement<long>> ObserveBudgetStops()
    {
        for (var kind = 0; kind < LuaRunKinds.Length; kind++)
        {
            var stops = _luaBudgetStops[kind].Value;
            if (stops > 0) yield return new Measurement<long>(stops, LuaRunKinds[kind]);
        }
    }

    private void CreateLuaInstruments()
    {
        Meter.CreateObservableCounter("actortcp.lua.callbacks", ObserveLuaRuns, "{run}",
            "Runs of Lua code on a Lua host (a callback, a session's body, a chunk; a resume counts as a run), by kind and outcome.");
        LuaCallbackDuration = Histogram("actortcp.lua.callback.duration",
            "Time one run of Lua code held its Lua host, by kind and outcome.", s_luaBuckets);
        Meter.CreateObservableCounter("actortcp.lua.budget_stops", ObserveBudgetStops, "{run}",
            "Runs stopped by the instruction budget (actortcp.lua.instruction-budget), by kind.");
        LuaSessions = Meter.CreateCounter<long>("actortcp.lua.sessions", "{session}",
            "Sessions ended (scripts and plugin tasks), by kind and outcome.");
        LuaTasks = Meter.CreateCounter<long>("actortcp.lua.tasks", "{task}",
            "Plugin tasks ended, by function and outcome.");
        LuaTaskDuration = Histogram("actortcp.lua.task.duration",
            "Time from a plugin task's start to its end, by function and outcome.", s_requestBuckets);
    }
}
