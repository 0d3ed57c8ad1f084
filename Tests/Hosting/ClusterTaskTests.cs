using System.Diagnostics;
using ActorTcp.Cluster.Tasks;
using ActorTcp.Hosting;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Hosting;

/// <summary>
/// Tasks over a real cluster: three generic hosts with <see cref="ActorTcpClusterHostingExtensions.WithActorTcpCluster"/>
/// on 127.0.0.1 (ephemeral ports), a plugin loaded on each, tasks submitted from one node through
/// <see cref="ClusterTaskService"/> (crossing Akka.Remote and the task serializer). Every host is stopped by each test.
/// </summary>
public sealed class ClusterTaskTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private const string Plugin = """
        local tcp = require 'rspamd_tcp'
        function work(task)
          task:insert_result('WORKED', task.weight, task.label, tostring(#task.raw), math.type(task.count))
        end
        function slow_ask(task)
          tcp.request{task = task, host = '127.0.0.1', port = task.port, data = 'x\n', stop_pattern = '\n', timeout = 10,
            callback = function(err) task:insert_result(err and 'FAILED' or 'ANSWERED', 1) end}
        end
        function wait_on(task)
          tcp.request{task = task, host = '127.0.0.1', port = task.port, data = 'x\n', stop_pattern = '\n', timeout = 30,
            callback = function() task:insert_result('NEVER', 1) end}
        end
        """;

    private readonly List<IHost> _hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            try
            {
                await host.StopAsync().WaitAsync(Wait);
            }
            catch (Exception e) when (e is TimeoutException or ObjectDisposedException)
            {
                // A host whose system a test terminated already.
            }
            host.Dispose();
        }
    }

    private async Task<IHost[]> ClusterAsync(int count)
    {
        var nodes = new List<IHost>();
        for (var i = 0; i < count; i++)
        {
            var seed = i == 0 ? null : $"127.0.0.1:{ClusterOf(nodes[0]).SelfAddress.Port}";
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddAkka("mail-filter", (akka, _) => akka
                .AddHocon(ConfigurationFactory.ParseString("akka.loglevel = WARNING\nactortcp.lua.hosts = 1"), HoconAddMode.Prepend)
                .WithActorTcpCluster(c =>
                {
                    if (seed is not null) c.Seeds.Add(seed);
                }));
            builder.Services.AddClusterTasks();
            var host = builder.Build();
            _hosts.Add(host);
            await host.StartAsync().WaitAsync(Wait);
            (await host.Services.GetRequiredService<LuaPluginService>().LoadPluginChunkAsync("plugin.lua", Plugin).WaitAsync(Wait))
                .EnsureSucceeded();
            nodes.Add(host);
        }
        var clock = Stopwatch.StartNew();
        while (nodes.Any(n => ClusterOf(n).State.Members.Count(m => m.Status == MemberStatus.Up) < count))
        {
            if (clock.Elapsed > Wait) throw new TimeoutException("the nodes never all came up");
            await Task.Delay(25);
        }
        // Each gateway's load is published once it started; give the map a moment to reach every node.
        await Task.Delay(500);
        return [.. nodes];
    }

    private static Akka.Cluster.Cluster ClusterOf(IHost host) => Akka.Cluster.Cluster.Get(host.Services.GetRequiredService<ActorSystem>());

    private static ClusterTaskService Tasks(IHost host) => host.Services.GetRequiredService<ClusterTaskService>();

    [Fact]
    public async Task Tasks_from_one_node_run_on_every_node_and_come_back_with_their_symbols_and_field_types()
    {
        var nodes = await ClusterAsync(3);

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Tasks(nodes[0]).RunTaskAsync("work",
            new Dictionary<string, object?> { ["weight"] = 0.5, ["label"] = $"t{i}", ["raw"] = new byte[] { 0, 1, 2 }, ["count"] = 7L },
            TimeSpan.FromSeconds(10))));

        Assert.All(results, r => Assert.Equal((ClusterTaskStatus.Ok, (string?)null), (r.Status, r.Error)));
        var perNode = results.GroupBy(r => r.Node).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Join(", ", perNode.Select(p => $"{p.Key}: {p.Value}")));
        Assert.Equal(3, perNode.Count);
        var symbol = Assert.Single(results[7].Symbols);
        Assert.Equal(("WORKED", 0.5), (symbol.Name, symbol.Score));
        Assert.Equal(["t7", "3", "integer"], symbol.Options);
    }

    [Fact]
    public async Task A_leaving_node_takes_no_more_tasks_and_finishes_the_ones_it_runs_before_it_leaves()
    {
        using var slow = ScriptedPeer.Start(s => s.ExpectUntil("\n").Wait(TimeSpan.FromSeconds(3)).Send("late\n"),
            new ScriptedPeerOptions { Connections = 4 });
        var nodes = await ClusterAsync(2);
        var (stays, leaves) = (nodes[0], nodes[1]);
        var staysAt = $"127.0.0.1:{ClusterOf(stays).SelfAddress.Port}";

        var running = Enumerable.Range(0, 4).Select(_ => Tasks(stays).RunTaskAsync("slow_ask",
            new Dictionary<string, object?> { ["port"] = slow.Port }, TimeSpan.FromSeconds(10))).ToArray();
        await Task.Delay(300);
        var leaving = leaves.StopAsync();
        // Its "draining" mark reaches the other node through Distributed Data (gossip 200 ms, notification 100 ms).
        await Task.Delay(1200);
        var later = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Tasks(stays).RunTaskAsync("work",
            new Dictionary<string, object?> { ["weight"] = 1.0, ["label"] = "x", ["raw"] = Array.Empty<byte>(), ["count"] = 1L },
            TimeSpan.FromSeconds(5))));
        var results = await Task.WhenAll(running).WaitAsync(Wait);
        await leaving.WaitAsync(Wait);

        // The leaving node ran some of the slow tasks and finished them before it left.
        Assert.Contains(results, r => r.Node != staysAt);
        Assert.All(results, r => Assert.Equal((ClusterTaskStatus.Ok, "ANSWERED"), (r.Status, Assert.Single(r.Symbols).Name)));
        // Tasks submitted while it was leaving went to the node that stays.
        Assert.All(later, r => Assert.Equal((ClusterTaskStatus.Ok, staysAt), (r.Status, r.Node)));
    }

    [Fact]
    public async Task Fields_up_to_the_task_size_limit_cross_nodes_and_bigger_ones_fail_at_once_naming_the_limit()
    {
        var nodes = await ClusterAsync(2);
        Dictionary<string, object?> Fields(int bytes) =>
            new() { ["weight"] = 1.0, ["label"] = "big", ["raw"] = new byte[bytes], ["count"] = 1L };

        // Four at once: the gateway spreads them over both nodes, so some cross Akka.Remote in one frame.
        var fit = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Tasks(nodes[0]).RunTaskAsync("work", Fields(3 * 1024 * 1024),
            TimeSpan.FromSeconds(20))));
        var tooBig = await Tasks(nodes[0]).RunTaskAsync("work", Fields(5 * 1024 * 1024), TimeSpan.FromSeconds(20));

        Assert.All(fit, r => Assert.Equal((ClusterTaskStatus.Ok, "3145728"), (r.Status, Assert.Single(r.Symbols).Options[1])));
        Assert.Equal(2, fit.Select(r => r.Node).Distinct().Count());
        Assert.Equal(ClusterTaskStatus.Error, tooBig.Status);
        Assert.StartsWith("task fields take 5242", tooBig.Error);
        Assert.EndsWith("(the largest is raw), more than actortcp.cluster.max-task-size (4194304 bytes)", tooBig.Error);
        Assert.Equal(TimeSpan.Zero, tooBig.Elapsed);
    }

    [Fact]
    public async Task A_leaving_node_waits_for_the_tasks_it_sent_to_other_nodes_before_it_leaves()
    {
        using var slow = ScriptedPeer.Start(s => s.ExpectUntil("\n").Wait(TimeSpan.FromSeconds(2)).Send("late\n"),
            new ScriptedPeerOptions { Connections = 2 });
        var nodes = await ClusterAsync(2);
        var (stays, leaves) = (nodes[0], nodes[1]);
        var staysAt = $"127.0.0.1:{ClusterOf(stays).SelfAddress.Port}";
        // Draining already (as when its shutdown began): it runs nothing, and sends every new task to the other node.
        var gateway = await leaves.Services.GetRequiredService<IRequiredActor<TaskGateway>>().GetAsync();
        await gateway.Ask<TaskGateway.Drained>(TaskGateway.Drain.Instance, Wait);

        var running = Enumerable.Range(0, 2).Select(_ => Tasks(leaves).RunTaskAsync("slow_ask",
            new Dictionary<string, object?> { ["port"] = slow.Port }, TimeSpan.FromSeconds(10))).ToArray();
        await Task.Delay(300);
        var leaving = leaves.StopAsync();
        var results = await Task.WhenAll(running).WaitAsync(Wait);
        await leaving.WaitAsync(Wait);

        // Their results came back through it before it left.
        Assert.All(results, r => Assert.Equal((ClusterTaskStatus.Ok, staysAt, "ANSWERED"), (r.Status, r.Node, Assert.Single(r.Symbols).Name)));
    }

    [Fact]
    public async Task A_task_naming_no_plugin_function_fails_with_its_Lua_error()
    {
        var nodes = await ClusterAsync(2);

        var result = await Tasks(nodes[1]).RunTaskAsync("no_such_function", new Dictionary<string, object?>(), TimeSpan.FromSeconds(5));

        Assert.Equal(ClusterTaskStatus.Error, result.Status);
        Assert.Contains("plugin function no_such_function is not defined", result.Error);
    }

    [Fact]
    public async Task A_task_whose_node_is_downed_fails_to_its_submitter_at_once_not_at_its_deadline()
    {
        using var silent = ScriptedPeer.Start(s => s.NeverAnswer(), new ScriptedPeerOptions { Connections = 6 });
        var nodes = await ClusterAsync(2);
        var submitter = Tasks(nodes[0]);

        // Fill both nodes with tasks that wait on a silent server, then down the node that is not the submitter (as the
        // split-brain resolver downs a node that was killed).
        var deadline = TimeSpan.FromSeconds(8);
        var clock = Stopwatch.StartNew();
        var waiting = Enumerable.Range(0, 6).Select(_ => submitter.RunTaskAsync("wait_on",
            new Dictionary<string, object?> { ["port"] = silent.Port }, deadline)).ToArray();
        await Task.Delay(500);
        ClusterOf(nodes[0]).Down(ClusterOf(nodes[1]).SelfAddress);

        var lost = await Task.WhenAny(waiting).Unwrap().WaitAsync(deadline + TimeSpan.FromSeconds(5));
        var lostAt = clock.Elapsed;

        // The first to end is one of the gone node's, told at once; the survivor's tasks run to their deadline.
        Assert.Equal(ClusterTaskStatus.Error, lost.Status);
        Assert.Matches($@"^node {System.Text.RegularExpressions.Regex.Escape(lost.Node)} (became unreachable|left the cluster) while running the task$", lost.Error);
        Assert.True(lostAt < deadline, $"told after {lostAt}");
        var results = await Task.WhenAll(waiting).WaitAsync(deadline + TimeSpan.FromSeconds(5));
        Assert.Equal(6, results.Count(r => r.Status != ClusterTaskStatus.Ok));
        output.WriteLine($"told after {lostAt.TotalMilliseconds:0} ms: {lost.Error}");
    }
}
