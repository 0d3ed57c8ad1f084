using ActorTcp.Benchmarks.Report;

namespace ActorTcp.Benchmarks.Plot;

/// <summary>What both pictures write the same way: the font, the title with the run it comes from, the axis labels.</summary>
public static class Labels
{
    /// <summary>
    /// Sets <paramref name="font"/> on every label, <paramref name="title"/> with the run's date and machine under it,
    /// and the axis labels.
    /// </summary>
    public static void Apply(ScottPlot.Plot plot, string font, string title, BenchRun run, string y, string x = "row")
    {
        plot.Font.Set(font);
        plot.Legend.FontName = font;
        plot.Legend.FontSize = 13;
        plot.Title($"{title}\n{run.Date:yyyy-MM-dd}, {run.Machine}");
        plot.Axes.Title.Label.FontSize = 15;
        plot.YLabel(y);
        plot.XLabel(x);
        plot.Axes.Left.Label.FontSize = 14;
        plot.Axes.Bottom.Label.FontSize = 14;
    }
}
