using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorTcp.Benchmarks.Report;

/// <summary>
/// What <c>--json FILE</c> writes: one run's rows with the command line, date and machine line the text output
/// shows, so a picture (<c>Benchmarks/Plot</c>) is drawn from a run's own figures, not copied by hand from the table.
/// </summary>
/// <param name="Command">The command line (<c>actortcp-bench --only ...</c>).</param>
/// <param name="Date">When the run ended.</param>
/// <param name="Machine">The machine line: cores, OS, .NET, runs, message size, scale.</param>
/// <param name="Rows">The rows, as the table has them.</param>
public sealed record BenchRun(string Command, DateTimeOffset Date, string Machine, IReadOnlyList<BenchRow> Rows)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // A row without samples of a kind (W4's memory outside W4) can have NaN medians; JSON numbers cannot hold it.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // Targets read ">= 0.8": a file for people and plots, never embedded in HTML, so no \u003E escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes the run to <paramref name="path"/> as JSON.</summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, this, Json, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a run <see cref="SaveAsync"/> wrote; throws when the file is not one.</summary>
    public static async Task<BenchRun> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var file = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<BenchRun>(file, Json, cancellationToken).ConfigureAwait(false)
               ?? throw new InvalidDataException($"{path} holds no benchmark run");
    }
}
