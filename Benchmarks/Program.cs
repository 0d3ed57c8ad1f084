using System.Diagnostics;
using System.Runtime.InteropServices;
using ActorTcp.Benchmarks;
using ActorTcp.Benchmarks.LuaHost;
using ActorTcp.Benchmarks.Measure;
using ActorTcp.Benchmarks.Report;
using ActorTcp.Benchmarks.Server;
using ActorTcp.Benchmarks.Workloads;

if (!BenchOptions.TryParse(args, out var options, out var error))
{
    if (error.Length > 0) await Console.Error.WriteLineAsync("actortcp-bench: " + error);
    await Console.Error.WriteLineAsync(BenchOptions.Usage);
    return error.Length > 0 ? 2 : 0;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var w1 = new W1NewConnections(options.Scale);
var w2 = new W2PersistentConnections(options.Scale);
Workload[] all =
[
    w1, new W1TwoBackends(options.Scale, upstream: false), new W1TwoBackends(options.Scale, upstream: true),
    new TelemetryOn(w1, traces: false), new TelemetryOn(w1, traces: true), w2, new TelemetryOn(w2, traces: false),
    new W2PersistentConnections(options.Scale, connections: 10), new W2PersistentConnections(options.Scale, connections: 1000),
    new W3PartialStream(options.Scale), new W4IdleConnections(options.Scale), new W5SyncCoroutines(options.Scale),
    new W6Tasks(options.Scale, options.TasksInFlight, pool: false),
    new W6Tasks(options.Scale, options.TasksInFlight, pool: true), new W7ClusterTasks(options.Scale, options.TasksInFlight),
    new W8TlsConnections(options.Scale), new W8TlsConnections(options.Scale, named: true), new W8StartTls(options.Scale),
    new W9ClamavScan(options.Scale),
];
// A workload compared with another (W1U with W1P; W1P, W1M and W1T with W1; W2M, W2C10 and W2C1000 with W2; W6 with W6S;
// W7 with W6) brings that one along, and they run interleaved as one group: a target relative to another row needs both
// figures from the same run, under the same drift.
var workloads = all.Where(w => Wanted(w)).ToArray();
var groups = workloads.GroupBy(Root).Select(g => g.ToArray()).ToArray();
var started = Stopwatch.GetTimestamp();

await using var server = await BenchServer.StartAsync(W3PartialStream.StreamBytes(options.Scale), stop.Token);
await using var lua = await LuaBenchHost.StartAsync(options.Hocon, stop.Token);
var context = new BenchContext(lua, server, options.MessageSize, options.Hocon);
using var sampler = options.AllocationProfile ? new AllocationSampler() : null;
var runner = new Runner(context, options, Console.Error, sampler);
var serverCpuAtStart = server.CpuTime;

var results = new List<WorkloadResult>();
foreach (var group in groups)
{
    if (stop.IsCancellationRequested) break;
    results.AddRange(await runner.RunAsync(group, stop.Token));
}

var wall = Stopwatch.GetElapsedTime(started);
var command = $"actortcp-bench {string.Join(' ', args)}";
var machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, " +
              $"{options.Runs} runs after {options.Warmups} warm-up, {options.MessageSize}-byte messages, scale {options.Scale}";
var rows = BenchRow.Of(results);
Console.WriteLine();
Console.WriteLine(command);
Console.WriteLine("machine: " + machine);
foreach (var workload in workloads) Console.WriteLine("  " + workload.Title);
Console.WriteLine();
ResultTable.Write(Console.Out, rows);
if (options.JsonPath is { } json)
{
    await new BenchRun(command, DateTimeOffset.Now, machine, rows).SaveAsync(json, CancellationToken.None);
    await Console.Error.WriteLineAsync($"actortcp-bench: wrote {json}");
}
Console.WriteLine();
Console.WriteLine($"process: peak RSS {ProcessStats.PeakResidentBytes() / (1 << 20)} MiB, " +
                  $"CPU {ProcessStats.CpuTimeOf(Environment.ProcessId).TotalSeconds:0.0} s over {wall.TotalSeconds:0.0} s wall; " +
                  $"server CPU {(server.CpuTime - serverCpuAtStart).TotalSeconds:0.0} s");
Console.WriteLine("per op: a round trip (W1, W1P, W1U, W1M, W1T, W2, W2M, W2C10, W2C1000, W5), a megabyte (W3), " +
                  "a connection (W4), a task (W6S, W6, W7), a request (W8, W8N, W8S), a scan (W9); server CPU: share of one core");
return results.Any(r => r.Failure is not null) ? 1 : 0;

bool Wanted(Workload w) => options.Only.Contains(w.Id) || all.Any(o => o.ComparedWith == w.Id && Wanted(o));

string Root(Workload w) => all.FirstOrDefault(o => o.Id == w.ComparedWith) is { } compared ? Root(compared) : w.Id;
