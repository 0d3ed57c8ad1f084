using Microsoft.Extensions.Logging;

namespace ActorTcp.Hosting.Fixtures;

/// <summary><c>fixtures.echo</c>: sends back every chunk it reads until the client closes (at most 16 MiB).</summary>
public sealed class EchoFixture(ILogger logger) : FixtureServer("echo", logger)
{
    /// <summary>Most bytes echoed on one connection; the fixture closes it after that.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    /// <inheritdoc/>
    protected override async Task ServeAsync(FixtureConnection connection)
    {
        // Bounded: each pass moves at least one byte, and at most MaxBytes are moved.
        for (var total = 0; total < MaxBytes;)
        {
            var data = await connection.ReceiveAsync().ConfigureAwait(false);
            if (data.IsEmpty) return;
            await connection.SendAsync(data).ConfigureAwait(false);
            total += data.Length;
        }
    }
}
