using System.Globalization;

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

    /// <summary>Writes the table for <paramref name="rows"/>.</summary>
    public static void Write(TextWriter output, IEnumerable<BenchRow> rows)
    {
        var cells = new List<string[]> { Header, Header.Select(_ => "---").ToArray() };
        cells.AddRange(rows.Select(Cells));
        var widths = Enumerable.Range(0, Header.Length).Select(c => cells.Max(r => r[c].Length)).ToArray();
        foreach (var row in cells)
            output.WriteLine("| " + string.Join(" | ", row.Select((cell, c) => cell.PadRight(widths[c]))) + " |");
    }

    private static string[] Cells(BenchRow row) =>
    [
        row.Id, row.Unit, row.ActorTcp?.ToString() ?? "-", row.Raw?.ToString() ?? "-",
        row.Ratio?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-", row.Target, row.Result,
        Pair(row.AllocatedBytesPerOp), Pair(row.CpuMicrosPerOp), Pair(row.ServerCpuPercent, "%"),
    ];

    private static string Pair(SidePair pair, string suffix = "")
    {
        string Side(double? median) => median is { } m ? Stats.Format(m) + suffix : "-";
        return $"{Side(pair.ActorTcp)} / {Side(pair.Raw)}";
    }
}
