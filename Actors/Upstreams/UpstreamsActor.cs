using System.Net;
using System.Text;
using ActorTcp.Actors.Dns;
using ActorTcp.Actors.Metrics;
using Akka.Actor;
using Akka.Event;

namespace ActorTcp.Actors.Upstreams;

/// <summary>
/// The node's one view of upstream health, keyed by backend: every Lua host and .NET caller reports to it and sees what
/// it sees. Lua hosts subscribe and keep a copy (<see cref="UpstreamTable"/>) they update at once with their own reports
/// and merge with what this actor broadcasts, so a selection never waits for a message. It also looks up names and SRV
/// elements through the resolver (never blocking a caller: until answered they have no address), keeps them fresh, and
/// holds the lists .NET callers make (<see cref="CreateUpstreamList"/>, <see cref="SelectUpstream"/>).
/// </summary>
/// <remarks>Time is read from the <see cref="TimeProvider"/> given (UTC ticks), so tests move it by hand.</remarks>
public sealed class UpstreamsActor : ReceiveActor, IWithTimers
{
    private readonly UpstreamTable _table;
    private readonly NameLookups _lookups;
    private readonly IActorRef _resolver;
    private readonly TimeProvider _clock;
    private readonly Random _random;
    private readonly HashSet<IActorRef> _subscribers = [];
    private readonly Dictionary<long, UpstreamList> _lists = [];
    private readonly List<UpstreamChange> _ignored = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ActorTcpMetrics _metrics = ActorTcpMetrics.Get(Context.System);
    // What the upstream gauges read (on the collector's thread): the table's health, published after each change.
    private readonly UpstreamHealthView _view;
    private long _lastListId;

    /// <summary>An owner with <paramref name="limits"/>, asking <paramref name="resolver"/> for names, reading <paramref name="clock"/>.</summary>
    public UpstreamsActor(UpstreamLimits limits, IActorRef resolver, TimeProvider clock, Random random)
    {
        _resolver = resolver;
        _clock = clock;
        _random = random;
        _table = new UpstreamTable(limits, random.NextInt64());
        _lookups = new NameLookups(limits);
        _view = new UpstreamHealthView(clock);

        Receive<SubscribeUpstreams>(Subscribe);
        Receive<Terminated>(t => _subscribers.Remove(t.ActorRef));
        Receive<TrackUpstreams>(track => Track(track.Upstreams));
        Receive<MergeUpstreamHealth>(merge => Merge(merge.Health));
        Receive<ReportUpstream>(Report);
        Receive<CreateUpstreamList>(Create);
        Receive<SelectUpstream>(Select);
        Receive<DeleteUpstreamList>(delete => _lists.Remove(delete.ListId));
        Receive<GetUpstreams>(_ => Sender.Tell(new UpstreamsSnapshot(_table.Keys.Select(State).ToArray())));
        Receive<Resolved>(OnResolved);
        Receive<ServiceResolved>(OnServiceResolved);
        Receive<ResolveFailed>(OnResolveFailed);
        Receive<Refresh>(refresh => Lookup(refresh.Key, soon: false));
        Receive<DeadPeriodOver>(over => Broadcast(over.Key));
    }

    /// <inheritdoc/>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// Props of an owner with <paramref name="settings"/>' limits. Without <paramref name="resolver"/> it starts its own
    /// (from the same settings); without <paramref name="clock"/> it reads the system clock.
    /// </summary>
    public static Props Props(ActorTcpSettings settings, IActorRef? resolver = null, TimeProvider? clock = null,
        Random? random = null) =>
        Akka.Actor.Props.Create(() => new UpstreamsActor(settings.Upstreams,
            resolver ?? ActorRefs.Nobody, clock ?? TimeProvider.System, random ?? new Random()))
            .WithDeploy(Deploy.Local);

    private IActorRef Resolver { get; set; } = ActorRefs.Nobody;

    private long Now => _clock.GetUtcNow().UtcTicks;

    /// <inheritdoc/>
    protected override void PreStart()
    {
        Resolver = _resolver.IsNobody()
            ? Context.ActorOf(ResolverActor.Props(ActorTcpSettings.Create(Context.System.Settings.Config)), "dns")
            : _resolver;
        _metrics.Watch(_view);
    }

    /// <inheritdoc/>
    protected override void PostStop() => _metrics.Unwatch(_view);

    private void Subscribe(SubscribeUpstreams subscribe)
    {
        if (_subscribers.Add(subscribe.Subscriber)) Context.Watch(subscribe.Subscriber);
        subscribe.Subscriber.Tell(new UpstreamsSnapshot(_table.Keys.Select(State).ToArray()));
    }

    private void Track(IReadOnlyList<UpstreamSpec> upstreams)
    {
        foreach (var spec in upstreams)
        {
            _table.Track(spec.Key);
            _view.Publish(_table.Health(spec.Key));
            if (!_lookups.Track(spec)) continue;
            if (spec.Kind == UpstreamKind.Name && HostAddress.TryGetStaticAddresses(spec.Host, out var known))
            {
                // localhost: no query, and nothing to refresh.
                _table.SetAddresses(spec.Key, known);
                Broadcast(spec.Key);
                continue;
            }
            Lookup(spec.Key, soon: false);
        }
    }

    private void Merge(BackendHealth health)
    {
        var before = _table.Health(health.Key);
        if (!_table.Merge(health, Now, null)) return;
        AfterChange(before, _table.Health(health.Key));
    }

