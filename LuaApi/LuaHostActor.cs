using ActorTcp.Actors;
using ActorTcp.Actors.Connection;
using ActorTcp.Actors.Metrics;
using ActorTcp.Actors.Upstreams;
using ActorTcp.LuaApi.Library;
using ActorTcp.LuaApi.Mime;
using ActorTcp.LuaApi.Modules;
using ActorTcp.LuaApi.Sessions;
using ActorTcp.LuaApi.Upstreams;
using Akka.Actor;
using Akka.Event;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi;

/// <summary>
/// Owns one Lua state and is the only code that touches it (docs/architecture.md#the-lua-boundary, rule 2): scripts run here, completions from
/// connection actors arrive here as messages and run as Lua callbacks. Runs on the dedicated thread of
/// <see cref="DispatcherId"/> so slow plugin Lua cannot starve the shared pool the connection actors use.
/// </summary>
public sealed class LuaHostActor : UntypedActor, IWithTimers
{
    /// <summary>The dispatcher the host runs on (HOCON.conf: a pinned, single-thread dispatcher).</summary>
    public const string DispatcherId = "actortcp.lua-dispatcher";

    private readonly IActorRef _manager;
    private readonly ILuaOutput _output;
    private readonly ILuaLog? _luaLog;
    private readonly IActorRef? _upstreamOwner;
    private readonly TimeProvider _clock;
    private readonly int _index;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ActorTcpMetrics _metrics = ActorTcpMetrics.Get(Context.System);
    private LuaRuntime _runtime = null!;
    private TcpModule _tcp = null!;
    private UpstreamModule _upstreams = null!;

