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
    private readonly ILuaLog? _luaLog;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<ScriptRun> _scripts = [];
    private LuaRuntime _runtime = null!;
    private TcpModule _tcp = null!;

    /// <summary>
    /// A host whose scripts open connections through <paramref name="manager"/> and print to <paramref name="output"/>.
    /// The host logs (callback failures, warnings) to <paramref name="log"/>, or to Akka's log when it is null.
    /// </summary>
    public LuaHostActor(IActorRef manager, ILuaOutput output, ILuaLog? log = null)
    {
        _manager = manager;
        _output = output;
        _luaLog = log;
    }

    /// <summary>Props on the Lua dispatcher.</summary>
    public static Props Props(IActorRef manager, ILuaOutput output, ILuaLog? log = null) =>
        Akka.Actor.Props.Create(() => new LuaHostActor(manager, output, log)).WithDispatcher(DispatcherId);

    protected override void PreStart()
    {
        _tcp = new TcpModule(_manager) { Host = Self };
        _runtime = new LuaRuntime(_output, _luaLog ?? new AkkaLuaLog(_log), [new BaseModule(), new TextModule(), _tcp],
            LuaSandboxSettings.Create(Context.System.Settings.Config));
        _runtime.Coroutines.Finished += OnCoroutineFinished;
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
        var script = new ScriptRun(run.Name, run.ReplyTo);
        _scripts.Add(script);
        if (_runtime.StartChunk(run.Code.Span, run.Name, script, run.Args) is { } syntax) End(script, syntax);
    }

    /// <summary>A script body returned (it is done once nothing it started is pending) or failed (done now).</summary>
    private void OnCoroutineFinished(Coroutine co, string? error)
    {
        if (co.Owner is not ScriptRun script) return;
        if (error is not null) End(script, error);
        else script.BodyReturned = true;
    }

    private void End(ScriptRun script, string? error)
    {
        if (!_scripts.Remove(script)) return;
        script.ReplyTo.Tell(new ScriptFinished(script.Name, error));
    }

    private void SetArgGlobal(RunScript run)
    {
        // Raw set into the globals table: a plugin's __newindex on _G must not run (and raise) outside a protected call.
        var L = _runtime.L;
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
        PushText(L, "arg");
        lua_createtable(L, run.Args.Count, 1);
        PushText(L, run.Name);
        lua_rawseti(L, -2, 0);
        for (var i = 0; i < run.Args.Count; i++)
        {
            PushText(L, run.Args[i]);
            lua_rawseti(L, -2, i + 1);
        }
        lua_rawset(L, -3);
        lua_pop(L, 1);
    }

    private void ReplyIfIdle()
    {
        if (_scripts.Count == 0 || _tcp.OpenConnections > 0 || _runtime.Coroutines.Suspended > 0) return;
        foreach (var script in _scripts.ToArray())
            if (script.BodyReturned) End(script, null);
    }

    /// <summary>One <see cref="RunScript"/> in progress.</summary>
    private sealed class ScriptRun(string name, IActorRef replyTo)
    {
        public string Name { get; } = name;
        public IActorRef ReplyTo { get; } = replyTo;
        public bool BodyReturned { get; set; }
    }

    private sealed class AkkaLuaLog(ILoggingAdapter log) : ILuaLog
    {
        public void Info(string message) => log.Info(message);
        public void Warning(string message) => log.Warning(message);
        public void Debug(string message) => log.Debug(message);
    }
}
