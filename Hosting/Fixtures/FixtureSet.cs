using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ActorTcp.Hosting.Fixtures;

/// <summary>
/// The servers of <c>actortcp run --fixtures</c>, all on 127.0.0.1 with ephemeral ports, so the examples run on a
/// machine without any outside server: <see cref="EchoFixture"/>, <see cref="SmtpFixture"/>, <see cref="DripFixture"/>,
/// <see cref="CloseNowFixture"/> and <see cref="RefusedPort"/>. Lua sees them as the global table <c>fixtures</c>
/// (<see cref="LuaChunk"/>): <c>fixtures.host</c> and one port per name.
/// </summary>
public sealed class FixtureSet : IAsyncDisposable
{
    /// <summary>The host every fixture listens on.</summary>
    public const string Host = "127.0.0.1";

    private readonly List<FixtureServer> _servers = [];
    private readonly RefusedPort _refused;

    private FixtureSet() => _refused = new RefusedPort();

    /// <summary>Every fixture's port by its name in the Lua table.</summary>
    public IReadOnlyDictionary<string, int> Ports =>
        _servers.ToDictionary(s => s.Name, s => s.Port).Append(new("refused", _refused.Port))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    /// <summary>Binds and starts every fixture.</summary>
    public static async Task<FixtureSet> StartAsync(ILogger logger)
    {
        var set = new FixtureSet();
        try
        {
            set._servers.Add(new EchoFixture(logger));
            set._servers.Add(new SmtpFixture(logger));
            set._servers.Add(new DripFixture(logger));
            set._servers.Add(new CloseNowFixture(logger));
        }
        catch
        {
            await set.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        foreach (var server in set._servers) server.Start();
        return set;
    }

    /// <summary>A Lua chunk that sets the global <c>fixtures</c> table.</summary>
    public string LuaChunk()
    {
        var lua = new StringBuilder("fixtures = {\n");
        lua.Append(CultureInfo.InvariantCulture, $"  host = '{Host}',\n");
        foreach (var (name, port) in Ports.OrderBy(p => p.Key, StringComparer.Ordinal))
            lua.Append(CultureInfo.InvariantCulture, $"  {name} = {port},\n");
        return lua.Append("}\n").ToString();
    }

    /// <summary>Stops every fixture (bounded) and releases the refused port.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_servers.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
        _refused.Dispose();
    }
}
