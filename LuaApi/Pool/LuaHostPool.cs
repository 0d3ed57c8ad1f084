using ActorTcp.Actors;
using ActorTcp.Actors.Upstreams;
using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Configuration;
using Akka.Event;

namespace ActorTcp.LuaApi.Pool;

/// <summary>
/// A node's Lua hosts: <c>actortcp.lua.hosts</c> <see cref="LuaHostActor"/>s, each owning its own Lua state on its own
/// thread, as rspamd runs a worker process per core. Scripts and tasks (<see cref="RunScript"/>, <see cref="RunTask"/>)
/// go to the host running the fewest sessions (<see cref="HostLoad"/>), and everything a session starts stays on that
/// host; plugins (<see cref="LoadPlugin"/>) go to every host, in order. The hosts share the node's connection manager
/// and upstream health; Lua globals are per host (docs/lua-api.md#sessions-and-tasks).
/// </summary>
/// <remarks>
/// A host that fails is stopped, not restarted in place: its sessions end with an error naming it, and a fresh host
/// takes its index, with the plugins loaded again before any new session reaches it. The other hosts serve on.
/// </remarks>
public sealed class LuaHostPool : UntypedActor
{
    /// <summary>What one dispatched run is waiting for.</summary>
    private sealed record Pending(string Name, IActorRef ReplyTo, long Correlation, int Host, LoadGroup? Load);

    /// <summary>A <see cref="LoadPlugin"/> running on every host.</summary>
    private sealed class LoadGroup(LoadPlugin load, int hosts)
    {
        public LoadPlugin Load { get; } = load;
        public int Remaining { get; set; } = hosts;
        public string? Error { get; set; }
        public int ErrorHost { get; set; } = int.MaxValue;
    }

    private readonly Func<int, IActorRef, Props> _hostProps;
    private readonly TimeProvider? _clock;
    private IActorRef? _upstreams;
    private readonly IActorRef[] _hosts;
    private readonly int[] _generation;
    private readonly HostLoad _load;
    private readonly Dictionary<long, Pending> _pending = new();
    private readonly List<LoadPlugin> _plugins = [];
    private readonly Dictionary<IActorRef, string> _failures = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _lastCorrelation;

