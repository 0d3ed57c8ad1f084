using ActorTcp.Actors.Connection;
using ActorTcp.LuaApi.Modules;
using Akka.Actor;
using Akka.Event;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi;

/// <summary>
/// Owns one Lua state and is the only code that touches it (hard rule 2): scripts run here, completions from
/// connection actors arrive here as messages and run as Lua callbacks. Runs on the dedicated thread of
/// <see cref="DispatcherId"/> so slow plugin Lua cannot starve the shared pool the connection actors use.
/// </summary>
public sealed class LuaHostActor : UntypedActor
{
    /// <summary>The dispatcher the host runs on (HOCON.conf: a pinned, single-thread dispatcher).</summary>
    public const string DispatcherId = "actortcp.lua-dispatcher";

    private readonly IActorRef _manager;
    private readonly ILuaOutput _output;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<(string Name, IActorRef ReplyTo)> _waiting = [];
    private LuaRuntime _runtime = null!;
    private TcpModule _tcp = null!;

    /// <summary>A host whose scripts open connections through <paramref name="manager"/> and print to <paramref name="output"/>.</summary>
    public LuaHostActor(IActorRef manager, ILuaOutput output)
    {
        _manager = manager;
        _output = output;
    }

    /// <summary>Props on the Lua dispatcher.</summary>
    public static Props Props(IActorRef manager, ILuaOutput output) =>
        Akka.Actor.Props.Create(() => new LuaHostActor(manager, output)).WithDispatcher(DispatcherId);

    protected override void PreStart()
    {
        _tcp = new TcpModule(_manager) { Host = Self };
        _runtime = new LuaRuntime(_output, new AkkaLuaLog(_log), [new BaseModule(), new TextModule(), _tcp]);
    }

    protected override void PostStop() => _runtime?.Dispose();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case IConnectionEvent e:
                _tcp.OnEvent(_runtime, e);
                break;
            case RunScript run:
                Run(run);
                break;
            case GetLuaStats:
                _runtime.CollectGarbage();
                Sender.Tell(new LuaStats(_runtime.RegistryCount(), _runtime.MemoryBytes(), _tcp.OpenConnections,
                    _runtime.Coroutines.Suspended));
                return;
            default:
                Unhandled(message);
                return;
        }
        ReplyIfIdle();
    }

    private void Run(RunScript run)
    {
        SetArgGlobal(run);
        var error = _runtime.RunChunk(run.Code.Span, run.Name, [.. run.Args]);
        if (error is not null)
        {
            run.ReplyTo.Tell(new ScriptFinished(run.Name, error));
            return;
        }
        _waiting.Add((run.Name, run.ReplyTo));
    }

    private void SetArgGlobal(RunScript run)
    {
        var L = _runtime.L;
        lua_createtable(L, run.Args.Count, 1);
        PushText(L, run.Name);
        lua_rawseti(L, -2, 0);
        for (var i = 0; i < run.Args.Count; i++)
        {
            PushText(L, run.Args[i]);
            lua_rawseti(L, -2, i + 1);
        }
        lua_setglobal(L, "arg");
    }

    private void ReplyIfIdle()
    {
        if (_waiting.Count == 0 || _tcp.OpenConnections > 0 || _runtime.Coroutines.Suspended > 0) return;
        foreach (var (name, replyTo) in _waiting) replyTo.Tell(new ScriptFinished(name, null));
        _waiting.Clear();
    }

    private sealed class AkkaLuaLog(ILoggingAdapter log) : ILuaLog
    {
        public void Info(string message) => log.Info(message);
        public void Warning(string message) => log.Warning(message);
        public void Debug(string message) => log.Debug(message);
    }
}
