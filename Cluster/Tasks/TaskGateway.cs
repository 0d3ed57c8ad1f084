using System.Diagnostics;
using ActorTcp.LuaApi;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;

namespace ActorTcp.Cluster.Tasks;

/// <summary>
/// A node's door for tasks over the cluster, at <c>/user/actortcp-tasks</c> on every mail-filter node. A
/// <see cref="RunClusterTask"/> from a local caller goes to the member with the most spare capacity; a
/// <see cref="ClusterTask"/> from any gateway runs on this node's Lua host pool and its result goes straight back to
/// the caller.
/// </summary>
/// <remarks>
/// Capacity: each gateway publishes its node's running tasks and Lua host count through Akka.DistributedData (a
/// replicated map, a few hundred milliseconds behind), and a sender adds the tasks it sent to a node since that node
/// last published; the node with the fewest tasks per Lua host wins, ties in turn. Load published this way sees every
/// submitter's work, unlike a router's round robin, and costs nothing per task. A task whose node does not answer by
/// its deadline (plus a second for the answer to travel) fails as timed out, and one whose node becomes unreachable
/// fails at once, so no caller waits past its deadline. The actor system needs <see cref="ClusterTaskSerialization"/>
/// in its configuration.
/// </remarks>
public sealed class TaskGateway : ReceiveActor, IWithTimers
{
    /// <summary>The gateway's name under <c>/user</c> on every node.</summary>
    public const string Name = "actortcp-tasks";

    /// <summary>The replicated load: node address to <c>"running hosts"</c>, plus <c>" draining"</c> while it leaves.</summary>
    public static readonly LWWDictionaryKey<string, string> LoadKey = new("actortcp-node-load");

    private static readonly TimeSpan AnswerGrace = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PublishEvery = TimeSpan.FromMilliseconds(100);

    private sealed record Sent(IActorRef Caller, Address Node, long StartedAt);

    private sealed record Running(long Id, IActorRef ReplyTo, long StartedAt);

    private sealed record NoAnswer(long Id, TimeSpan Deadline);

    private sealed class Publish
    {
        public static readonly Publish Instance = new();
    }

    // Sends what the outboxes hold: queued behind the messages that filled them, so a burst leaves as one batch per node.
    private sealed class Flush
    {
        public static readonly Flush Instance = new();
    }

    /// <summary>The node is leaving: take no more tasks; <see cref="Drained"/> once the running ones ended.</summary>
    public sealed class Drain
    {
        /// <summary>The instance.</summary>
        public static readonly Drain Instance = new();
        private Drain() { }
    }

    /// <summary>Every task this node was running ended (the answer to <see cref="Drain"/>).</summary>
    public sealed class Drained
    {
        /// <summary>The instance.</summary>
        public static readonly Drained Instance = new();
        private Drained() { }
    }

    private readonly IActorRef _pool;
    private readonly int _hosts;
    private readonly ClusterTaskSettings _settings;
    private readonly Akka.Cluster.Cluster _cluster;
    private readonly IActorRef _replicator;
    private readonly Dictionary<long, Sent> _sent = new();
    private readonly Dictionary<long, Running> _running = new();
    private readonly Dictionary<Address, (int Running, int Hosts, bool Draining)> _published = new();
    private readonly List<IActorRef> _drainWaiters = [];
    private bool _draining;
    private readonly Dictionary<Address, int> _sentSincePublished = new();
    // Each other node's gateway: a selection until its reference is known (asked once with Identify), then the
    // reference, which skips resolving the path on every task.
    private readonly Dictionary<Address, ICanTell> _gateways = new();
    // Tasks held for other nodes, with the size their fields take (counted once, at the door).
    private readonly Outbox<Address, (ClusterTask Task, long Size)> _tasksOut = new();
    private readonly Outbox<IActorRef, ClusterTaskResult> _resultsOut = new();
    private long _lastId;
    private int _turn;

