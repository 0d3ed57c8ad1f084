using System.Diagnostics;
using System.Text.RegularExpressions;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Hosting;

/// <summary>
/// Three <c>actortcp node</c> processes on 127.0.0.1 and <c>actortcp submit</c> against them, as an operator runs
/// them: a backend stopped mid-run, and a node killed with SIGKILL. Every process and server is stopped by the test.
/// </summary>
public sealed class ClusterProcessTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);
    private readonly List<NodeProcess> _nodes = [];
    private readonly List<TempScript> _files = [];

    public void Dispose()
    {
        // What each node said, for a failure's report.
        foreach (var node in _nodes) output.WriteLine($"--- node\n{node.Stderr}");
        foreach (var node in _nodes) node.Dispose();
        foreach (var file in _files) file.Dispose();
    }

    [Fact]
    public async Task Every_task_is_answered_while_a_backend_stops_every_node_skips_it_after_the_first_failures_and_uses_it_again_once_revived()
    {
        using var a = new LineEchoServer();
        var b = new LineEchoServer();
        var bPort = b.Port;
        // Dead after two failures, and for 20 s: long enough for the phases below on a busy machine, short enough to wait for.
        var config = Config("actortcp.upstreams { max-errors = 2, revive-time = 20s, revive-jitter = 0 }");
        var ports = await StartClusterAsync("cluster_scanner.lua", "--config", config);
        string[] scan = ["scan", $"servers=127.0.0.1:{a.Port},127.0.0.1:{bPort}"];

        var bothUp = await SubmitAsync(ports[0], 12, scan);
        Assert.Contains("status=ok tasks=12\n", bothUp.Stdout);
        Assert.Contains("symbol=SCAN_OK tasks=12\n", bothUp.Stdout);
        Assert.DoesNotContain("SCAN_RETRY", bothUp.Stdout);
        Assert.True(b.Accepted > 0, "the round robin never chose b while it was up");

        b.Dispose();
        var stopped = Stopwatch.StartNew();
        // Each node's tasks meet b's refusals, then retry on a: every task still gets its answer.
        var firstFailures = await SubmitAsync(ports[1], 24, scan);
        Assert.Contains("status=ok tasks=24\n", firstFailures.Stdout);
        Assert.Contains("symbol=SCAN_OK tasks=24\n", firstFailures.Stdout);
        Assert.Contains("symbol=SCAN_RETRY tasks=", firstFailures.Stdout);
        // b's last death is no later than this: its revival (20 s after a death) is no later than 20 s from here.
        var lastDeath = Stopwatch.StartNew();

        // Time for the death to reach every node (HOCON.conf's gossip: within a second, measured by HealthReplicationTests;
        // three here, for a loaded machine), then nobody tries b: no task retries.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var whileDead = await SubmitAsync(ports[2], 24, scan);
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(20), $"the phase ran past b's revival ({stopped.Elapsed})");
        Assert.Contains("status=ok tasks=24\n", whileDead.Stdout);
        Assert.DoesNotContain("SCAN_RETRY", whileDead.Stdout);
        Assert.True(Regex.Matches(whileDead.Stdout, "^node=", RegexOptions.Multiline).Count >= 2, whileDead.ToString());

        using var revived = new LineEchoServer(port: bPort);
        var revival = TimeSpan.FromSeconds(20.5) - lastDeath.Elapsed;
        if (revival > TimeSpan.Zero) await Task.Delay(revival);
        var afterRevival = await SubmitAsync(ports[0], 12, scan);
        Assert.Contains("status=ok tasks=12\n", afterRevival.Stdout);
        Assert.DoesNotContain("SCAN_RETRY", afterRevival.Stdout);
        Assert.True(revived.Accepted > 0, "no node used b again after its revive time");
    }

    /// <summary>
    /// <c>actortcp submit</c> hands its tasks to the gateway of the node it contacts (the entry), which sends each to a
    /// node with spare capacity. Killed: a node running some of them (2), or the entry holding them all (0).
    /// </summary>
    [Theory]
    [InlineData(2, " became unreachable while running the task")]
    [InlineData(0, ", which took the task, stopped answering")]
    public async Task A_node_killed_with_sigkill_fails_its_tasks_within_their_deadline_and_the_others_take_the_next_ones(int victim, string error)
    {
        // Every check waits for this backend's answer, which never comes (the request's 2 s timeout): tasks are running
        // on every node when one is killed.
        using var silent = ScriptedPeer.Start(s => s.NeverAnswer(), new ScriptedPeerOptions { Connections = 9 });
        using var echo = new LineEchoServer();
        var ports = await StartClusterAsync("plugin.lua");
        var (killedPort, survivor) = (ports[victim], ports[victim == 0 ? 1 : 0]);

        var running = ActortcpProcess.RunAsync(["submit", "--contact", $"127.0.0.1:{ports[0]}", "--deadline", "20", "--repeat", "9",
            "--concurrency", "9", "check_backend", "host=127.0.0.1", $"port={silent.Port}"]);
        var clock = Stopwatch.StartNew();
        while (silent.AcceptedCount < 9 && clock.Elapsed < Wait) await Task.Delay(20);
        Assert.Equal(9, silent.AcceptedCount);
        _nodes[victim].Kill();

        var killed = await running;
        output.WriteLine($"--- submit\n{killed}");
        Assert.True(killed.ExitCode == 1, killed.ToString());
        Assert.Contains($"node 127.0.0.1:{killedPort}{error}", killed.Stderr);
        Assert.Contains($"node=127.0.0.1:{killedPort} tasks=", killed.Stdout);
        Assert.Matches(@"status=error tasks=[1-9]\n", killed.Stdout);
        Assert.DoesNotContain("status=timeout", killed.Stdout);
        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(20), $"the submit outlived its deadline: {killed.Elapsed}");

        // Once the others see it unreachable, no task goes there (before the split-brain resolver even downs it).
        foreach (var node in _nodes.Where((_, i) => i != victim))
            await node.WaitForLineAsync($"member unreachable: akka.tcp://actortcp@127.0.0.1:{killedPort}", Wait);
        var after = await SubmitAsync(survivor, 6, ["check_backend", "host=127.0.0.1", $"port={echo.Port}"]);
        Assert.Contains("status=ok tasks=6\n", after.Stdout);
        Assert.DoesNotContain($"node=127.0.0.1:{killedPort}", after.Stdout);
    }

    /// <summary>Three nodes loading examples/<paramref name="plugin"/> with one Lua host each; the first is the seed.</summary>
    private async Task<int[]> StartClusterAsync(string plugin, params string[] extra)
    {
        int[] ports = [NodeProcess.FreePort(), NodeProcess.FreePort(), NodeProcess.FreePort()];
        string[] common = ["--plugin", ActortcpProcess.Example(plugin), "--lua-hosts", "1", .. extra];
        var seed = Start(["--port", $"{ports[0]}", .. common]);
        await seed.WaitForLineAsync("serving on", Wait);
        foreach (var port in ports[1..]) Start(["--port", $"{port}", "--seed", $"127.0.0.1:{ports[0]}", .. common]);
        // Every node sees every other one up, so each gateway can choose any of them.
        for (var i = 0; i < ports.Length; i++)
        {
            await _nodes[i].WaitForLineAsync("serving on", Wait);
            foreach (var port in ports.Where(p => p != ports[i]))
                await _nodes[i].WaitForLineAsync($"member up: akka.tcp://actortcp@127.0.0.1:{port}", Wait);
        }
        return ports;
    }

    private NodeProcess Start(string[] args)
    {
        var node = new NodeProcess(["node", .. args]);
        _nodes.Add(node);
        return node;
    }

    private static async Task<ProcessResult> SubmitAsync(int contact, int tasks, string[] task)
    {
        var result = await ActortcpProcess.RunAsync(["submit", "--contact", $"127.0.0.1:{contact}", "--repeat", $"{tasks}",
            "--concurrency", "3", .. task]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private string Config(string hocon)
    {
        var file = new TempScript(hocon, "node.conf");
        _files.Add(file);
        return file.Path;
    }
}
