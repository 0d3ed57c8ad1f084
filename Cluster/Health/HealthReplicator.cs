using ActorTcp.Actors.Upstreams;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;

namespace ActorTcp.Cluster.Health;

/// <summary>
/// Shares a node's backend health with every node of the cluster through Akka.DistributedData. Each node writes its
/// own view of each backend (<see cref="BackendHealth"/>, as text) under its own entry of one
/// <see cref="LWWDictionary{TKey,TValue}"/>: no two nodes write the same entry, so last-writer-wins never drops a
/// report, and every node merges every other node's entries into its owner (<see cref="MergeUpstreamHealth"/>) with
/// <see cref="BackendHealth.Merge"/>, which is commutative and idempotent: views converge whatever the gossip order.
/// </summary>
/// <remarks>
/// Writes are local (<see cref="WriteLocal"/>) and gossiped by the replicator; nothing waits for them, so the request
/// path never does. A merge that changes the owner's view comes back as a change and is written as this node's entry;
/// a merge that changes nothing stops there. Times are absolute (UTC ticks), so a crashed node's entry keeps a backend
/// dead no longer than the death it recorded. Gossip and notification intervals: HOCON.conf
/// (<c>akka.cluster.distributed-data</c>).
/// </remarks>
public sealed class HealthReplicator : ReceiveActor
{
    /// <summary>The replicated map: entry <c>backend + "\n" + node address</c> to that node's view as text.</summary>
    public static readonly LWWDictionaryKey<string, string> Key = new("actortcp-upstream-health");

    private const char Separator = '\n';

    private readonly IActorRef _owner;
    private readonly IActorRef _replicator;
    private readonly Akka.Cluster.Cluster _cluster;
    private readonly string _self;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    // What this node last wrote per backend, and the text of every other entry it last merged: unchanged ones are skipped.
    private readonly Dictionary<string, BackendHealth> _written = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _merged = new(StringComparer.Ordinal);

    /// <summary>A replicator for the node whose upstream owner is <paramref name="owner"/>.</summary>
    public HealthReplicator(IActorRef owner)
    {
        _owner = owner;
        _cluster = Akka.Cluster.Cluster.Get(Context.System);
        _replicator = DistributedData.Get(Context.System).Replicator;
        _self = _cluster.SelfAddress.ToString();

        Receive<UpstreamsSnapshot>(snapshot => Publish(snapshot.Backends));
        Receive<UpstreamsChanged>(changed => Publish(changed.Backends));
        Receive<Changed>(changed => OnReplicated(changed.Get(Key)));
        // Local writes are not awaited: their acknowledgements change nothing.
        Receive<IUpdateResponse>(_ => { });
    }

    /// <summary>Props of a replicator for <paramref name="owner"/> (an <see cref="UpstreamsActor"/>).</summary>
    public static Props Props(IActorRef owner) => Akka.Actor.Props.Create(() => new HealthReplicator(owner));

    /// <inheritdoc/>
    protected override void PreStart()
    {
        _owner.Tell(new SubscribeUpstreams(Self));
        _replicator.Tell(Dsl.Subscribe(Key, Self));
    }

    /// <summary>Writes the backends whose health this node has not written yet, in one local update.</summary>
    private void Publish(IReadOnlyList<BackendState> backends)
    {
        List<(string Entry, string Text)>? changes = null;
        foreach (var backend in backends)
        {
            var health = backend.Health;
            if (_written.TryGetValue(backend.Key, out var written) ? written.Equals(health) : health.Equals(BackendHealth.Fresh(backend.Key)))
                continue;
            _written[backend.Key] = health;
            (changes ??= []).Add((backend.Key + Separator + _self, BackendHealthText.Write(health)));
        }
        if (changes is null) return;
        var node = _cluster.SelfUniqueAddress;
        _replicator.Tell(Dsl.Update(Key, LWWDictionary<string, string>.Empty, WriteLocal.Instance, map =>
        {
            foreach (var (entry, text) in changes) map = map.SetItem(node, entry, text);
            return map;
        }));
    }

    /// <summary>Merges every other node's entries that changed since they were last merged.</summary>
    private void OnReplicated(LWWDictionary<string, string> map)
    {
        foreach (var (entry, text) in map.Entries)
        {
            var split = entry.LastIndexOf(Separator);
            if (split <= 0 || entry.AsSpan(split + 1).SequenceEqual(_self)) continue;
            if (_merged.TryGetValue(entry, out var seen) && seen == text) continue;
            _merged[entry] = text;
            if (BackendHealthText.Read(entry[..split], text) is { } health) _owner.Tell(new MergeUpstreamHealth(health));
            else _log.Warning("unreadable upstream health from {0}: {1}", entry[(split + 1)..], text);
        }
    }
}
