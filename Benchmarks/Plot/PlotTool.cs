using ActorTcp.Benchmarks.Report;

namespace ActorTcp.Benchmarks.Plot;

/// <summary>
/// <c>actortcp-bench-plot RESULTS.json FOLDER</c>: reads a run <c>actortcp-bench --json</c> wrote and draws its two
/// pictures into FOLDER, <see cref="RowsFile"/> (ActorTcp over raw per row) and <see cref="ConnectionsFile"/> (W2 round
/// trips/s against connections).
/// </summary>
public static class PlotTool
{
    /// <summary>The per-row picture's file name.</summary>
    public const string RowsFile = "benchmarks-rows.png";

    /// <summary>The W2-against-connections picture's file name.</summary>
    public const string ConnectionsFile = "w2-connections.png";

    /// <summary>Usage text.</summary>
    public const string Usage = "usage: actortcp-bench-plot RESULTS.json FOLDER   (RESULTS.json from actortcp-bench --json)";

    /// <summary>Runs the tool; returns the exit code (0 when both pictures were written, 1 when one could not be, 2 on usage).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        if (args.Length != 2)
        {
            await errors.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }
        var (json, folder) = (args[0], args[1]);
        BenchRun run;
        try
        {
            run = await BenchRun.LoadAsync(json).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException
                                      or InvalidDataException)
        {
            await errors.WriteLineAsync($"actortcp-bench-plot: {json}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        string font;
        try
        {
            font = PlotFont.Find();
        }
        catch (InvalidOperationException e)
        {
            await errors.WriteLineAsync("actortcp-bench-plot: " + e.Message).ConfigureAwait(false);
            return 1;
        }
        Directory.CreateDirectory(folder);
        var written = 0;
        foreach (var (file, draw, ifNone) in Charts(font))
        {
            var path = Path.Combine(folder, file);
            using var chart = draw(run);
            if (chart is null)
            {
                await errors.WriteLineAsync($"actortcp-bench-plot: {path} not written: {ifNone}").ConfigureAwait(false);
                continue;
            }
            chart.SavePng(path, Width, Height);
            await output.WriteLineAsync($"wrote {path}").ConfigureAwait(false);
            written++;
        }
        return written == 2 ? 0 : 1;
    }

    /// <summary>Pixels: wide enough for a dozen row labels, the size BENCHMARKS.md shows them at.</summary>
    private const int Width = 1000, Height = 560;

    /// <summary>Each picture: its file, how it is drawn (null without the rows it needs), and what to say then.</summary>
    private static (string File, Func<BenchRun, ScottPlot.Plot?> Draw, string IfNone)[] Charts(string font) =>
    [
        (RowsFile, run => RowsChart.Draw(run, font), "no row has a throughput figure of both sides"),
        (ConnectionsFile, run => ConnectionsChart.Draw(run, font),
            "no W2 rows with both sides (run --only W2,W2C10,W2C1000)"),
    ];
}
