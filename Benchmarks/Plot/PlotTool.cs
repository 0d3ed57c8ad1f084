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
        foreach (var (file, chart) in Charts(run, font))
        {
            var path = Path.Combine(folder, file);
            if (chart is null)
            {
                await errors.WriteLineAsync($"actortcp-bench-plot: {path} not written: {Why(file)}").ConfigureAwait(false);
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

    private static IEnumerable<(string File, ScottPlot.Plot? Chart)> Charts(BenchRun run, string font)
    {
        yield return (RowsFile, RowsChart.Draw(run, font));
        yield return (ConnectionsFile, ConnectionsChart.Draw(run, font));
    }

    private static string Why(string file) => file == RowsFile
        ? "no row has a throughput figure of both sides"
        : "no W2 rows with both sides (run --only W2,W2C10,W2C1000)";
}
