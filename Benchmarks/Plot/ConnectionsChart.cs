using System.Globalization;
using ActorTcp.Benchmarks.Report;
using ScottPlot;

namespace ActorTcp.Benchmarks.Plot;

/// <summary>
/// Picture (b): W2's round trips/s against the persistent connections they share (W2C10, W2, W2C1000), ActorTcp and
/// the raw client as two lines with their min-max over the runs, on a log scale of connections.
/// </summary>
public static class ConnectionsChart
{
    /// <summary>The W2 rows with both sides, one per connection count, fewest connections first.</summary>
    public static IReadOnlyList<BenchRow> Rows(BenchRun run) =>
        run.Rows.Where(r => r is { Connections: not null, ActorTcp: not null, Raw: not null })
            .GroupBy(r => r.Connections!.Value).Select(g => g.First()).OrderBy(r => r.Connections).ToArray();

    /// <summary>The picture of <paramref name="run"/>, or null when it has no such row.</summary>
    public static ScottPlot.Plot? Draw(BenchRun run, string font)
    {
        var rows = Rows(run);
        if (rows.Count == 0) return null;
        var plot = new ScottPlot.Plot();
        // Log scale by hand: the points sit at log10(connections) and the ticks are labelled with the counts.
        var xs = rows.Select(r => Math.Log10(r.Connections!.Value)).ToArray();
        Line(plot, xs, rows.Select(r => r.ActorTcp!.Value).ToArray(), "ActorTcp", Colors.SteelBlue);
        Line(plot, xs, rows.Select(r => r.Raw!.Value).ToArray(), "raw .NET client", Colors.DarkOrange);
        for (var i = 0; i < rows.Count; i++)
        {
            var ratio = plot.Add.Text($"{rows[i].Ratio:0.00} x", xs[i], rows[i].ActorTcp!.Value.Median);
            ratio.LabelFontSize = 13;
            ratio.LabelFontName = font;
            ratio.LabelAlignment = Alignment.UpperCenter;
            ratio.OffsetY = 10;
        }

        plot.Axes.Bottom.SetTicks(xs, rows.Select(r => r.Connections!.Value.ToString(CultureInfo.InvariantCulture)).ToArray());
        var top = rows.Max(r => Math.Max(r.ActorTcp!.Value.Max, r.Raw!.Value.Max));
        plot.Axes.SetLimitsY(0, top * 1.15);
        var margin = Math.Max(0.25, (xs[^1] - xs[0]) * 0.08);
        plot.Axes.SetLimitsX(xs[0] - margin, xs[^1] + margin);
        plot.ShowLegend(Alignment.LowerRight);
        Labels.Apply(plot, font, "W2: round trips/s against persistent connections", run,
            "round trips/s (median; bars: min-max)", "persistent connections (log scale); labels: ActorTcp / raw");
        return plot;
    }

    private static void Line(ScottPlot.Plot plot, double[] xs, Stats[] stats, string name, Color color)
    {
        var medians = stats.Select(s => s.Median).ToArray();
        var line = plot.Add.Scatter(xs, medians, color);
        line.LegendText = name;
        line.LineWidth = 2;
        line.MarkerSize = 9;
        var range = plot.Add.ErrorBar(xs, medians, stats.Select(s => s.Median - s.Min).ToArray());
        range.YErrorPositive = stats.Select(s => s.Max - s.Median).ToArray();
        range.Color = color;
    }
}