    /// <summary>A gateway running tasks on <paramref name="pool"/> (a <see cref="LuaApi.Pool.LuaHostPool"/> of <paramref name="hosts"/> hosts).</summary>
    public TaskGateway(IActorRef pool, int hosts, ClusterTaskSettings settings)
    {
        _pool = pool;
        _hosts = hosts;
        _settings = settings;
        _cluster = Akka.Cluster.Cluster.Get(Context.System);
        _replicator = DistributedData.Get(Context.System).Replicator;

        Receive<RunClusterTask>(Submit);
        Receive<ClusterTask>(RunHere);
        Receive<ClusterTaskBatch>(batch =>
        {
            foreach (var task in batch.Tasks) RunHere(task);
        });
        Receive<ClusterTaskResult>(OnResult);
        Receive<ClusterTaskResultBatch>(batch =>
        {
            foreach (var result in batch.Results) OnResult(result);
        });
        Receive<Flush>(_ => FlushOutboxes());
        Receive<ScriptFinished>(OnFinished);
        Receive<NoAnswer>(OnNoAnswer);
        Receive<Changed>(changed => OnLoad(changed.Get(LoadKey)));
        Receive<ClusterEvent.UnreachableMember>(unreachable => FailSentTo(unreachable.Member.Address, "became unreachable"));
        Receive<ClusterEvent.MemberRemoved>(removed => FailSentTo(removed.Member.Address, "left the cluster"));
        Receive<Publish>(_ => PublishLoad());
        Receive<ActorIdentity>(OnGatewayIdentified);
        Receive<Drain>(_ => StartDraining());
        Receive<IUpdateResponse>(_ => { });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
    }

    /// <inheritdoc/>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of a gateway for the node's pool.</summary>
    public static Props Props(IActorRef pool, int hosts, ClusterTaskSettings settings) =>
        Akka.Actor.Props.Create(() => new TaskGateway(pool, hosts, settings));

