using ActorTcp.Benchmarks.LuaHost;
using ActorTcp.Benchmarks.Measure;
using ActorTcp.Cluster.Tasks;
using ActorTcp.Hosting;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// W7: W6's tasks (<see cref="TaskWorkload"/>) on a cluster of <see cref="Nodes"/> nodes inside the benchmark process
/// (<see cref="BenchCluster"/>: two actor systems with Akka.Remote on 127.0.0.1, each with
/// <see cref="ActorTcpClusterHostingExtensions.WithActorTcpCluster"/>), all submitted through the first node's
/// <see cref="ClusterTaskService"/>: its TaskGateway sends each to the node with the most spare capacity, so about half
/// cross Akka.Remote (and <see cref="ClusterTaskSerializer"/>) there and back. The nodes share the machine's processors,
/// one Lua host per processor over all of them (here one per node), as W6's one node has: the row's targets against W6
/// (its one-node baseline, run interleaved) are what going through the cluster costs.
/// </summary>
public sealed class W7ClusterTasks(double scale, int inFlight) : TaskWorkload(scale, inFlight)
{
    /// <summary>Nodes of the cluster.</summary>
    internal const int Nodes = 2;

    private readonly int _hostsPerNode = Math.Max(1, Environment.ProcessorCount / Nodes);
    private BenchCluster? _cluster;
    private string[] _addresses = [];

    public override string Id => "W7";
    public override string? ComparedWith => "W6";

    public override string Title =>
        $"{TitleStart}; {Nodes}-node cluster on 127.0.0.1, actortcp.lua.hosts = {_hostsPerNode} per node, " +
        "all submitted through the first node";

    public override IReadOnlyList<Metric> Metrics =>
        TaskLoop.Metrics(Id, Target.RelativeAtLeast(0.9, "W6"), Target.None("none"), Target.RelativeAtMost(2, "W6"));

    protected override (int Count, string Name) Places => (Nodes, "node");

    protected override IEnumerable<CapturingOutput> Outputs => _cluster?.Nodes.Select(n => n.Output) ?? [];

    protected override async Task StartAsync(string hocon, CancellationToken cancellationToken)
    {
        var nodeHocon = WithHosts(hocon, _hostsPerNode);
        _cluster = await BenchCluster.StartAsync(Nodes, nodeHocon, cancellationToken).ConfigureAwait(false);
        foreach (var node in _cluster.Nodes) await node.LoadPluginAsync(Script, cancellationToken).ConfigureAwait(false);
        _addresses = Enumerable.Range(0, Nodes).Select(_cluster.AddressOf).ToArray();
        // Each gateway publishes its load once it started (Distributed Data, gossip every 200 ms): let it reach the
        // other node, so the first run's tasks are spread from the start (the warm-up run would hide it anyway).
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask TearDownAsync()
    {
        if (_cluster is { } cluster) await cluster.DisposeAsync().ConfigureAwait(false);
        _cluster = null;
    }

    protected override async Task<int> RunOneAsync(CancellationToken cancellationToken)
    {
        var submitter = _cluster?.Nodes[0] ?? throw new InvalidOperationException($"{Id} is not set up");
        var result = await submitter.RunClusterTaskAsync(Function, Fields, Deadline, cancellationToken).ConfigureAwait(false);
        if (result.Status == ClusterTaskStatus.Ok) return Array.IndexOf(_addresses, result.Node);
        throw new InvalidOperationException($"a task on node '{result.Node}' ended {result.Status}: {FirstLine(result.Error)}");
    }
}
