using Akka.Actor;

namespace ActorTcp.LuaApi.Sessions;

/// <summary>
/// What one plugin invocation (a script run, or a plugin function run for a task) owns: its connections, sync
/// connections and the coroutines suspended in the sync API (rspamd's task session, docs/lua-api.md#sessions-and-tasks).
/// It ends when its body returned and none of these is pending, or is destroyed at its deadline.
/// </summary>
internal sealed class LuaSession(long id, string name, IActorRef replyTo)
{
    /// <summary>Its id (also held by its <c>rspamd{session}</c> userdata).</summary>
    public long Id { get; } = id;

    /// <summary>The script or plugin function name, for messages.</summary>
    public string Name { get; } = name;

    /// <summary>Who gets <see cref="ScriptFinished"/>.</summary>
    public IActorRef ReplyTo { get; } = replyTo;

    /// <summary>The caller's correlation, echoed in <see cref="ScriptFinished.Correlation"/>.</summary>
    public long Correlation { get; init; }

    /// <summary>The symbols its task inserted (<c>task:insert_result</c>), in insertion order.</summary>
    public List<TaskSymbol> Symbols { get; } = [];

    /// <summary>Request ids of the connections (async and sync) it owns.</summary>
    public HashSet<long> Connections { get; } = [];

    /// <summary>Its coroutines suspended in the sync API.</summary>
    public int Suspended { get; set; }

    /// <summary>The body (script chunk or plugin function) returned without error.</summary>
    public bool BodyReturned { get; set; }

    /// <summary>Ended (finished or destroyed): requests on it are refused from now on.</summary>
    public bool Ended { get; set; }

    /// <summary>A plugin task's session (<see cref="Name"/> is the function), not a script's.</summary>
    public bool IsTask { get; init; }

    /// <summary>When it started (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), if the metrics time it; else 0.</summary>
    public long Started { get; set; }

    /// <summary>A task's activity while a tracer listens (<see cref="ActorTcp.Actors.Metrics.ActorTcpActivities"/>), else null.</summary>
    public System.Diagnostics.Activity? Activity { get; set; }

    /// <summary>Registry reference of its <c>rspamd{session}</c> userdata, or 0 until first pushed.</summary>
    public int ObjectRef { get; set; }

    /// <summary>Whether nothing of it is pending any more.</summary>
    public bool IsIdle => BodyReturned && Connections.Count == 0 && Suspended == 0;
}
