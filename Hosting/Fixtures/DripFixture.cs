using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ActorTcp.Hosting.Fixtures;

/// <summary>
/// <c>fixtures.drip</c>: drips <see cref="Text"/> (<c>tick 1\r\n</c> to <c>tick 5\r\n</c>) to every client,
/// <see cref="PieceSize"/> bytes every <see cref="Interval"/> (about a second in all), then closes. For partial reads
/// (lines arrive split across chunks) and timeouts (a stop pattern that never comes).
/// </summary>
public sealed class DripFixture(ILogger logger) : FixtureServer("drip", logger)
{
    /// <summary>Bytes per piece.</summary>
    public const int PieceSize = 4;

    /// <summary>Pause before each piece after the first.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Everything the fixture sends: five lines, 40 bytes.</summary>
    public static readonly string Text = string.Concat(
        Enumerable.Range(1, 5).Select(i => string.Create(CultureInfo.InvariantCulture, $"tick {i}\r\n")));

    /// <inheritdoc/>
    protected override async Task ServeAsync(FixtureConnection connection)
    {
        var bytes = Encoding.ASCII.GetBytes(Text);
        for (var at = 0; at < bytes.Length; at += PieceSize)
        {
            if (at > 0) await Task.Delay(Interval, connection.Stopping).ConfigureAwait(false);
            await connection.SendAsync(bytes.AsMemory(at, Math.Min(PieceSize, bytes.Length - at))).ConfigureAwait(false);
        }
    }
}
