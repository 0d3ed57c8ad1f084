using ActorTcp.Benchmarks.Measure;

namespace ActorTcp.Benchmarks.Report;

/// <summary>A figure of each side, or null for a side that did not run.</summary>
/// <param name="ActorTcp">ActorTcp's median.</param>
/// <param name="Raw">The raw client's median.</param>
public readonly record struct SidePair(double? ActorTcp, double? Raw);

/// <summary>
/// One row of a run as the table prints it and <c>--json</c> writes it: ActorTcp's and the raw client's figure
/// (median and range over the measured runs), their ratio, the target and its verdict, and what each side cost per
/// operation. Made once from the samples, so the table and the JSON cannot disagree.
/// </summary>
/// <param name="Id">Row label (<c>W1</c>, <c>W2C1000</c>, <c>W4 RSS</c>...).</param>
/// <param name="Unit">Unit of the figure (<c>round trips/s</c>, <c>MB/s</c>, <c>B/conn</c>...).</param>
/// <param name="ActorTcp">ActorTcp's figure, or null when it did not run.</param>
/// <param name="Raw">The raw client's figure, or null when it did not run.</param>
/// <param name="Ratio">ActorTcp's median over the raw client's, or null without both.</param>
/// <param name="Target">The target as the table shows it.</param>
/// <param name="Result"><c>pass</c>, <c>miss</c>, <c>-</c> (no verdict) or <c>FAILED: why</c>, with a relative target's own ratio.</param>
/// <param name="AllocatedBytesPerOp">Managed bytes allocated per operation, medians.</param>
/// <param name="CpuMicrosPerOp">This process's CPU microseconds per operation, medians.</param>
/// <param name="ServerCpuPercent">The server's CPU as a percentage of one core, medians.</param>
/// <param name="Connections">The persistent connections the row ran on (the W2 rows), or null.</param>
public sealed record BenchRow(string Id, string Unit, Stats? ActorTcp, Stats? Raw, double? Ratio, string Target,
    string Result, SidePair AllocatedBytesPerOp, SidePair CpuMicrosPerOp, SidePair ServerCpuPercent, int? Connections)
{
    /// <summary>Every row of <paramref name="results"/>, in order: one per metric of each workload.</summary>
    public static IReadOnlyList<BenchRow> Of(IReadOnlyList<WorkloadResult> results) =>
        results.SelectMany(r => r.Workload.Metrics.Select(m => Of(r, m, results))).ToArray();

    private static BenchRow Of(WorkloadResult result, Metric metric, IReadOnlyList<WorkloadResult> all)
    {
        var actorTcp = Stats.Of(result.ActorTcp.Select(metric.Value));
        var raw = Stats.Of(result.Raw.Select(metric.Value));
        var ratio = actorTcp is { } a && raw is { Median: not 0 } r ? a.Median / r.Median : (double?)null;
        var relativeTo = metric.Target.RelativeTo;
        var baseline = relativeTo is null ? raw?.Median : ActorTcpMedian(all, relativeTo, metric.Unit);
        var met = actorTcp is { } at ? metric.Target.Met(at.Median, baseline) : null;
        var verdict = result.Failure is not null ? "FAILED: " + result.Failure
            : met switch { true => "pass", false => "miss", null => "-" };
        // The ratio is ActorTcp / raw for every row; a relative target's own ratio goes with its verdict.
        if (relativeTo is not null && result.Failure is null)
            verdict += met is null
                ? $" (no {relativeTo} figure)"
                : $" ({actorTcp!.Value.Median / baseline!.Value:0.00} x {relativeTo})";
        return new BenchRow(metric.Name, metric.Unit, actorTcp, raw, ratio, metric.Target.Text, verdict,
            Medians(result, s => s.AllocatedPerOperation), Medians(result, s => s.CpuMicrosPerOperation),
            Medians(result, s => s.ServerCpuShare * 100), result.Workload.Connections);
    }

    /// <summary>
    /// The ActorTcp median of <paramref name="id"/>'s row in <paramref name="unit"/>; null when it did not run or failed.
    /// </summary>
    private static double? ActorTcpMedian(IReadOnlyList<WorkloadResult> all, string id, string unit)
    {
        var other = all.FirstOrDefault(r => r.Workload.Id == id && r.Failure is null);
        var metric = other?.Workload.Metrics.FirstOrDefault(m => m.Unit == unit);
        return metric is null ? null : Stats.Of(other!.ActorTcp.Select(metric.Value))?.Median;
    }

    private static SidePair Medians(WorkloadResult result, Func<Sample, double> value) =>
        new(Stats.Of(result.ActorTcp.Select(value))?.Median, Stats.Of(result.Raw.Select(value))?.Median);
}