    private void Report(ReportUpstream report)
    {
        if (!report.Success) _metrics.UpstreamFailed(report.Key);
        var before = _table.Health(report.Key);
        var after = report.Success ? _table.Ok(report.Key, Now, null) : _table.Fail(report.Key, Now, null);
        if (after is not null) AfterChange(before, after);
    }

    /// <summary>Tells the subscribers; the first failure of a window, or a death, asks for a fresh lookup; a death arms its end.</summary>
    private void AfterChange(BackendHealth before, BackendHealth after)
    {
        Broadcast(after.Key);
        var newWindow = !after.Failures.IsEmpty && (before.Failures.IsEmpty || after.Failures[0] != before.Failures[0]);
        if (newWindow || after.DeadFrom > before.DeadFrom) Lookup(after.Key, soon: true);
        if (after.DeadFrom > before.DeadFrom)
        {
            // Subscribers learn the end of a dead period from a message: a revival by time changes no state.
            var wait = TimeSpan.FromTicks(Math.Clamp(after.AliveAgainAt - Now, 0, TimeSpan.TicksPerDay)) + TimeSpan.FromMilliseconds(1);
            Timers.StartSingleTimer("dead:" + after.Key, new DeadPeriodOver(after.Key), wait);
        }
    }

    private void Create(CreateUpstreamList create)
    {
        var definition = UpstreamDefinitionParser.Parse(create.Definition, create.DefaultPort);
        foreach (var reason in definition.Rejected) _log.Warning("{0}", reason);
        if (definition.Members.Count == 0)
        {
            Sender.Tell(new UpstreamListRejected(create.Definition, definition.Rejected));
            return;
        }
        var id = ++_lastListId;
        _lists.Add(id, new UpstreamList(definition, create.Definition));
        Track(definition.Members);
        Sender.Tell(new UpstreamListCreated(id, definition.Members.Select(m => m.Name).ToArray(), definition.Rejected));
    }

    private void Select(SelectUpstream select)
    {
        if (!_lists.TryGetValue(select.ListId, out var list))
        {
            Sender.Tell(new NoUpstreamSelected(select.ListId, $"no upstream list {select.ListId}"));
            return;
        }
        var revived = new List<BackendHealth>();
        var key = select.HashKey is null ? [] : Encoding.UTF8.GetBytes(select.HashKey);
        _ignored.Clear();
        var member = list.Select(select.Method, key, _table, Now, _random, _ignored, revived, out var warning);
        if (warning is not null) _log.Warning("{0}", warning);
        foreach (var health in revived) Broadcast(health.Key);
        if (member?.NextAddress(_table) is not { } address)
        {
            Sender.Tell(new NoUpstreamSelected(select.ListId, $"no upstream of {list.Line} has an address yet"));
            return;
        }
        Sender.Tell(new UpstreamSelected(select.ListId, member.Name, member.Key, address));
    }

    private void Lookup(string key, bool soon)
    {
        if (_lookups.Start(key, Now, soon) is not var (lookup, correlation)) return;
        var spec = lookup.Spec;
        Resolver.Tell(spec.Kind == UpstreamKind.Service ? new ResolveService(spec.Host, correlation) : new Resolve(spec.Host, correlation));
    }

    private void OnResolved(Resolved resolved)
    {
        if (_lookups.Answered(resolved.Correlation) is not { } lookup) return;
        _table.SetAddresses(lookup.Spec.Key, resolved.Addresses);
        Broadcast(lookup.Spec.Key);
        ScheduleRefresh(lookup.Spec.Key, answered: true);
    }

    private void OnServiceResolved(ServiceResolved resolved)
    {
        if (_lookups.Answered(resolved.Correlation) is not { } lookup) return;
        var targets = resolved.Targets
            .Select(t => new UpstreamSpec($"{t.Host}:{t.Port}", UpstreamKind.Name, t.Host, t.Port, t.Weight))
            .ToArray();
        _table.SetTargets(lookup.Spec.Key, targets);
        Track(targets);
        Broadcast(lookup.Spec.Key);
        ScheduleRefresh(lookup.Spec.Key, answered: true);
    }

    private void OnResolveFailed(ResolveFailed failed)
    {
        if (_lookups.Answered(failed.Correlation) is not { } lookup) return;
        // Addresses already known stay in use; a name never answered stays without address until a later lookup.
        _log.Warning("upstream {0}: {1}", lookup.Spec.Name, failed.Error);
        ScheduleRefresh(lookup.Spec.Key, answered: false);
    }

    private void ScheduleRefresh(string key, bool answered) =>
        Timers.StartSingleTimer("refresh:" + key, new Refresh(key), _lookups.NextRefresh(answered, _random));

    /// <summary>Publishes <paramref name="key"/>'s state, which changed, to the subscribers and the gauges.</summary>
    private void Broadcast(string key)
    {
        _view.Publish(_table.Health(key));
        if (_subscribers.Count == 0) return;
        var changed = new UpstreamsChanged([State(key)]);
        foreach (var subscriber in _subscribers) subscriber.Tell(changed);
    }

    private BackendState State(string key) => new(key, _table.Health(key), _table.Addresses(key), _table.Targets(key));

    private sealed record Refresh(string Key);

    private sealed record DeadPeriodOver(string Key);
}
