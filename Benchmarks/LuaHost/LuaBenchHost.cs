using System.Reflection;
using System.Text;
using ActorTcp.Cluster.Tasks;
using ActorTcp.Hosting;
using ActorTcp.Hosting.Cli;
using Akka.Actor;
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
/// with the Lua host pool size they measure (<c>actortcp.lua.hosts</c>), before their first run. A cluster node
/// (<see cref="StartNodeAsync"/>, W7's) is built as <c>actortcp node</c> builds one, with
/// <see cref="ActorTcpClusterHostingExtensions.WithActorTcpCluster"/>, and runs tasks through <see cref="ClusterTaskService"/>.
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
    private readonly ClusterTaskService? _clusterTasks;

    private LuaBenchHost(IHost host, CapturingOutput output)
    {
        _host = host;
        Output = output;
        _plugins = host.Services.GetRequiredService<LuaPluginService>();
        _clusterTasks = host.Services.GetService<ClusterTaskService>();
    }

    /// <summary>What the scripts printed.</summary>
    public CapturingOutput Output { get; }

    /// <summary>The host's actor system.</summary>
    public ActorSystem ActorSystem => _host.Services.GetRequiredService<ActorSystem>();

    /// <summary>Builds and starts the host; <paramref name="hocon"/> (may be empty) overrides any setting.</summary>
    public static Task<LuaBenchHost> StartAsync(string hocon, CancellationToken cancellationToken) =>
        StartAsync(hocon, cluster: null, cancellationToken);

    /// <summary>
    /// Builds and starts a cluster node on 127.0.0.1 (a free port) that joins <paramref name="seed"/> (<c>host:port</c>),
    /// or itself when it is null; <paramref name="hocon"/> (may be empty) overrides any setting.
    /// </summary>
    public static Task<LuaBenchHost> StartNodeAsync(string hocon, string? seed, CancellationToken cancellationToken) =>
        StartAsync(hocon, cluster =>
        {
            cluster.Host = "127.0.0.1";
            if (seed is not null) cluster.Seeds.Add(seed);
        }, cancellationToken);

    private static async Task<LuaBenchHost> StartAsync(string hocon, Action<ActorTcpClusterOptions>? cluster,
        CancellationToken cancellationToken)
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
            void Configure(ActorTcpOptions o)
            {
                o.Output = output;
                o.AkkaLogLevel = AkkaLogLevel.WarningLevel;
            }
            if (cluster is null) akka.WithActorTcp(Configure);
            else akka.WithActorTcpCluster(cluster, Configure);
        });
        if (cluster is null) builder.Services.AddLuaPlugins();
        else builder.Services.AddClusterTasks();
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

    /// <summary>Loads the plugin <paramref name="code"/> (a file of the repository) into every Lua host; throws on a Lua error.</summary>
    public async Task LoadPluginAsync(string name, byte[] code, CancellationToken cancellationToken)
    {
        var result = await _plugins.LoadPluginChunkAsync(name, code, cancellationToken).ConfigureAwait(false);
        result.EnsureSucceeded();
    }

    /// <summary>
    /// Runs the global plugin function <paramref name="function"/> for one task holding <paramref name="fields"/>, on
    /// the least busy Lua host, within <paramref name="deadline"/>; the result says how it ended.
    /// </summary>
    public Task<LuaPluginResult> RunTaskAsync(string function, IReadOnlyDictionary<string, object?> fields,
        TimeSpan deadline, CancellationToken cancellationToken) =>
        _plugins.RunTaskAsync(function, fields, deadline, cancellationToken);

    /// <summary>
    /// Runs <paramref name="function"/> for one task holding <paramref name="fields"/> on the cluster's node with the most
    /// spare capacity (a node started with <see cref="StartNodeAsync"/> only), within <paramref name="deadline"/>.
    /// </summary>
    public Task<ClusterTaskResult> RunClusterTaskAsync(string function, IReadOnlyDictionary<string, object?> fields,
        TimeSpan deadline, CancellationToken cancellationToken) =>
        (_clusterTasks ?? throw new InvalidOperationException("not a cluster node"))
        .RunTaskAsync(function, fields, deadline, cancellationToken);

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