    /// <inheritdoc/>
    protected override void PreStart()
    {
        _replicator.Tell(Dsl.Subscribe(LoadKey, Self));
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.MemberRemoved));
        PublishLoad();
    }

    /// <inheritdoc/>
    protected override void PostStop() => _cluster.Unsubscribe(Self);

    // ---- sending: a local caller's task to the node with the most spare capacity ------------------------------------

    private void Submit(RunClusterTask task)
    {
        var id = ++_lastId;
        if (_settings.Refusal(task.Fields, out var size) is { } refusal)
        {
            Sender.Tell(new ClusterTaskResult(id, "", 0, ClusterTaskStatus.Error, refusal, TimeSpan.Zero, []));
            return;
        }
        if (PickNode() is not { } node)
        {
            Sender.Tell(new ClusterTaskResult(id, "", 0, ClusterTaskStatus.Error, "no mail-filter node is up", TimeSpan.Zero, []));
            return;
        }
        _sent[id] = new Sent(Sender, node, Stopwatch.GetTimestamp());
        _sentSincePublished[node] = _sentSincePublished.GetValueOrDefault(node) + 1;
        var clusterTask = new ClusterTask(id, task.Function, task.Fields, task.Deadline, Self);
        // This node's own share runs without a message to itself.
        if (node == _cluster.SelfAddress) RunHere(clusterTask);
        else if (_tasksOut.Add(node, (clusterTask, size))) Self.Tell(Flush.Instance);
        Timers.StartSingleTimer(id, new NoAnswer(id, task.Deadline), task.Deadline + AnswerGrace);
    }

    /// <summary>The up, reachable mail-filter member with the fewest tasks per Lua host (published, plus sent since).</summary>
    private Address? PickNode()
    {
        var state = _cluster.State;
        var candidates = state.Members
            .Where(m => m.Status == MemberStatus.Up && m.HasRole("mail-filter") && !state.Unreachable.Contains(m))
            .Select(m => m.Address)
            // A leaving node (this one included) takes no more tasks.
            .Where(a => !(a == _cluster.SelfAddress ? _draining : _published.GetValueOrDefault(a).Draining))
            .OrderBy(a => a.ToString(), StringComparer.Ordinal)
            .ToArray();
        if (candidates.Length == 0) return null;
        var start = _turn++ % candidates.Length;
        Address? best = null;
        var bestLoad = double.MaxValue;
        for (var i = 0; i < candidates.Length; i++)
        {
            var node = candidates[(start + i) % candidates.Length];
            var (running, hosts, _) = _published.GetValueOrDefault(node, (0, 1, false));
            var load = (running + _sentSincePublished.GetValueOrDefault(node)) / (double)Math.Max(1, hosts);
            if (load < bestLoad) (best, bestLoad) = (node, load);
        }
        return best;
    }

    private void OnResult(ClusterTaskResult result)
    {
        if (!_sent.Remove(result.Id, out var sent)) return;
        Timers.Cancel(result.Id);
        sent.Caller.Tell(result with { Elapsed = Stopwatch.GetElapsedTime(sent.StartedAt) });
        CheckDrained();
    }

    private void OnNoAnswer(NoAnswer timeout)
    {
        if (!_sent.Remove(timeout.Id, out var sent)) return;
        sent.Caller.Tell(new ClusterTaskResult(timeout.Id, HostPort(sent.Node), 0, ClusterTaskStatus.Timeout,
            $"node {HostPort(sent.Node)} did not answer within the task's deadline of {timeout.Deadline.TotalSeconds:0.###} s",
            Stopwatch.GetElapsedTime(sent.StartedAt), []));
        CheckDrained();
    }

    private void FailSentTo(Address node, string what)
    {
        foreach (var (id, sent) in _sent.Where(s => s.Value.Node == node).ToArray())
        {
            _sent.Remove(id);
            Timers.Cancel(id);
            sent.Caller.Tell(new ClusterTaskResult(id, HostPort(node), 0, ClusterTaskStatus.Error,
                $"node {HostPort(node)} {what} while running the task", Stopwatch.GetElapsedTime(sent.StartedAt), []));
        }
        _published.Remove(node);
        _sentSincePublished.Remove(node);
        _gateways.Remove(node);
        CheckDrained();
    }

    // ---- running: a task from any gateway, on this node's pool ------------------------------------------------------

    private void RunHere(ClusterTask task)
    {
        var correlation = ++_lastId;
        _running[correlation] = new Running(task.Id, task.ReplyTo, Stopwatch.GetTimestamp());
        _pool.Tell(new RunTask(task.Function, task.Fields, task.Deadline, Self, correlation));
        SchedulePublish();
    }

    private void OnFinished(ScriptFinished finished)
    {
        if (!_running.Remove(finished.Correlation, out var running)) return;
        var status = finished.Error is null ? ClusterTaskStatus.Ok : finished.TimedOut ? ClusterTaskStatus.Timeout : ClusterTaskStatus.Error;
        var symbols = finished.InsertedSymbols.Select(s => new ClusterTaskSymbol(s.Name, s.Score, s.Options)).ToArray();
        var result = new ClusterTaskResult(running.Id, HostPort(_cluster.SelfAddress), finished.Host, status,
            finished.Error, Stopwatch.GetElapsedTime(running.StartedAt), symbols);
        // A task this gateway sent itself ends here; another gateway's result waits for the flush, with its neighbours.
        if (running.ReplyTo.Equals(Self)) OnResult(result);
        else if (_resultsOut.Add(running.ReplyTo, result)) Self.Tell(Flush.Instance);
        SchedulePublish();
        CheckDrained();
    }

    private void FlushOutboxes()
    {
        // A batch fits one remoting frame: at most max-task-size of fields (one task alone is never more).
        foreach (var (node, tasks) in _tasksOut.Flush())
            foreach (var batch in Batches(tasks, t => 256 + t.Size))
                GatewayOf(node).Tell(batch.Count == 1 ? batch[0].Task : new ClusterTaskBatch(batch.Select(t => t.Task).ToArray()), Self);
        foreach (var (gateway, results) in _resultsOut.Flush())
            foreach (var batch in Batches(results, ResultSize))
                gateway.Tell(batch.Count == 1 ? batch[0] : new ClusterTaskResultBatch(batch), Self);
        CheckDrained();
    }

    private IEnumerable<List<T>> Batches<T>(List<T> items, Func<T, long> size)
    {
        var batch = new List<T>();
        long bytes = 0;
        foreach (var item in items)
        {
            var itemBytes = size(item);
            if (batch.Count > 0 && bytes + itemBytes > _settings.MaxTaskSize)
            {
                yield return batch;
                (batch, bytes) = ([], 0);
            }
            batch.Add(item);
            bytes += itemBytes;
        }
        if (batch.Count > 0) yield return batch;
    }

    // Roughly what a result takes on the wire (its texts; numbers are noise at this scale).
    private static long ResultSize(ClusterTaskResult result) =>
        64 + (result.Error?.Length ?? 0) + result.Symbols.Sum(s => 16 + s.Name.Length + s.Options.Sum(o => 4L + o.Length));

    // ---- leaving ------------------------------------------------------------------------------------------------------

    /// <summary>
    /// The node is leaving (coordinated shutdown, before it leaves the cluster): it tells the others at once that it
    /// takes no more tasks, and answers once the tasks it runs ended (each by its deadline at the latest) and the ones
    /// it sent to other nodes came back to their callers. Tasks already on their way here still run; a local caller's
    /// new task still goes to another node.
    /// </summary>
    private void StartDraining()
    {
        _draining = true;
        _drainWaiters.Add(Sender);
        PublishLoad();
        CheckDrained();
    }

    // Drained once the tasks it runs ended and the ones it sent elsewhere came back: their callers hear through it.
    private void CheckDrained()
    {
        if (!_draining || _running.Count > 0 || _sent.Count > 0 || !_resultsOut.IsEmpty) return;
        foreach (var waiter in _drainWaiters) waiter.Tell(Drained.Instance);
        _drainWaiters.Clear();
    }

    // ---- load -------------------------------------------------------------------------------------------------------

    private void SchedulePublish()
    {
        if (!Timers.IsTimerActive(Publish.Instance)) Timers.StartSingleTimer(Publish.Instance, Publish.Instance, PublishEvery);
    }

    private void PublishLoad()
    {
        var node = _cluster.SelfUniqueAddress;
        var entry = _cluster.SelfAddress.ToString();
        var value = _draining ? $"{_running.Count} {_hosts} draining" : $"{_running.Count} {_hosts}";
        _replicator.Tell(Dsl.Update(LoadKey, LWWDictionary<string, string>.Empty, WriteLocal.Instance, map => map.SetItem(node, entry, value)));
    }

    private void OnLoad(LWWDictionary<string, string> map)
    {
        foreach (var (entry, value) in map.Entries)
        {
            var parts = value.Split(' ');
            if (parts.Length is < 2 or > 3 || !int.TryParse(parts[0], out var running) || !int.TryParse(parts[1], out var hosts)) continue;
            var draining = parts.Length == 3;
            var node = Address.Parse(entry);
            if (_published.TryGetValue(node, out var known) && known == (running, hosts, draining)) continue;
            _published[node] = (running, hosts, draining);
            _sentSincePublished.Remove(node);
        }
    }

    private ICanTell GatewayOf(Address node)
    {
        if (_gateways.TryGetValue(node, out var gateway)) return gateway;
        var selection = Context.ActorSelection(new RootActorPath(node) / "user" / Name);
        selection.Tell(new Identify(node.ToString()), Self);
        return _gateways[node] = selection;
    }

    private void OnGatewayIdentified(ActorIdentity identity)
    {
        // Only while the node is still known: one that went away meanwhile was forgotten on purpose.
        if (identity is not { MessageId: string id, Subject: { } gateway }) return;
        var node = Address.Parse(id);
        if (_gateways.ContainsKey(node)) _gateways[node] = gateway;
    }

    private static string HostPort(Address address) => $"{address.Host}:{address.Port}";
}
