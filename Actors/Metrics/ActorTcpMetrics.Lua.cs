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

    internal Counter<long> LuaCallbacks { get; private set; } = null!;

    internal Histogram<double> LuaCallbackDuration { get; private set; } = null!;

    internal Counter<long> LuaBudgetStops { get; private set; } = null!;

    internal Counter<long> LuaSessions { get; private set; } = null!;

    internal Counter<long> LuaTasks { get; private set; } = null!;

    internal Histogram<double> LuaTaskDuration { get; private set; } = null!;

    /// <summary>
    /// The <c>function</c> tag of tasks: plugin function names are bounded by the plugins loaded, but a caller names the
    /// function (<c>actortcp submit</c>), so the first <see cref="MaxTaskFunctions"/> names get tags of their own.
    /// </summary>
    internal BoundedTagValues TaskFunctions { get; } = new("function", MaxTaskFunctions, "other");

    private void CreateLuaInstruments()
    {
        LuaCallbacks = Meter.CreateCounter<long>("actortcp.lua.callbacks", "{run}",
            "Runs of Lua code on a Lua host (a callback, a session's body, a chunk; a resume counts as a run), by kind and outcome.");
        LuaCallbackDuration = Histogram("actortcp.lua.callback.duration",
            "Time one run of Lua code held its Lua host, by kind and outcome.", s_luaBuckets);
        LuaBudgetStops = Meter.CreateCounter<long>("actortcp.lua.budget_stops", "{run}",
            "Runs stopped by the instruction budget (actortcp.lua.instruction-budget), by kind.");
        LuaSessions = Meter.CreateCounter<long>("actortcp.lua.sessions", "{session}",
            "Sessions ended (scripts and plugin tasks), by kind and outcome.");
        LuaTasks = Meter.CreateCounter<long>("actortcp.lua.tasks", "{task}",
            "Plugin tasks ended, by function and outcome.");
        LuaTaskDuration = Histogram("actortcp.lua.task.duration",
            "Time from a plugin task's start to its end, by function and outcome.", s_requestBuckets);
    }
}
