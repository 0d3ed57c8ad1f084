using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace ActorTcp.Tests.Hosting;

/// <summary>
/// <c>actortcp node</c> as separate processes on 127.0.0.1: nodes form a cluster, log who joined and left, and leave
/// gracefully on SIGTERM with exit 0; a taken port or a seed that never answers is a clear error and exit 1. Every
/// process is stopped by the test that started it.
/// </summary>
public sealed class NodeCommandTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);
    private readonly List<NodeProcess> _nodes = [];

    public void Dispose()
    {
        foreach (var node in _nodes) node.Dispose();
    }

    private NodeProcess Start(params string[] args)
    {
        var node = new NodeProcess(["node", .. args]);
        _nodes.Add(node);
        return node;
    }

    [Fact]
    public async Task Two_nodes_join_log_each_other_and_leave_gracefully_on_sigterm_with_exit_0()
    {
        // The README's plugin, as its cluster commands load it.
        var plugin = ActortcpProcess.Example("plugin.lua");
        var (p1, p2) = (NodeProcess.FreePort(), NodeProcess.FreePort());
        var first = Start("--port", $"{p1}", "--plugin", plugin, "--lua-hosts", "2");
        await first.WaitForLineAsync($"joined the cluster as akka.tcp://actortcp@127.0.0.1:{p1} (roles: mail-filter)", Wait);
        var second = Start("--port", $"{p2}", "--seed", $"127.0.0.1:{p1}");

        await second.WaitForLineAsync($"joined the cluster as akka.tcp://actortcp@127.0.0.1:{p2}", Wait);
        await first.WaitForLineAsync($"member up: akka.tcp://actortcp@127.0.0.1:{p2}", Wait);

        second.Terminate();
        Assert.Equal(0, await second.ExitCodeAsync(Wait));
        Assert.Contains("left the cluster", second.Stderr);
        await first.WaitForLineAsync($"member removed: akka.tcp://actortcp@127.0.0.1:{p2}", Wait);

        first.Terminate();
        Assert.Equal(0, await first.ExitCodeAsync(Wait));
        Assert.Contains("serving on akka.tcp://actortcp@127.0.0.1:" + p1 + " with 1 plugin file(s)", first.Stderr);
    }

    [Fact]
    public async Task Submit_runs_tasks_on_the_cluster_and_prints_where_they_ran_how_they_ended_and_their_symbols()
    {
        using var backend = new ActorTcp.Tests.Support.LineEchoServer();
        var plugin = ActortcpProcess.Example("plugin.lua");
        var (p1, p2) = (NodeProcess.FreePort(), NodeProcess.FreePort());
        var first = Start("--port", $"{p1}", "--plugin", plugin);
        await first.WaitForLineAsync("joined the cluster", Wait);
        var second = Start("--port", $"{p2}", "--seed", $"127.0.0.1:{p1}", "--plugin", plugin);
        await first.WaitForLineAsync($"member up: akka.tcp://actortcp@127.0.0.1:{p2}", Wait);
        await second.WaitForLineAsync("serving on", Wait);

        var one = await ActortcpProcess.RunAsync(["submit", "--contact", $"127.0.0.1:{p2}", "check_backend", "host=127.0.0.1", $"port={backend.Port}"]);
        var many = await ActortcpProcess.RunAsync(["submit", "--contact", $"127.0.0.1:{p1}", "--repeat", "20", "--concurrency", "5",
            "check_backend", "host=127.0.0.1", $"port={backend.Port}"]);
        var undefined = await ActortcpProcess.RunAsync(["submit", "--contact", $"127.0.0.1:{p1}", "no_such_function"]);

        Assert.True(one.ExitCode == 0, one.ToString());
        var lines = one.Stdout.TrimEnd('\n').Split('\n');
        Assert.Matches(@"^node=127\.0\.0\.1:\d+ status=ok elapsed_ms=\d+$", lines[0]);
        Assert.Equal("BACKEND_OK 0 [ping]", lines[1]);
        Assert.True(many.ExitCode == 0, many.ToString());
        Assert.Contains("tasks=20\n", many.Stdout);
        Assert.Contains("status=ok tasks=20\n", many.Stdout);
        Assert.Contains($"node=127.0.0.1:{p1} tasks=", many.Stdout);
        Assert.Contains($"node=127.0.0.1:{p2} tasks=", many.Stdout);
        Assert.True(undefined.ExitCode == 1, undefined.ToString());
        Assert.Contains("status=error", undefined.Stdout);
        Assert.Contains("plugin function no_such_function is not defined", undefined.Stderr);
    }

    [Fact]
    public async Task Submit_to_a_contact_where_no_node_answers_exits_3()
    {
        var result = await ActortcpProcess.RunAsync(["submit", "--contact", $"127.0.0.1:{NodeProcess.FreePort()}", "check_backend"]);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("actortcp submit: no node could be reached at 127.0.0.1:", result.Stderr);
    }

    [Fact]
    public async Task A_plugin_that_fails_to_load_stops_the_node_with_exit_1_and_its_error()
    {
        using var broken = new TempScript("error('not today')", "broken.lua");

        var node = Start("--port", $"{NodeProcess.FreePort()}", "--plugin", broken.Path);

        Assert.Equal(1, await node.ExitCodeAsync(Wait));
        Assert.Contains($"actortcp node: plugin {broken.Path}: Lua host 0: ", node.Stderr);
        Assert.Contains("not today", node.Stderr);
    }

    [Fact]
    public async Task A_node_whose_port_is_taken_says_so_and_exits_1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var node = Start("--port", $"{port}");

        Assert.Equal(1, await node.ExitCodeAsync(Wait));
        Assert.Contains("actortcp node: ", node.Stderr);
        Assert.Contains($"{port}", node.Stderr);
    }

    [Fact]
    public async Task A_node_whose_seed_never_answers_stops_with_exit_1_naming_the_seed()
    {
        var silent = NodeProcess.FreePort();
        var node = Start("--port", $"{NodeProcess.FreePort()}", "--seed", $"127.0.0.1:{silent}");

        Assert.Equal(1, await node.ExitCodeAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"not joined to 127.0.0.1:{silent} within 20 s", node.Stderr);
    }
}
