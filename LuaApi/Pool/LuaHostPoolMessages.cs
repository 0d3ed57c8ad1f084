using Akka.Actor;

namespace ActorTcp.LuaApi.Pool;

/// <summary>
/// Loads a plugin chunk into every Lua host of the pool, in the order loads arrive (each host then defines the same
/// plugin functions), and into hosts started later to replace a failed one. <see cref="ReplyTo"/> gets one
/// <see cref="ScriptFinished"/> once every host ran it: the error of the lowest-numbered host that failed, if any did.
/// </summary>
public sealed record LoadPlugin(string Name, ReadOnlyMemory<byte> Code, IActorRef ReplyTo);

/// <summary>Asks the pool for its hosts, in index order (<see cref="LuaHosts"/>).</summary>
public sealed class GetLuaHosts
{
    /// <summary>The instance.</summary>
    public static readonly GetLuaHosts Instance = new();
    private GetLuaHosts() { }
}

/// <summary>The pool's hosts, in index order, and the sessions each runs.</summary>
public sealed record LuaHosts(IReadOnlyList<IActorRef> Hosts, IReadOnlyList<int> Running);
