using System.Diagnostics;
using Akka.Cluster;

namespace ActorTcp.Benchmarks.LuaHost;

/// <summary>
/// A cluster of ActorTcp nodes inside the benchmark process (W7): each a <see cref="LuaBenchHost"/> started with
/// <see cref="LuaBenchHost.StartNodeAsync"/>, Akka.Remote on a free 127.0.0.1 port, the first seeding itself and the
/// others joining it. Started once it sees every node up on every node; disposing it stops every node, the last
/// started first (each leaves the cluster through its coordinated shutdown).
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    private static readonly TimeSpan UpWithin = TimeSpan.FromSeconds(30);
    private readonly List<LuaBenchHost> _nodes;

    private BenchCluster(List<LuaBenchHost> nodes) => _nodes = nodes;

    /// <summary>The nodes, in start order (the first is the seed).</summary>
    public IReadOnlyList<LuaBenchHost> Nodes => _nodes;

    /// <summary>Starts <paramref name="count"/> nodes with <paramref name="hocon"/>, waits until all are up on all.</summary>
    public static async Task<BenchCluster> StartAsync(int count, string hocon, CancellationToken cancellationToken)
    {
        var cluster = new BenchCluster([]);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var seed = i == 0 ? null : cluster.AddressOf(0);
                cluster._nodes.Add(await LuaBenchHost.StartNodeAsync(hocon, seed, cancellationToken).ConfigureAwait(false));
            }
            var clock = Stopwatch.StartNew();
            while (cluster._nodes.Any(n => UpMembers(n) < count))
            {
                if (clock.Elapsed > UpWithin) throw new TimeoutException($"the {count} nodes were not all up within {UpWithin}");
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Node <paramref name="node"/>'s address as <c>host:port</c>, as tasks' results name it.</summary>
    public string AddressOf(int node)
    {
        var address = Akka.Cluster.Cluster.Get(_nodes[node].ActorSystem).SelfAddress;
        return $"{address.Host}:{address.Port}";
    }

    private static int UpMembers(LuaBenchHost node) =>
        Akka.Cluster.Cluster.Get(node.ActorSystem).State.Members.Count(m => m.Status == MemberStatus.Up);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        for (var i = _nodes.Count - 1; i >= 0; i--) await _nodes[i].DisposeAsync().ConfigureAwait(false);
        _nodes.Clear();
    }
}
