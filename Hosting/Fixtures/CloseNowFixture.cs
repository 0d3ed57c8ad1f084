using Microsoft.Extensions.Logging;

namespace ActorTcp.Hosting.Fixtures;

/// <summary>
/// <c>fixtures.close_now</c>: closes every connection at once (FIN right after accept, without a byte). What the
/// client sends is read and dropped, so the client sees end of stream, never a reset.
/// </summary>
public sealed class CloseNowFixture(ILogger logger) : FixtureServer("close_now", logger)
{
    /// <inheritdoc/>
    protected override Task ServeAsync(FixtureConnection connection) => Task.CompletedTask;
}
