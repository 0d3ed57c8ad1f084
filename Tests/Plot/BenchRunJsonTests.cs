using ActorTcp.Benchmarks.Measure;
using ActorTcp.Benchmarks.Plot;
using ActorTcp.Benchmarks.Report;
using ActorTcp.Benchmarks.Workloads;
using Xunit;

namespace ActorTcp.Tests.Plot;

/// <summary>
/// <c>actortcp-bench --json</c> and the plot tool share one record, <see cref="BenchRun"/>: rows made from samples are
/// written and read back unchanged, and the figures the table shows are the ones in the file.
/// </summary>
public sealed class BenchRunJsonTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actortcp-json-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task What_the_benchmark_writes_with_json_is_what_the_plot_reads()
    {
        var w2c10 = new WorkloadResult(new W2PersistentConnections(0.01, connections: 10));
        // 1000 round trips in 1, 0.5 and 2 s against 0.25 and 0.5 s: 1000 [500-2000] against 3000 [2000-4000] per second.
        w2c10.ActorTcp.AddRange([Sample(1.0), Sample(0.5), Sample(2.0)]);
        w2c10.Raw.AddRange([Sample(0.25), Sample(0.5)]);
        var failed = new WorkloadResult(new W2PersistentConnections(0.01)) { Failure = "raw run 1: wrong reply" };
        var run = new BenchRun("actortcp-bench --only W2C10 --json run.json", DateTimeOffset.Parse("2026-12-07T07:00:00+01:00"),
            "2 cores, a test", BenchRow.Of([w2c10, failed]));
        var path = Path.Combine(_folder, "run.json");

        await run.SaveAsync(path);
        var read = await BenchRun.LoadAsync(path);

        Assert.Equal(run.Rows, read.Rows);
        Assert.Equal(run with { Rows = read.Rows }, read);
        var row = Assert.Single(ConnectionsChart.Rows(read));
        Assert.Equal(("W2C10", 10), (row.Id, row.Connections));
        Assert.Equal(new Stats(1000, 500, 2000), row.ActorTcp);
        Assert.Equal(new Stats(3000, 2000, 4000), row.Raw);
        Assert.Equal(1.0 / 3, row.Ratio!.Value, 9);
        Assert.Equal(new SidePair(1, 1), row.CpuMicrosPerOp);
        Assert.Equal("FAILED: raw run 1: wrong reply", read.Rows[1].Result);
        Assert.Null(read.Rows[1].Ratio);
    }

    [Fact]
    public void The_table_prints_the_figures_the_json_holds()
    {
        var w2 = new WorkloadResult(new W2PersistentConnections(0.01));
        w2.ActorTcp.Add(Sample(0.5));
        w2.Raw.Add(Sample(0.25));
        var table = new StringWriter();

        ResultTable.Write(table, BenchRow.Of([w2]));

        var line = table.ToString().Split('\n')[2];
        Assert.Equal(["W2", "round trips/s", "2,000 [2,000-2,000]", "4,000 [4,000-4,000]", "0.50", ">= 0.8", "miss"],
            line.Split('|', StringSplitOptions.TrimEntries)[1..8]);
    }

    /// <summary>1000 operations in <paramref name="seconds"/>, 1 ms of CPU (1 us per operation), 2000 bytes allocated.</summary>
    private static Sample Sample(double seconds) =>
        new(new Outcome(1000), TimeSpan.FromSeconds(seconds), TimeSpan.FromMilliseconds(1), 2000, TimeSpan.Zero);
}
