using Akka.Actor;

namespace ActorTcp.LuaApi;

/// <summary>
/// Runs a Lua chunk in the host, in a new session: the chunk's <c>...</c> and the global <c>arg</c> hold
/// <see cref="Args"/>. <see cref="ReplyTo"/> gets <see cref="ScriptFinished"/> once the chunk returned and none of the
/// session's connections, sync connections or suspended coroutines is pending; at once when the chunk fails; or when
/// <see cref="Deadline"/> (null: none) passes, after the session was destroyed. <see cref="Correlation"/> comes back in
/// <see cref="ScriptFinished.Correlation"/>.
/// </summary>
public sealed record RunScript(string Name, ReadOnlyMemory<byte> Code, IReadOnlyList<string> Args, IActorRef ReplyTo,
    TimeSpan? Deadline = null, long Correlation = 0);

/// <summary>
/// Runs the global Lua function <see cref="Function"/> (defined by a script run before) for a task, in a new session:
/// its argument is a task object holding <see cref="Fields"/> (strings, byte arrays as Lua strings, integers, numbers,
/// booleans) and <c>task:get_session()</c>; requests given <c>task = task</c> belong to the session, and so do those the
/// function and its callbacks start without a task. It ends as <see cref="RunScript"/> does; at <see cref="Deadline"/>
/// the session is destroyed: its connections are aborted without callbacks, its suspended coroutines abandoned.
/// </summary>
public sealed record RunTask(string Function, IReadOnlyDictionary<string, object?> Fields, TimeSpan? Deadline, IActorRef ReplyTo,
    long Correlation = 0);

/// <summary>
/// The end of a <see cref="RunScript"/> or <see cref="RunTask"/>: <see cref="Error"/> holds the message and traceback
/// of a failure, or says the deadline passed (then <see cref="TimedOut"/> is true). <see cref="Host"/> is the index of
/// the Lua host that ran it (0 with one host); <see cref="Correlation"/> the request's. <see cref="Symbols"/>: what the
/// task inserted with <c>task:insert_result</c> (also when it failed or timed out: what it had inserted by then).
/// </summary>
public sealed record ScriptFinished(string Name, string? Error, bool TimedOut = false, long Correlation = 0, int Host = 0,
    IReadOnlyList<TaskSymbol>? Symbols = null)
{
    /// <summary>The symbols inserted; empty for a script or a task that inserted none.</summary>
    public IReadOnlyList<TaskSymbol> InsertedSymbols => Symbols ?? [];
}

/// <summary>Asks the host for <see cref="LuaStats"/>.</summary>
public sealed class GetLuaStats
{
    /// <summary>The instance.</summary>
    public static readonly GetLuaStats Instance = new();
    private GetLuaStats() { }
}

/// <summary>
/// What the Lua state holds, for leak checks: taken after a full Lua garbage collection. <see cref="LuaMemoryBytes"/>
/// is what Lua counts in use; <see cref="LuaMemoryLimitBytes"/> the state's memory limit (0 = none).
/// </summary>
public sealed record LuaStats(int RegistryEntries, long LuaMemoryBytes, int OpenConnections, int SuspendedCoroutines,
    int LiveSessions = 0, int UpstreamLists = 0, long LuaMemoryLimitBytes = 0);

/// <summary>A symbol a plugin inserted for a task (<c>task:insert_result</c>): its score and options, in insertion order.</summary>
/// <param name="Name">The symbol.</param>
/// <param name="Score">The weight the plugin gave (no metric scores are applied: there is no rspamd configuration).</param>
/// <param name="Options">Its options, each once, in the order first given.</param>
public sealed record TaskSymbol(string Name, double Score, IReadOnlyList<string> Options)
{
    /// <inheritdoc/>
    public override string ToString() => Options.Count == 0 ? $"{Name} {Score}" : $"{Name} {Score} [{string.Join(",", Options)}]";
}
