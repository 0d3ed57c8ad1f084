using System.Diagnostics;
using ActorTcp.Actors;
using ActorTcp.Actors.Upstreams;
using ActorTcp.Cluster.Health;
using Akka.Actor;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Cluster;

/// <summary>
/// Backend health shared by real cluster nodes: several ActorSystems in this process, on 127.0.0.1 with ephemeral
/// ports, each with its own upstream owner and <see cref="HealthReplicator"/>. All of them are stopped by each test.
/// </summary>
public sealed class HealthReplicationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Backend = "127.0.0.9:11333";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private readonly List<Node> _nodes = [];

    private sealed record Node(ActorSystem System, IActorRef Owner)
    {
        public Akka.Cluster.Cluster Cluster => Akka.Cluster.Cluster.Get(System);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) await node.System.Terminate().WaitAsync(Wait).ConfigureAwait(false);
    }

    private Node Start(string reviveTime = "60s")
    {
        var config = ConfigurationFactory.ParseString($$"""
                akka.actor.provider = cluster
                akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
                akka.cluster.downing-provider-class = ""
                akka.loglevel = WARNING
                actortcp.upstreams { revive-time = {{reviveTime}}, revive-jitter = 0 }
                """)
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf"))));
        var system = ActorSystem.Create("mail-filter", config);
        var owner = system.ActorOf(UpstreamsActor.Props(ActorTcpSettings.Create(system.Settings.Config)), "upstreams");
        system.ActorOf(HealthReplicator.Props(owner), "health");
        var node = new Node(system, owner);
        _nodes.Add(node);
        return node;
    }

    private async Task<Node[]> ClusterOfAsync(int count)
    {
        var nodes = Enumerable.Range(0, count).Select(_ => Start()).ToArray();
        await JoinAsync(nodes, nodes[0]);
        return nodes;
    }

    private static async Task JoinAsync(IEnumerable<Node> nodes, Node seed)
    {
        var all = nodes.ToArray();
        foreach (var node in all) node.Cluster.Join(seed.Cluster.SelfAddress);
        await UntilAsync(() => all.All(n => n.Cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) >= all.Length), "the nodes to be up");
    }

    private static async Task<BackendHealth?> HealthAsync(Node node)
    {
        var snapshot = await node.Owner.Ask<UpstreamsSnapshot>(GetUpstreams.Instance, Wait);
        return snapshot.Backends.FirstOrDefault(b => b.Key == Backend)?.Health;
    }

    private static async Task<bool> DeadOnAsync(Node node) =>
        await HealthAsync(node) is { } health && !health.IsAlive(DateTimeOffset.UtcNow.UtcTicks);

    private static async Task UntilAsync(Func<bool> condition, string what) => await UntilAsync(() => Task.FromResult(condition()), what);

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > Wait) throw new TimeoutException($"waited {Wait.TotalSeconds} s for {what}");
            await Task.Delay(20);
        }
    }

    private static void Kill(Node node)
    {
        for (var i = 0; i < 4; i++) node.Owner.Tell(new ReportUpstream(Backend, Success: false));
    }

    [Fact]
    public async Task A_backend_that_dies_on_one_node_is_dead_on_every_node_within_a_second_or_so()
    {
        var nodes = await ClusterOfAsync(3);

        var watch = Stopwatch.StartNew();
        Kill(nodes[0]);
        await UntilAsync(() => DeadOnAsync(nodes[0]), "the death on the reporting node");
        await UntilAsync(async () => await DeadOnAsync(nodes[1]) && await DeadOnAsync(nodes[2]), "the death on the other nodes");
        output.WriteLine($"converged in {watch.ElapsedMilliseconds} ms");

        // Every node computes the same end of the dead period (the jitter depends on the backend and the time of death).
        var ends = await Task.WhenAll(nodes.Select(HealthAsync));
        Assert.Single(ends.Select(h => h!.DeadUntil).Distinct());
    }

    [Fact]
    public async Task Failures_reported_on_different_nodes_add_up_to_a_death_seen_by_all()
    {
        var nodes = await ClusterOfAsync(3);

        // Two failures on each of two nodes: no node alone reaches max-errors (4) within the window, together they do.
        nodes[1].Owner.Tell(new ReportUpstream(Backend, Success: false));
        nodes[1].Owner.Tell(new ReportUpstream(Backend, Success: false));
        await UntilAsync(async () => (await HealthAsync(nodes[2]))?.Errors == 2, "two errors replicated");
        nodes[2].Owner.Tell(new ReportUpstream(Backend, Success: false));
        nodes[2].Owner.Tell(new ReportUpstream(Backend, Success: false));

        await UntilAsync(async () => await DeadOnAsync(nodes[0]) && await DeadOnAsync(nodes[1]) && await DeadOnAsync(nodes[2]),
            "the death everywhere");
    }

    [Fact]
    public async Task A_node_that_joins_later_gets_the_current_view()
    {
        var nodes = await ClusterOfAsync(2);
        Kill(nodes[0]);
        await UntilAsync(() => DeadOnAsync(nodes[1]), "the death on the second node");

        var late = Start();
        await JoinAsync([.. nodes, late], nodes[0]);

        await UntilAsync(() => DeadOnAsync(late), "the death on the node that joined later");
    }

    [Fact]
    public async Task A_crashed_nodes_report_keeps_a_backend_dead_no_longer_than_its_dead_period()
    {
        var nodes = new[] { Start("2s"), Start("2s"), Start("2s") };
        await JoinAsync(nodes, nodes[0]);
        Kill(nodes[2]);
        await UntilAsync(async () => await DeadOnAsync(nodes[0]) && await DeadOnAsync(nodes[1]), "the death on the survivors");
        var deadUntil = (await HealthAsync(nodes[0]))!.DeadUntil;

        // The reporter goes away without leaving (its system stops, the others see it unreachable).
        await nodes[2].System.Terminate().WaitAsync(Wait);

        await UntilAsync(async () => !await DeadOnAsync(nodes[0]) && !await DeadOnAsync(nodes[1]), "the revival on the survivors");
        Assert.True(DateTimeOffset.UtcNow.UtcTicks >= deadUntil);
        Assert.True(DateTimeOffset.UtcNow.UtcTicks - deadUntil < TimeSpan.FromSeconds(5).Ticks, "revived long after its dead period");
    }
}