    /// <summary>
    /// A host whose scripts open connections through <paramref name="manager"/> and print to <paramref name="output"/>.
    /// The host logs (callback failures, warnings) to <paramref name="log"/>, or to Akka's log when it is null. Upstream
    /// health is the node's view held by <paramref name="upstreams"/> (an <see cref="UpstreamsActor"/>); without one the
    /// host starts its own, shared by nobody else. <paramref name="clock"/> (default: the system's) times upstream health.
    /// </summary>
    public LuaHostActor(IActorRef manager, ILuaOutput output, ILuaLog? log = null, IActorRef? upstreams = null,
        TimeProvider? clock = null, int index = 0)
    {
        _index = index;
        _manager = manager;
        _output = output;
        _luaLog = log;
        _upstreamOwner = upstreams;
        _clock = clock ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props on the Lua dispatcher; <paramref name="index"/> names the host in a pool (<see cref="ScriptFinished.Host"/>).</summary>
    public static Props Props(IActorRef manager, ILuaOutput output, ILuaLog? log = null, IActorRef? upstreams = null,
        TimeProvider? clock = null, int index = 0) =>
        Akka.Actor.Props.Create(() => new LuaHostActor(manager, output, log, upstreams, clock, index)).WithDispatcher(DispatcherId);

    /// <inheritdoc/>
    protected override void PreStart()
    {
        var settings = ActorTcpSettings.Create(Context.System.Settings.Config);
        _tcp = new TcpModule(_manager)
        {
            Host = Self,
            ChunksPerDelivery = PartialBatch.ChunksPerDelivery(settings),
        };
        var owner = _upstreamOwner ?? Context.ActorOf(UpstreamsActor.Props(settings, clock: _clock), "upstreams");
        _upstreams = new UpstreamModule(owner, settings.Upstreams, _clock, new Random()) { Host = Self, Metrics = _metrics };
        var log = _luaLog ?? new AkkaLuaLog(_log);
        var library = new LibraryModule(LuaLibrarySettings.Create(Context.System.Settings.Config), log);
        _runtime = new LuaRuntime(_output, log,
            [new BaseModule(), new TextModule(), new LoggerModule(), new TaskResults(), new RegexpModule(), new MimeModule(), _tcp, _upstreams, library],
            LuaSandboxSettings.Create(Context.System.Settings.Config), _metrics);
        _runtime.Coroutines.Finished += OnCoroutineFinished;
        _upstreams.Log = _runtime.Log;
        owner.Tell(new SubscribeUpstreams(Self), Self);
    }

    /// <inheritdoc/>
    protected override void PostStop() => _runtime?.Dispose();

    /// <inheritdoc/>
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
            case RunTask task:
                Run(task);
                break;
            case SessionDeadline deadline:
                if (_runtime.Sessions.Find(deadline.SessionId) is { } expired)
                    End(expired, $"session deadline of {deadline.After.TotalSeconds:0.###} s passed", timedOut: true);
                break;
            case RunUpstreamWatchers:
                break;
            case UpstreamsSnapshot or UpstreamsChanged:
                _upstreams.OnOwnerMessage(message);
                break;
            case GetLuaStats:
                _runtime.CollectGarbage();
                Sender.Tell(new LuaStats(_runtime.RegistryCount(), _runtime.MemoryBytes(), _tcp.OpenConnections,
                    _runtime.Coroutines.Suspended, _runtime.Sessions.Count, _upstreams.ListCount, _runtime.Memory.Limit));
                return;
            default:
                Unhandled(message);
                return;
        }
        // Watchers run once the Lua code whose ok()/fail() caused their events has returned, before sessions are checked.
        _upstreams.RunWatchers(_runtime);
        EndIdleSessions();
    }

    private void Run(RunScript run)
    {
        SetArgGlobal(run);
        var session = Open(run.Name, run.ReplyTo, run.Deadline, run.Correlation);
        if (_runtime.StartChunk(run.Code.Span, run.Name, session, run.Args) is { } syntax) End(session, syntax);
    }

    private void Run(RunTask run)
    {
        var session = Open(run.Function, run.ReplyTo, run.Deadline, run.Correlation, isTask: true);
        var co = _runtime.Coroutines.Rent();
        co.BodyOf = session;
        co.Session = session;
        var L = co.L;
        _runtime.PushRef(L, _runtime.RawTableRef);
        RawGetField(L, -1, "run_task");
        lua_remove(L, -2);
        PushText(L, run.Function);
        if (!TaskFields.TryPush(L, run.Fields, out var bad))
        {
            lua_settop(L, 0);
            _runtime.Coroutines.Release(co);
            End(session, $"task field {bad}: unsupported value type (strings, byte arrays, integers, numbers and booleans are)");
            return;
        }
        _runtime.Sessions.Push(L, session);
        _runtime.Coroutines.Run(co, 3, out _);
    }

    private LuaSession Open(string name, IActorRef replyTo, TimeSpan? deadline, long correlation, bool isTask = false)
    {
        var session = _runtime.Sessions.Open(name, replyTo, correlation, isTask);
        LuaMeasurements.SessionStarting(_metrics, session);
        if (deadline is { } after) Timers.StartSingleTimer(session.Id, new SessionDeadline(session.Id, after), after);
        return session;
    }

    /// <summary>A session body returned (the session ends once nothing of it is pending) or failed (it ends now).</summary>
    private void OnCoroutineFinished(Coroutine co, string? error)
    {
        if (co.BodyOf is not { } session || session.Ended) return;
        if (error is not null)
        {
            End(session, error);
            return;
        }
        session.BodyReturned = true;
        _runtime.Sessions.Changed(session);
    }

    /// <summary>
    /// Ends a session and tells its caller. A failed or expired session is destroyed first: its connections are
    /// aborted without callbacks and its suspended coroutines abandoned, as rspamd's session finaliser does.
    /// </summary>
    private void End(LuaSession session, string? error, bool timedOut = false)
    {
        if (session.Ended) return;
        Timers.Cancel(session.Id);
        if (error is not null) _tcp.Destroy(_runtime, session);
        _runtime.Sessions.Close(_runtime, session);
        LuaMeasurements.SessionEnded(_metrics, _runtime, session, error, timedOut);
        session.ReplyTo.Tell(new ScriptFinished(session.Name, error, timedOut, session.Correlation, _index,
            session.Symbols.Count == 0 ? null : session.Symbols.ToArray()));
    }

    private void EndIdleSessions()
    {
        // Bounded: each pass ends sessions, and ending one can only mark others (through abandoned coroutines).
        for (var pass = 0; pass < 4; pass++)
        {
            var changed = _runtime.Sessions.TakeChanged();
            if (changed.Count == 0) return;
            foreach (var session in changed)
                if (!session.Ended && session.IsIdle) End(session, null);
        }
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

    /// <summary>A session's deadline timer fired.</summary>
    private sealed record SessionDeadline(long SessionId, TimeSpan After);

    private sealed class AkkaLuaLog(ILoggingAdapter log) : ILuaLog
    {
        public void Info(string message) => log.Info(message);
        public void Warning(string message) => log.Warning(message);
        public void Error(string message) => log.Error(message);
        public void Debug(string message) => log.Debug(message);
    }
}
