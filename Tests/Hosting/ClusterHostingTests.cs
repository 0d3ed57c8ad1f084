using System.Diagnostics;
using ActorTcp.Actors;
using ActorTcp.Actors.Upstreams;
using ActorTcp.Cluster.Tasks;
using ActorTcp.Hosting;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace ActorTcp.Tests.Hosting;

/// <summary>
/// <see cref="ActorTcpClusterHostingExtensions.WithActorTcpCluster"/> in generic hosts, as a .NET user writes it: two
/// nodes on 127.0.0.1 with ephemeral ports form a cluster of mail-filter members and share backend health. Both hosts
/// are stopped by each test.
/// </summary>
public sealed class ClusterHostingTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly List<IHost> _hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync().WaitAsync(Wait);
            host.Dispose();
        }
    }

    private Task<IHost> StartNodeAsync(params string[] seeds) => StartNodeWithHoconAsync("", seeds);

    private async Task<IHost> StartNodeWithHoconAsync(string hocon, params string[] seeds)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka("mail-filter", (akka, _) => akka
            .AddHocon(ConfigurationFactory.ParseString("akka.loglevel = WARNING\n" + hocon), HoconAddMode.Prepend)
            .WithActorTcpCluster(cluster =>
            {
                foreach (var seed in seeds) cluster.Seeds.Add(seed);
            }));
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync().WaitAsync(Wait);
        return host;
    }

    private static Akka.Cluster.Cluster ClusterOf(IHost host) => Akka.Cluster.Cluster.Get(host.Services.GetRequiredService<ActorSystem>());

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Wait) throw new TimeoutException($"waited {Wait.TotalSeconds} s for {what}");
            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task Two_nodes_form_a_cluster_of_mail_filter_members_and_share_a_backends_death()
    {
        var first = await StartNodeAsync();
        var port = ClusterOf(first).SelfAddress.Port!.Value;
        var second = await StartNodeAsync($"127.0.0.1:{port}");

        await UntilAsync(() => Task.FromResult(ClusterOf(second).State.Members.Count(m => m.Status == MemberStatus.Up) == 2),
            "both nodes up");
        Assert.All(ClusterOf(first).State.Members, m => Assert.Contains(ActorTcpClusterOptions.MailFilterRole, m.Roles));

        var owner = await first.Services.GetRequiredService<IRequiredActor<UpstreamsActor>>().GetAsync();
        for (var i = 0; i < 4; i++) owner.Tell(new ReportUpstream("127.0.0.9:11333", Success: false));
        var other = await second.Services.GetRequiredService<IRequiredActor<UpstreamsActor>>().GetAsync();
        await UntilAsync(async () =>
        {
            var snapshot = await other.Ask<UpstreamsSnapshot>(GetUpstreams.Instance, Wait);
            return snapshot.Backends.Any(b => b.Key == "127.0.0.9:11333" && !b.Health.IsAlive(DateTimeOffset.UtcNow.UtcTicks));
        }, "the death on the second node");
    }

    [Fact]
    public async Task A_node_whose_seeds_are_in_hocon_joins_them_rather_than_forming_a_cluster_of_its_own()
    {
        var first = await StartNodeAsync();
        var port = ClusterOf(first).SelfAddress.Port!.Value;

        // As a deployment over many machines gives its seeds: akka.cluster.seed-nodes, no Seeds in the options.
        var second = await StartNodeWithHoconAsync($"akka.cluster.seed-nodes = [\"akka.tcp://mail-filter@127.0.0.1:{port}\"]");

        await UntilAsync(() => Task.FromResult(ClusterOf(first).State.Members.Count(m => m.Status == MemberStatus.Up) == 2),
            "the second node up in the first one's cluster");
        Assert.Equal(2, ClusterOf(second).State.Members.Count);
    }

    [Fact]
    public async Task A_node_binds_the_task_messages_to_their_serializer_which_the_built_in_defaults_do_not_name()
    {
        // HOCON.conf is built into ActorTcp.Actors: a type of ActorTcp.Cluster named there would not resolve (and warn) in
        // a host that has only ActorTcp.Hosting.
        Assert.False(ActorTcpDefaults.Config.HasPath("akka.actor.serializers.actortcp-tasks"));

        var node = await StartNodeAsync();

        var serialization = node.Services.GetRequiredService<ActorSystem>().Serialization;
        Assert.All([typeof(ClusterTask), typeof(RunClusterTask), typeof(ClusterTaskResult)],
            type => Assert.IsType<ClusterTaskSerializer>(serialization.FindSerializerForType(type)));
    }

    [Fact]
    public void A_seed_that_is_not_host_and_port_is_refused_with_its_text()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka("mail-filter", (akka, _) => akka.WithActorTcpCluster(c => c.Seeds.Add("no-port-here")));

        var error = Assert.ThrowsAny<Exception>(() =>
        {
            using var host = builder.Build();
            host.StartAsync().WaitAsync(Wait).GetAwaiter().GetResult();
        });
        Assert.Contains("seed 'no-port-here' is not HOST:PORT", error.ToString());
    }
}
