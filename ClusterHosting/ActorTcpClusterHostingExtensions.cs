using ActorTcp.Actors.Upstreams;
using ActorTcp.Cluster.Health;
using ActorTcp.Cluster.Tasks;
using ActorTcp.LuaApi.Pool;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;

namespace ActorTcp.Hosting;

/// <summary>Where a clustered ActorTcp node listens and whom it joins (<see cref="ActorTcpClusterHostingExtensions.WithActorTcpCluster"/>).</summary>
public sealed class ActorTcpClusterOptions
{
    /// <summary>The role every ActorTcp node has.</summary>
    public const string MailFilterRole = "mail-filter";

    /// <summary>The address Akka.Remote binds and other nodes reach this one at.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The port Akka.Remote binds; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Seed nodes as <c>host:port</c> (of the same actor system name); none: this node seeds itself.</summary>
    public IList<string> Seeds { get; } = [];

    /// <summary>Roles besides <see cref="MailFilterRole"/>.</summary>
    public IList<string> Roles { get; } = [];

    /// <summary>
    /// With no <see cref="Seeds"/> (and no <c>akka.cluster.seed-nodes</c> in HOCON), the node seeds a cluster of its own
    /// (true, the default). False when something else forms the cluster, such as Akka.Management's Cluster Bootstrap.
    /// </summary>
    public bool JoinSelfWithoutSeeds { get; set; } = true;
}

/// <summary>Akka.Hosting integration of clustered ActorTcp nodes.</summary>
public static class ActorTcpClusterHostingExtensions
{
    /// <summary>
    /// Makes this actor system an ActorTcp cluster member: Akka.Remote on <see cref="ActorTcpClusterOptions.Host"/>
    /// and <see cref="ActorTcpClusterOptions.Port"/>, Akka.Cluster with the role <c>mail-filter</c> and the split-brain
    /// resolver keeping the majority (Akka's recommendation for a cluster of equal members), everything
    /// <see cref="ActorTcpHostingExtensions.WithActorTcp"/> adds, the node's backend health shared with every member
    /// (<see cref="HealthReplicator"/>) and its door for tasks over the cluster (<see cref="TaskGateway"/>, used by
    /// <see cref="ClusterTaskService"/>), both registered under their types, and the task messages' serializer
    /// (<see cref="ClusterTaskSerialization"/>). Once the system runs it joins the seeds,
    /// those of <c>akka.cluster.seed-nodes</c>, or itself when none is given (see <see cref="ActorTcpClusterOptions.JoinSelfWithoutSeeds"/>).
    /// </summary>
    public static AkkaConfigurationBuilder WithActorTcpCluster(this AkkaConfigurationBuilder builder,
        Action<ActorTcpClusterOptions>? configureCluster = null, Action<ActorTcpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var cluster = new ActorTcpClusterOptions();
        configureCluster?.Invoke(cluster);
        // Checked here, so a bad seed fails the host's start with its text instead of a join that never happens.
        var seeds = cluster.Seeds.Select(ParseSeed).ToArray();

        builder.WithRemoting(cluster.Host, cluster.Port);
        builder.WithClustering(new ClusterOptions
        {
            Roles = [ActorTcpClusterOptions.MailFilterRole, .. cluster.Roles],
            SplitBrainResolver = new KeepMajorityOption(),
        });
        builder.WithActorTcp(configure);
        builder.AddHocon(ClusterTaskSerialization.Config, HoconAddMode.Append);
        return builder.WithActors((system, registry) =>
        {
            var replicator = system.ActorOf(HealthReplicator.Props(registry.Get<UpstreamsActor>()), "actortcp-health");
            registry.Register<HealthReplicator>(replicator);
            var hosts = LuaHostPool.HostsSetting(system.Settings.Config);
            var gateway = system.ActorOf(TaskGateway.Props(registry.Get<LuaHostPool>(), hosts, ClusterTaskSettings.Create(system.Settings.Config)), TaskGateway.Name);
            registry.Register<TaskGateway>(gateway);
            // Reachable from outside the cluster too (actortcp submit, through Akka's ClusterClient).
            Akka.Cluster.Tools.Client.ClusterClientReceptionist.Get(system).RegisterService(gateway);
            // Leaving without lost work: before the node leaves the cluster, it takes no more tasks and lets the running
            // ones end (bounded by the phase's timeout, HOCON.conf).
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "actortcp-drain-tasks", async () =>
            {
                await gateway.Ask<TaskGateway.Drained>(TaskGateway.Drain.Instance).ConfigureAwait(false);
                return Akka.Done.Instance;
            });

            var node = Akka.Cluster.Cluster.Get(system);
            if (seeds.Length > 0) node.JoinSeedNodes(seeds.Select(s => new Address("akka.tcp", system.Name, s.Host, s.Port)));
            // Seeds in HOCON are joined by Akka.Cluster itself; a bootstrap (Akka.Management) forms the cluster on its own.
            else if (cluster.JoinSelfWithoutSeeds && system.Settings.Config.GetStringList("akka.cluster.seed-nodes", []).Count == 0)
                node.Join(node.SelfAddress);
        });
    }

    private static (string Host, int Port) ParseSeed(string seed)
    {
        var colon = seed.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(seed.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"seed '{seed}' is not HOST:PORT", nameof(seed));
        return (seed[..colon].Trim('[', ']'), port);
    }
}
