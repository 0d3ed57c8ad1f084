using ActorTcp.LuaApi;

namespace ActorTcp.Hosting;

/// <summary>
/// How a Lua plugin run ended: <see cref="Error"/> is null when the chunk returned and everything it started (requests,
/// sync connections, callbacks) was done; otherwise it holds the Lua error message and traceback.
/// </summary>
/// <param name="Name">The chunk name (a file's path, or the name given for a chunk).</param>
/// <param name="Error">The error with its traceback, or null.</param>
/// <param name="Elapsed">From handing the chunk to the Lua host to its end.</param>
/// <param name="TimedOut">The deadline passed: the session was destroyed (connections aborted without callbacks).</param>
/// <param name="Host">The index of the Lua host that ran it (0 with one host; for a plugin load, which every host runs, 0).</param>
/// <param name="Symbols">What a task inserted with <c>task:insert_result</c>, in order (empty for scripts).</param>
public sealed record LuaPluginResult(string Name, string? Error, TimeSpan Elapsed, bool TimedOut = false, int Host = 0,
    IReadOnlyList<TaskSymbol>? Symbols = null)
{
    /// <summary>The symbols inserted; empty when none was.</summary>
    public IReadOnlyList<TaskSymbol> InsertedSymbols => Symbols ?? [];

    /// <summary>Whether the plugin ran without a Lua error.</summary>
    public bool Succeeded => Error is null;

    /// <summary>Throws <see cref="LuaPluginException"/> when the plugin failed.</summary>
    public LuaPluginResult EnsureSucceeded() => Error is null ? this : throw new LuaPluginException(Name, Error);
}

/// <summary>A Lua plugin failed; <see cref="Exception.Message"/> holds the Lua error and its traceback.</summary>
public sealed class LuaPluginException(string name, string error) : Exception($"{name}: {error}")
{
    /// <summary>The chunk name.</summary>
    public string PluginName { get; } = name;

    /// <summary>The Lua error with its traceback.</summary>
    public string LuaError { get; } = error;
}
