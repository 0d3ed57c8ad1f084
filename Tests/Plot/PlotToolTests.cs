using System.Buffers.Binary;
using System.Text.RegularExpressions;
using ActorTcp.Benchmarks.Plot;
using ActorTcp.Benchmarks.Report;
using Xunit;

namespace ActorTcp.Tests.Plot;

/// <summary>
/// The benchmark's pictures: <c>actortcp-bench-plot</c> turns a small fixed run, written as <c>actortcp-bench --json</c>
/// writes one, into its two PNG files, and says why when it cannot.
/// </summary>
public sealed class PlotToolTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly string _folder = Directory.CreateTempSubdirectory("actortcp-plot-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_run_with_W2_at_three_connection_counts_becomes_two_png_pictures()
    {
        var json = Write("run.json", FixedRun.Json);
        var output = new StringWriter();
        var errors = new StringWriter();

        var exit = await PlotTool.RunAsync([json, Path.Combine(_folder, "images")], output, errors);

        Assert.True(exit == 0, errors.ToString());
        foreach (var file in new[] { PlotTool.RowsFile, PlotTool.ConnectionsFile })
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(_folder, "images", file));
            Assert.Equal(PngSignature, bytes[..8]);
            // IHDR comes first: width and height, big-endian, after its length and type.
            Assert.Equal(1000, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
            Assert.Equal(560, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
            // Bars, lines and text make a picture of tens of kilobytes; a blank canvas compresses to a few.
            Assert.InRange(bytes.Length, 15_000, 2_000_000);
        }
        Assert.Contains(PlotTool.ConnectionsFile, output.ToString());
    }

    [Fact]
    public async Task A_run_without_W2_rows_gets_the_rows_picture_and_a_reason_for_the_other()
    {
        var json = Write("w1.json", Regex.Replace(FixedRun.Json, "\"connections\": [0-9]+", "\"connections\": null"));
        var errors = new StringWriter();

        var exit = await PlotTool.RunAsync([json, _folder], TextWriter.Null, errors);

        Assert.Equal(1, exit);
        Assert.True(File.Exists(Path.Combine(_folder, PlotTool.RowsFile)));
        Assert.False(File.Exists(Path.Combine(_folder, PlotTool.ConnectionsFile)));
        Assert.Contains("no W2 rows", errors.ToString());
    }

    [Fact]
    public async Task The_rows_picture_shows_throughput_rows_and_the_connections_picture_the_W2_rows_by_count()
    {
        var run = await BenchRun.LoadAsync(Write("run.json", FixedRun.Json));

        Assert.Equal(["W1", "W2", "W2C10", "W2C1000", "W3"], RowsChart.Rows(run).Select(r => r.Id));
        Assert.Equal(["W2C10", "W2", "W2C1000"], ConnectionsChart.Rows(run).Select(r => r.Id));
    }

    [Fact]
    public async Task A_file_that_is_not_a_run_is_refused_with_its_name()
    {
        var json = Write("broken.json", "{ \"rows\": [");
        var errors = new StringWriter();

        Assert.Equal(1, await PlotTool.RunAsync([json, _folder], TextWriter.Null, errors));
        Assert.Contains("broken.json", errors.ToString());
        Assert.Empty(Directory.GetFiles(_folder, "*.png"));
    }

    [Fact]
    public async Task Missing_arguments_print_the_usage()
    {
        var errors = new StringWriter();

        Assert.Equal(2, await PlotTool.RunAsync([], TextWriter.Null, errors));
        Assert.Contains("usage", errors.ToString());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