    /// <summary>
    /// A pool of <paramref name="hosts"/> hosts made by <paramref name="hostProps"/> (given each host's index and the
    /// node's upstream owner: <paramref name="upstreams"/>, or one the pool starts when null).
    /// </summary>
    public LuaHostPool(int hosts, Func<int, IActorRef, Props> hostProps, IActorRef? upstreams = null, TimeProvider? clock = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hosts, 1);
        _hostProps = hostProps;
        _upstreams = upstreams;
        _clock = clock;
        _hosts = new IActorRef[hosts];
        _generation = new int[hosts];
        _load = new HostLoad(hosts);
    }

    /// <summary>Props of a pool whose hosts are <see cref="LuaHostActor"/>s sharing <paramref name="manager"/> and <paramref name="upstreams"/>.</summary>
    public static Props Props(int hosts, IActorRef manager, ILuaOutput output, ILuaLog? log = null, IActorRef? upstreams = null,
        TimeProvider? clock = null)
    {
        Func<int, IActorRef, Props> hostProps = (index, owner) => LuaHostActor.Props(manager, output, log, owner, clock, index);
        return Akka.Actor.Props.Create(() => new LuaHostPool(hosts, hostProps, upstreams, clock));
    }

    /// <summary>
    /// <c>actortcp.lua.hosts</c>: <c>auto</c> (the processor count) or a positive number.
    /// </summary>
    public static int HostsSetting(Config config)
    {
        var value = config.GetString("actortcp.lua.hosts", "auto");
        if (string.Equals(value, "auto", StringComparison.OrdinalIgnoreCase)) return Environment.ProcessorCount;
        if (int.TryParse(value, out var hosts) && hosts >= 1) return hosts;
        throw new ConfigurationException($"actortcp.lua.hosts must be auto or a positive number, got '{value}'");
    }

    /// <summary>A failing host stops (its Lua state may be broken); <see cref="OnHostStopped"/> replaces it.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new StopFailedHosts(this);

    /// <summary>Stops a failed host (remembering why, for its sessions' error); other children restart as by default.</summary>
    private sealed class StopFailedHosts(LuaHostPool pool) : OneForOneStrategy(_ => Directive.Restart)
    {
        public override void ProcessFailure(IActorContext context, bool restart, IActorRef child, Exception cause,
            ChildRestartStats stats, IReadOnlyCollection<ChildRestartStats> children)
        {
            if (Array.IndexOf(pool._hosts, child) < 0)
            {
                base.ProcessFailure(context, restart, child, cause, stats, children);
                return;
            }
            pool._failures[child] = cause.Message;
            context.Stop(child);
        }
    }

    /// <inheritdoc/>
    protected override void PreStart()
    {
        // One view of backend health for every host (without one given, the pool's own).
        _upstreams ??= Context.ActorOf(UpstreamsActor.Props(ActorTcpSettings.Create(Context.System.Settings.Config), clock: _clock), "upstreams");
        for (var i = 0; i < _hosts.Length; i++) StartHost(i);
    }

    /// <inheritdoc/>
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case RunScript run:
                var host = _load.Pick();
                Dispatch(host, run.Name, run.ReplyTo, run.Correlation, null, id => run with { ReplyTo = Self, Correlation = id });
                break;
            case RunTask task:
                var taskHost = _load.Pick();
                Dispatch(taskHost, task.Function, task.ReplyTo, task.Correlation, null, id => task with { ReplyTo = Self, Correlation = id });
                break;
            case LoadPlugin load:
                _plugins.Add(load);
                var group = new LoadGroup(load, _hosts.Length);
                for (var i = 0; i < _hosts.Length; i++) SendLoad(i, load, group);
                break;
            case ScriptFinished finished:
                OnFinished(finished);
                break;
            case Terminated terminated:
                OnHostStopped(terminated.ActorRef);
                break;
            case GetLuaHosts:
                Sender.Tell(new LuaHosts(_hosts.ToArray(), Enumerable.Range(0, _hosts.Length).Select(_load.Running).ToArray()));
                break;
            case GetLuaStats:
                // Every host's stats, summed: off the actor, so the pool never waits on a host.
                var asks = _hosts.Select(h => h.Ask<LuaStats>(GetLuaStats.Instance, TimeSpan.FromSeconds(30))).ToArray();
                Task.WhenAll(asks).PipeTo(Sender, success: Sum, failure: e => new Status.Failure(e));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Dispatch(int host, string name, IActorRef replyTo, long correlation, LoadGroup? load, Func<long, object> message)
    {
        var id = ++_lastCorrelation;
        _pending.Add(id, new Pending(name, replyTo, correlation, host, load));
        _load.Started(host);
        _hosts[host].Tell(message(id), Self);
    }

    private void SendLoad(int host, LoadPlugin load, LoadGroup? group) =>
        Dispatch(host, load.Name, ActorRefs.Nobody, 0, group,
            id => new RunScript(load.Name, load.Code, [], Self, Deadline: null, Correlation: id));

    private void OnFinished(ScriptFinished finished)
    {
        // A host that was replaced may still answer for a session the pool already failed: that one is gone from here.
        if (!_pending.Remove(finished.Correlation, out var pending)) return;
        _load.Finished(pending.Host);
        Complete(pending, finished.Error, finished.TimedOut, finished.Symbols);
    }

    private void Complete(Pending pending, string? error, bool timedOut, IReadOnlyList<TaskSymbol>? symbols = null)
    {
        if (pending.Load is { } group)
        {
            // The lowest host's error, so the answer does not depend on which host finished first.
            if (error is not null && pending.Host < group.ErrorHost)
            {
                group.Error = $"Lua host {pending.Host}: {error}";
                group.ErrorHost = pending.Host;
            }
            if (--group.Remaining == 0) group.Load.ReplyTo.Tell(new ScriptFinished(group.Load.Name, group.Error));
            return;
        }
        if (pending.ReplyTo.IsNobody())
        {
            // A plugin loaded again into a replacement host.
            if (error is not null) _log.Error("Lua host {0}: loading {1} again failed: {2}", pending.Host, pending.Name, error);
            return;
        }
        pending.ReplyTo.Tell(new ScriptFinished(pending.Name, error, timedOut, pending.Correlation, pending.Host, symbols));
    }

    /// <summary>A host stopped: its sessions end with an error naming it, and a fresh host takes its place.</summary>
    private void OnHostStopped(IActorRef stopped)
    {
        var index = Array.IndexOf(_hosts, stopped);
        if (index < 0) return;
        var reason = _failures.Remove(stopped, out var cause) ? cause : "stopped";
        _log.Error("Lua host {0} failed ({1}); starting a new one", index, reason);
        var error = $"Lua host {index} failed ({reason}); the session was lost";
        foreach (var (id, pending) in _pending.Where(p => p.Value.Host == index).ToArray())
        {
            _pending.Remove(id);
            Complete(pending, error, timedOut: false);
        }
        _load.Reset(index);
        StartHost(index);
    }

    private void StartHost(int index)
    {
        var host = Context.ActorOf(_hostProps(index, _upstreams!), $"host-{index}-{_generation[index]++}");
        Context.Watch(host);
        _hosts[index] = host;
        // Plugins first: the host's mailbox keeps them ahead of every session sent to it from now on.
        foreach (var plugin in _plugins) SendLoad(index, plugin, null);
    }

    private static object Sum(LuaStats[] all) => new LuaStats(
        all.Sum(s => s.RegistryEntries), all.Sum(s => s.LuaMemoryBytes), all.Sum(s => s.OpenConnections),
        all.Sum(s => s.SuspendedCoroutines), all.Sum(s => s.LiveSessions), all.Sum(s => s.UpstreamLists));
}
