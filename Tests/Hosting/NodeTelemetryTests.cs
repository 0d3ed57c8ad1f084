using System.Net.Sockets;
using System.Text.RegularExpressions;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Hosting;

/// <summary>
/// <c>actortcp node</c>'s export, out of process as an operator runs it: the Prometheus endpoint of
/// <c>--metrics-port</c> scraped after real tasks, a metrics port in use, and OTLP to a collector named by
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>. Every process and server is on 127.0.0.1 and stopped by the test.
/// </summary>
public sealed class NodeTelemetryTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);
    private readonly List<NodeProcess> _nodes = [];

    public void Dispose()
    {
        foreach (var node in _nodes) output.WriteLine($"--- node\n{node.Stderr}");
        foreach (var node in _nodes) node.Dispose();
    }

    [Fact]
    public async Task A_scrape_of_a_running_node_has_its_connections_by_outcome_its_tasks_and_its_backends()
    {
        using var echo = new LineEchoServer();
        var closed = NodeProcess.FreePort();
        var (port, metricsPort) = (NodeProcess.FreePort(), NodeProcess.FreePort());
        var node = Start(["--port", $"{port}", "--metrics-port", $"{metricsPort}"]);
        await node.WaitForLineAsync($"metrics on http://127.0.0.1:{metricsPort}/metrics", Wait);

        // Round robin over both: some attempts meet the closed port and are retried on the echo server. One task at a
        // time, so each reaches the echo server: with two at once the other's picks can send one task's three attempts
        // all to the closed port (5 ok connections for 6 tasks, seen in CI).
        await SubmitAsync(port, 6, ["scan", $"servers=127.0.0.1:{echo.Port},127.0.0.1:{closed}"], concurrency: 1);
        var thisNode = $"otel_scope_node=\"127.0.0.1:{port}\"";
        string[] expected =
        [
            $@"target_info\{{service_name=""actortcp"",service_instance_id=""127\.0\.0\.1:{port}""",
            $@"actortcp_connection_closed_total\{{[^}}]*{thisNode},outcome=""ok""\}} 6\n",
            @"actortcp_connection_closed_total\{[^}]*outcome=""refused""\} [1-9]",
            @"actortcp_connection_connect_duration_seconds_bucket\{[^}]*outcome=""ok"",le=""\+Inf""\} 6\n",
            @"actortcp_io_bytes_total\{[^}]*network_io_direction=""receive""\} [1-9]",
            @"actortcp_lua_tasks_total\{[^}]*function=""scan"",outcome=""ok""\} 6\n",
            @"actortcp_lua_callbacks_total\{[^}]*kind=""callback"",outcome=""returned""\} [1-9]",
            $@"actortcp_upstream_alive\{{[^}}]*upstream=""127\.0\.0\.1:{echo.Port}""\}} 1\n",
            $@"actortcp_upstream_failures_total\{{[^}}]*upstream=""127\.0\.0\.1:{closed}""\}} [1-9]",
        ];
        // A task's reply can precede its connection's end by a moment (the close is measured when the connection
        // actor stops): scrape until every series is there, within a bound.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var scrape = await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");
        while (!expected.All(e => Regex.IsMatch(scrape, e)) && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
            scrape = await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");
        }
        output.WriteLine(scrape);

        foreach (var series in expected) Assert.Matches(series, scrape);
    }

    [Fact]
    public async Task A_node_whose_metrics_port_is_taken_exits_1_naming_the_endpoint()
    {
        using var taken = new TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var metricsPort = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var node = Start(["--port", $"{NodeProcess.FreePort()}", "--metrics-port", $"{metricsPort}"]);

        Assert.Equal(1, await node.ExitCodeAsync(Wait));
        Assert.Contains($"actortcp node: the metrics endpoint http://127.0.0.1:{metricsPort}/metrics cannot listen: ", node.Stderr);
    }

    [Fact]
    public async Task With_an_otlp_endpoint_in_the_environment_a_node_exports_its_metrics_and_the_traces_of_its_tasks()
    {
        using var collector = new OtlpReceiver();
        using var echo = new LineEchoServer();
        var port = NodeProcess.FreePort();
        await StartExportingAsync(collector, port, metricInterval: "300");

        await SubmitAsync(port, 3, ["scan", $"servers=127.0.0.1:{echo.Port}"]);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        bool Exported() =>
            collector.Received("/v1/metrics", "actortcp.lua.tasks") && collector.Received("/v1/metrics", $"127.0.0.1:{port}")
            && collector.Received("/v1/traces", "actortcp.task") && collector.Received("/v1/traces", "actortcp.connection");
        while (!Exported() && clock.Elapsed < Wait) await Task.Delay(100);
        Assert.True(Exported(), $"received: {collector}");

        // One pipeline: a periodic reader never posts faster than its interval (300 ms); a second pipeline (the node's
        // own and WithActorTcp's both reading the environment) would double the rate.
        var before = collector.Count("/v1/metrics");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var posts = collector.Count("/v1/metrics") - before;
        Assert.True(posts <= 3000 / 300 + 2, $"{posts} metric exports in 3 s at a 300 ms interval");
    }

    [Fact]
    public async Task A_node_stopped_by_sigterm_exports_its_byte_and_lua_run_totals_before_it_exits()
    {
        using var collector = new OtlpReceiver();
        using var echo = new LineEchoServer();
        var port = NodeProcess.FreePort();
        // No periodic export within the test: only the last one, at the end, can carry the totals.
        var node = await StartExportingAsync(collector, port, metricInterval: "600000");
        await SubmitAsync(port, 2, ["scan", $"servers=127.0.0.1:{echo.Port}"]);

        node.Terminate();

        Assert.Equal(0, await node.ExitCodeAsync(Wait));
        // The bytes and Lua runs are observable counters: read before the meter went, or never.
        foreach (var name in new[] { "actortcp.lua.tasks", "actortcp.io.bytes", "actortcp.lua.callbacks" })
            Assert.True(collector.Received("/v1/metrics", name), $"{name} not exported; received: {collector}");
    }

    /// <summary>A node exporting by OTLP/HTTP to <paramref name="collector"/>, once it says so.</summary>
    private async Task<NodeProcess> StartExportingAsync(OtlpReceiver collector, int port, string metricInterval)
    {
        var node = Start(["--port", $"{port}"], new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = metricInterval,
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        });
        await node.WaitForLineAsync("exporting metrics and traces by OTLP", Wait);
        return node;
    }

    private NodeProcess Start(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        string[] plugin = ["--plugin", ActortcpProcess.Example("cluster_scanner.lua"), "--lua-hosts", "1"];
        var node = new NodeProcess(["node", .. args, .. plugin], environment);
        _nodes.Add(node);
        return node;
    }

    private static async Task SubmitAsync(int contact, int tasks, string[] task, int concurrency = 2)
    {
        var result = await ActortcpProcess.RunAsync(["submit", "--contact", $"127.0.0.1:{contact}", "--repeat", $"{tasks}",
            "--concurrency", $"{concurrency}", .. task]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"status=ok tasks={tasks}\n", result.Stdout);
    }
}
