using System.Globalization;
using ActorTcp.Benchmarks.Report;
using ScottPlot;

namespace ActorTcp.Benchmarks.Plot;

/// <summary>
/// Picture (a): ActorTcp's median over the raw client's, one bar per throughput row (unit per second, so higher is
/// better on both sides and a bar under the line at 1.0 is ActorTcp behind). Rows where lower is better (latencies,
/// bytes per connection) are left out rather than drawn the other way up beside them.
/// </summary>
public static class RowsChart
{
    /// <summary>The rows the picture shows: a ratio of two throughputs.</summary>
    public static IReadOnlyList<BenchRow> Rows(BenchRun run) =>
        run.Rows.Where(r => r.Ratio is not null && r.Unit.EndsWith("/s", StringComparison.Ordinal)).ToArray();

    /// <summary>The picture of <paramref name="run"/>, or null when it has no such row.</summary>
    public static ScottPlot.Plot? Draw(BenchRun run, string font)
    {
        var rows = Rows(run);
        if (rows.Count == 0) return null;
        var plot = new ScottPlot.Plot();
        var bars = rows.Select((row, i) => new Bar
        {
            Position = i,
            Value = row.Ratio!.Value,
            FillColor = row.Ratio >= 1 ? Colors.SeaGreen : Colors.SteelBlue,
            Label = row.Ratio!.Value.ToString("0.00", CultureInfo.InvariantCulture),
        }).ToArray();
        var series = plot.Add.Bars(bars);
        series.ValueLabelStyle.FontSize = 13;
        series.ValueLabelStyle.FontName = font;
        plot.Add.HorizontalLine(1.0, width: 2, color: Colors.Black, pattern: LinePattern.Dashed);

        // Bars of two colours and a line: the legend is written out rather than taken from the plottables.
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "ActorTcp / raw (medians)", FillColor = Colors.SteelBlue });
        if (rows.Any(r => r.Ratio >= 1))
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "ActorTcp / raw >= 1", FillColor = Colors.SeaGreen });
        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = "raw .NET client = 1.0", LineColor = Colors.Black, LineWidth = 2, LinePattern = LinePattern.Dashed,
        });
        plot.ShowLegend(Alignment.UpperRight);

        plot.Axes.Bottom.SetTicks(rows.Select((_, i) => (double)i).ToArray(),
            rows.Select(r => $"{r.Id}\n{r.Unit}").ToArray());
        // Headroom over the tallest bar and its label for the legend in the upper right corner.
        plot.Axes.SetLimitsY(0, Math.Max(1.3, rows.Max(r => r.Ratio!.Value) * 1.45));
        plot.Axes.SetLimitsX(-0.6, rows.Count - 0.4);
        Labels.Apply(plot, font, "ActorTcp vs the raw .NET client, per row (throughput)", run,
            "ActorTcp / raw, higher is better");
        return plot;
    }
}
