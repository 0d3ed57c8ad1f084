using Akka.Actor;

namespace ActorTcp.LuaApi;

/// <summary>
/// Runs a Lua chunk in the host: the chunk's <c>...</c> and the global <c>arg</c> hold <see cref="Args"/>.
/// <see cref="ReplyTo"/> gets <see cref="ScriptFinished"/> once the chunk returned and no connection or suspended
/// coroutine is pending, or at once when the chunk fails.
/// </summary>
public sealed record RunScript(string Name, ReadOnlyMemory<byte> Code, IReadOnlyList<string> Args, IActorRef ReplyTo);

/// <summary>The end of a <see cref="RunScript"/>: <see cref="Error"/> holds the message and traceback of a failure.</summary>
public sealed record ScriptFinished(string Name, string? Error);

/// <summary>Asks the host for <see cref="LuaStats"/>.</summary>
public sealed class GetLuaStats
{
    /// <summary>The instance.</summary>
    public static readonly GetLuaStats Instance = new();
    private GetLuaStats() { }
}

/// <summary>What the Lua state holds, for leak checks: taken after a full Lua garbage collection.</summary>
public sealed record LuaStats(int RegistryEntries, long LuaMemoryBytes, int OpenConnections, int SuspendedCoroutines);
