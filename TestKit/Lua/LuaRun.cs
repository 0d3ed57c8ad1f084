using ActorTcp.LuaApi;
using Xunit.Sdk;

namespace ActorTcp.TestKit;

/// <summary>
/// How a Lua run of <see cref="ActorTcpTestKit"/> ended: its error (null when the chunk or task ran to its end and
/// everything it started was done), whether its deadline passed, the symbols a task inserted, and what was printed and
/// logged while it ran (lines of runs running at the same time mix in).
/// </summary>
/// <param name="Name">The chunk name, or the task's function.</param>
/// <param name="Error">The Lua error with its traceback, the deadline message, or null.</param>
/// <param name="TimedOut">The deadline passed: the session was destroyed (its connections aborted without callbacks).</param>
/// <param name="Symbols">What the task inserted with <c>task:insert_result</c>, in order (empty for chunks).</param>
/// <param name="Printed">The lines Lua printed while it ran.</param>
/// <param name="Log">The Lua hosts' log lines (<see cref="LuaLogLines"/>) while it ran, e.g. <c>error: callback call failed: ...</c>.</param>
public sealed record LuaRun(string Name, string? Error, bool TimedOut, IReadOnlyList<TaskSymbol> Symbols,
    IReadOnlyList<string> Printed, IReadOnlyList<string> Log)
{
    /// <summary>Whether it ran without error.</summary>
    public bool Succeeded => Error is null;

    /// <summary>The symbols as text, <c>NAME score [options]</c>, in order.</summary>
    public IReadOnlyList<string> SymbolTexts => Symbols.Select(s => s.ToString()).ToArray();

    /// <summary>Fails the test (with the error, the printed lines and the log) unless it succeeded; returns this run.</summary>
    public LuaRun AssertSucceeded()
    {
        if (Error is null) return this;
        throw new XunitException($"{Name} failed: {Error}\nprinted:\n{string.Join("\n", Printed)}\nlog:\n{string.Join("\n", Log)}");
    }
}
