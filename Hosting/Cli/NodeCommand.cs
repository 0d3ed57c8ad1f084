using ActorTcp.Cluster.Membership;
using ActorTcp.Hosting.Telemetry;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;

namespace ActorTcp.Hosting.Cli;

/// <summary>
/// <c>actortcp node</c>: a clustered mail-filter node (<see cref="ActorTcpClusterHostingExtensions.WithActorTcpCluster"/>)
/// that loads its plugins into every Lua host and serves until SIGTERM or SIGINT, then leaves the cluster gracefully
/// (Akka's coordinated shutdown) and exits 0. Membership changes are logged on stderr.
/// </summary>
public static class NodeCommand
{
    /// <summary>Exit code after a clean leave.</summary>
    public const int Done = 0;

    /// <summary>Exit code when the node could not start, load its plugins, or join its seeds.</summary>
    public const int Failed = 1;

    // A node that cannot reach its seeds stops instead of trying for ever (its exit says so); stdout stays quiet.
    private const string NodeHocon = """
        akka.stdout-loglevel = OFF
        akka.cluster.shutdown-after-unsuccessful-join-seed-nodes = 20s
        """;

    // What the phases after the drain need at most to leave and stop (cluster-exiting, the actor system's end).
    private static readonly TimeSpan LeaveMargin = TimeSpan.FromSeconds(30);

    /// <summary>Runs the node with <paramref name="overrides"/> over the defaults; returns the exit code.</summary>
    public static async Task<int> RunAsync(NodeOptions options, Config overrides, TextWriter stderr)
    {
        // Before the actor system, so a metrics port in use fails the start with its own message; disposed after the
        // system has stopped, which flushes the last OTLP export.
        ActorTcpTelemetry? telemetry;
        try
        {
            telemetry = StartTelemetry(options);
        }
        catch (InvalidOperationException e)
        {
            await stderr.WriteLineAsync($"actortcp node: {e.Message}").ConfigureAwait(false);
            return Failed;
        }
        using var _ = telemetry;
        using var host = BuildHost(options, overrides, stderr);
        var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ActorTcp.Node");
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync($"actortcp node: cannot start: {e.GetBaseException().Message}").ConfigureAwait(false);
            return Failed;
        }
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"actortcp node: the actor system did not start (is {options.Host}:{options.Port} free?)")
                .ConfigureAwait(false);
            return Failed;
        }

        var system = host.Services.GetRequiredService<ActorSystem>();
        // The observable counters are read once more before the meter goes, so the last OTLP export has them.
        telemetry?.CollectBeforeEnd(system, TimeSpan.FromSeconds(5));
        system.ActorOf(MembershipLog.Props(line => log.LogInformation("{Line}", line)), "actortcp-membership");
        var plugins = host.Services.GetRequiredService<LuaPluginService>();
        foreach (var plugin in options.Plugins)
        {
            var loaded = await plugins.LoadPluginAsync(plugin, lifetime.ApplicationStopping).ConfigureAwait(false);
            if (loaded.Succeeded) continue;
            await stderr.WriteLineAsync($"actortcp node: plugin {plugin}: {loaded.Error}").ConfigureAwait(false);
            await host.StopAsync().ConfigureAwait(false);
            return Failed;
        }
        log.LogInformation("serving on {Address} with {Plugins} plugin file(s)", Akka.Cluster.Cluster.Get(system).SelfAddress,
            options.Plugins.Count);
        if (telemetry?.PrometheusEndpoint is { } scrape) log.LogInformation("metrics on {Endpoint}", scrape);
        if (telemetry?.Otlp == true) log.LogInformation("exporting metrics and traces by OTLP");

        // Until SIGTERM/SIGINT (the generic host's console lifetime), or until the actor system stops on its own: it
        // could not join its seeds, or the cluster downed it. Its coordinated shutdown's reason tells which.
        await Task.WhenAny(system.WhenTerminated, Task.Delay(Timeout.Infinite, lifetime.ApplicationStopping)).ConfigureAwait(false);
        await host.StopAsync().ConfigureAwait(false);
        switch (CoordinatedShutdown.Get(system).ShutdownReason)
        {
            case CoordinatedShutdown.ClusterJoinUnsuccessfulReason:
                await stderr.WriteLineAsync(
                    $"actortcp node: stopped: not joined to {string.Join(", ", options.Seeds)} within 20 s").ConfigureAwait(false);
                return Failed;
            case CoordinatedShutdown.ClusterDowningReason:
                await stderr.WriteLineAsync("actortcp node: stopped: downed by the cluster").ConfigureAwait(false);
                return Failed;
            default:
                log.LogInformation("left the cluster");
                return Done;
        }
    }

    private static ActorTcpTelemetry? StartTelemetry(NodeOptions options)
    {
        var metrics = new ActorTcpMetricsOptions
        {
            PrometheusPort = options.MetricsPort,
            PrometheusHost = options.MetricsHost ?? options.Host,
        };
        // The node tag of its meter (ActorTcpMetrics.Node) is the same host:port.
        return ActorTcpTelemetry.StartIfAsked(metrics, $"{options.Host}:{options.Port}");
    }

    private static IHost BuildHost(NodeOptions options, Config overrides, TextWriter stderr)
    {
        // The full builder, for its console lifetime: SIGTERM and SIGINT stop the host, and the stop leaves the cluster.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "actortcp", Args = [] });
        CliLogging.Configure(builder, stderr, options.Verbose);

        builder.Services.AddAkka("actortcp", (akka, _) =>
        {
            akka.AddHocon(overrides, HoconAddMode.Prepend);
            var hosts = options.LuaHosts is { } n ? $"\nactortcp.lua.hosts = {n}" : "";
            akka.AddHocon(ConfigurationFactory.ParseString(NodeHocon + hosts), HoconAddMode.Prepend);
            akka.WithActorTcpCluster(
                cluster =>
                {
                    cluster.Host = options.Host;
                    cluster.Port = options.Port;
                    foreach (var seed in options.Seeds) cluster.Seeds.Add(seed);
                },
                o =>
                {
                    o.AkkaLogLevel = options.Verbose ? AkkaLogLevel.DebugLevel : AkkaLogLevel.WarningLevel;
                    // The node starts its export itself, before the actor system (StartTelemetry): not a second time.
                    o.Metrics.OtlpFromEnvironment = false;
                });
        });
        builder.Services.AddLuaPlugins();
        // The host gives its services 30 s to stop by default: no more than a leaving node's drain may take
        // (service-requests-done), which would cut the drain short. Give the whole coordinated shutdown its time.
        var drain = overrides.WithFallback(HoconLoader.Defaults).GetTimeSpan("akka.coordinated-shutdown.phases.service-requests-done.timeout");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = drain + LeaveMargin);
        return builder.Build();
    }
}
