using System.Reflection;
using System.Text;
using ActorTcp.Hosting;
using ActorTcp.Hosting.Cli;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;

namespace ActorTcp.Benchmarks.LuaHost;

/// <summary>
/// ActorTcp as a .NET host runs it: a generic host with Akka.Hosting and <see cref="ActorTcpHostingExtensions.WithActorTcp"/>,
/// built as <c>actortcp run</c> builds it (<see cref="RunCommand"/>), with the workloads' Lua scripts run through
/// <see cref="LuaPluginService"/>. Started once, before any measurement; W6S and W6 each start one more of their own,
/// with the Lua host pool size they measure (<c>actortcp.lua.hosts</c>), before their first run.
/// </summary>
public sealed class LuaBenchHost : IAsyncDisposable
{
    // W4 keeps 10000 connections open at once: the default limit (10000) leaves no room for anything else.
    // One Lua host unless a row asks for more (W6): the rows before the pool measure one host, and stay comparable.
    private const string BenchHocon = """
        akka.stdout-loglevel = OFF
        actortcp.limits.max-connections = 30000
        actortcp.lua.hosts = 1
        """;

    private readonly IHost _host;
    private readonly LuaPluginService _plugins;

    private LuaBenchHost(IHost host, CapturingOutput output)
    {
        _host = host;
        Output = output;
        _plugins = host.Services.GetRequiredService<LuaPluginService>();
    }

    /// <summary>What the scripts printed.</summary>
    public CapturingOutput Output { get; }

    /// <summary>Builds and starts the host; <paramref name="hocon"/> (may be empty) overrides any setting.</summary>
    public static async Task<LuaBenchHost> StartAsync(string hocon, CancellationToken cancellationToken)
    {
        var output = new CapturingOutput();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "actortcp-bench" });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new StderrLoggerProvider(Console.Error));
        // Information: Lua callback failures are logged at that level (as rspamd does) and must not pass unseen.
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddAkka("actortcp-bench", (akka, _) =>
        {
            akka.AddHocon(ConfigurationFactory.ParseString(BenchHocon), HoconAddMode.Prepend);
            if (hocon.Length > 0) akka.AddHocon(ConfigurationFactory.ParseString(hocon), HoconAddMode.Prepend);
            akka.WithActorTcp(o =>
            {
                o.Output = output;
                o.AkkaLogLevel = AkkaLogLevel.WarningLevel;
            });
        });
        builder.Services.AddLuaPlugins();
        var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        if (host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested)
            throw new InvalidOperationException("the actor system did not start");
        return new LuaBenchHost(host, output);
    }

    /// <summary>
    /// Runs the embedded script <c>Lua/<paramref name="script"/></c> with <paramref name="args"/> until it and all it
    /// started are done; throws on a Lua error.
    /// </summary>
    public async Task RunAsync(string script, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var result = await _plugins.RunChunkAsync(script, Script(script), args, cancellationToken).ConfigureAwait(false);
        result.EnsureSucceeded();
    }

    /// <summary>
    /// Loads the embedded plugin <c>Lua/<paramref name="script"/></c> into every Lua host of the pool, so each defines
    /// its global functions; throws on a Lua error.
    /// </summary>
    public async Task LoadPluginAsync(string script, CancellationToken cancellationToken)
    {
        var result = await _plugins.LoadPluginChunkAsync(script, Script(script), cancellationToken).ConfigureAwait(false);
        result.EnsureSucceeded();
    }

    /// <summary>
    /// Runs the global plugin function <paramref name="function"/> for one task holding <paramref name="fields"/>, on
    /// the least busy Lua host, within <paramref name="deadline"/>; the result says how it ended.
    /// </summary>
    public Task<LuaPluginResult> RunTaskAsync(string function, IReadOnlyDictionary<string, object?> fields,
        TimeSpan deadline, CancellationToken cancellationToken) =>
        _plugins.RunTaskAsync(function, fields, deadline, cancellationToken);

    /// <summary>The bytes of the embedded script <c>Lua/<paramref name="name"/></c>.</summary>
    public static byte[] Script(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Lua." + name)
                           ?? throw new ArgumentException($"no embedded script Lua/{name}", nameof(name));
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(stop.Token).ConfigureAwait(false);
        _host.Dispose();
    }
}
