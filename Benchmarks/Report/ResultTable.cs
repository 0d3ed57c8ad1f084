using System.Globalization;
using ActorTcp.Benchmarks.Measure;

namespace ActorTcp.Benchmarks.Report;

/// <summary>
/// The one table of the benchmark, in Markdown (pasted as is into BENCHMARKS.md): per row ActorTcp's and the raw
/// client's median [min-max], their ratio, the target and whether it is met, then what each side cost per operation
/// and how busy the server was. A target relative to another workload (W1U's, W6's, W7's) shows its own ratio with the
/// verdict.
/// </summary>
public static class ResultTable
{
    private static readonly string[] Header =
    [
        "row", "unit", "ActorTcp median [min-max]", "raw median [min-max]", "ratio", "target", "result",
        "alloc B/op ActorTcp / raw", "CPU us/op ActorTcp / raw", "server CPU ActorTcp / raw",
    ];

    /// <summary>Writes the table for <paramref name="results"/>.</summary>
    public static void Write(TextWriter output, IEnumerable<WorkloadResult> results)
    {
        var all = results.ToArray();
        var rows = new List<string[]> { Header, Header.Select(_ => "---").ToArray() };
        foreach (var result in all)
            foreach (var metric in result.Workload.Metrics)
                rows.Add(Row(result, metric, all));
        var widths = Enumerable.Range(0, Header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
            output.WriteLine("| " + string.Join(" | ", row.Select((cell, c) => cell.PadRight(widths[c]))) + " |");
    }

    private static string[] Row(WorkloadResult result, Metric metric, IReadOnlyList<WorkloadResult> all)
    {
        var actorTcp = Stats.Of(result.ActorTcp.Select(metric.Value));
        var raw = Stats.Of(result.Raw.Select(metric.Value));
        var ratio = actorTcp is { } a && raw is { Median: not 0 } r ? a.Median / r.Median : (double?)null;
        var relativeTo = metric.Target.RelativeTo;
        var baseline = relativeTo is null ? raw?.Median : ActorTcpMedian(all, relativeTo, metric.Unit);
        var met = actorTcp is { } at ? metric.Target.Met(at.Median, baseline) : null;
        var verdict = result.Failure is not null ? "FAILED: " + result.Failure
            : met switch { true => "pass", false => "miss", null => "-" };
        // The ratio column is ActorTcp / raw for every row; a relative target's own ratio goes with its verdict.
        if (relativeTo is not null && result.Failure is null)
            verdict += met is null
                ? $" (no {relativeTo} figure)"
                : $" ({actorTcp!.Value.Median / baseline!.Value:0.00} x {relativeTo})";
        return
        [
            metric.Name, metric.Unit, actorTcp?.ToString() ?? "-", raw?.ToString() ?? "-",
            ratio?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-", metric.Target.Text, verdict,
            Pair(result, s => s.AllocatedPerOperation), Pair(result, s => s.CpuMicrosPerOperation),
            Pair(result, s => s.ServerCpuShare * 100, "%"),
        ];
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

    private static string Pair(WorkloadResult result, Func<Sample, double> value, string suffix = "")
    {
        string Side(List<Sample> samples) => Stats.Of(samples.Select(value)) is { } s ? Stats.Format(s.Median) + suffix : "-";
        return $"{Side(result.ActorTcp)} / {Side(result.Raw)}";
    }
}
