using ActorTcp.Actors;
using ActorTcp.Actors.Dns;
using ActorTcp.Actors.Upstreams;
using ActorTcp.Actors.Metrics;
using ActorTcp.Hosting.Logging;
using ActorTcp.Hosting.Telemetry;
using ActorTcp.LuaApi;
using ActorTcp.LuaApi.Library;
using ActorTcp.LuaApi.Pool;
using Akka.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorTcp.Hosting;

/// <summary>ActorTcp on Akka.Hosting: the actors of rspamd_tcp and its Lua host in a hosted actor system.</summary>
public static class ActorTcpHostingExtensions
{
    // The last export before the meter goes runs on the system's termination thread: bounded, as the SDK's own is.
    private static readonly TimeSpan FinalExportTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Adds ActorTcp to the actor system: HOCON.conf's defaults as a fallback (HOCON added with
    /// <see cref="HoconAddMode.Prepend"/> overrides them), then, once the system runs, the DNS resolver, the connection
    /// manager, the upstream owner (the node's one view of backend health) and the pool of Lua hosts
    /// (<c>actortcp.lua.hosts</c>), registered in the <see cref="ActorRegistry"/> under <see cref="ResolverActor"/>,
    /// <see cref="ConnectionManager"/>, <see cref="UpstreamsActor"/> and <see cref="LuaHostPool"/>. Settings are read from the <c>actortcp { }</c>
    /// section of the final configuration. The Lua host logs through the host's <see cref="ILoggerFactory"/> (category
    /// <c>ActorTcp.Lua</c>), and so does Akka when <see cref="ActorTcpOptions.RouteAkkaLogging"/> is on. Run plugins
    /// with <see cref="LuaPluginService"/> (<see cref="LuaPluginServiceCollectionExtensions.AddLuaPlugins"/>).
    /// </summary>
    public static AkkaConfigurationBuilder WithActorTcp(this AkkaConfigurationBuilder builder,
        Action<ActorTcpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new ActorTcpOptions();
        configure?.Invoke(options);

        builder.AddHocon(HoconLoader.Defaults, HoconAddMode.Append);
        if (options.NameServers.Count > 0)
        {
            foreach (var server in options.NameServers) ActorTcpSettings.ParseNameServer(server);
            builder.AddHocon(HoconLoader.NameServers(options.NameServers), HoconAddMode.Prepend);
        }
        if (options.RouteAkkaLogging)
        {
            builder.ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = options.AkkaLogLevel;
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
        }

        return builder.WithActors((system, registry, resolver) =>
        {
            var settings = ActorTcpSettings.Create(system.Settings.Config);
            var loggers = resolver.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            var output = options.Output ?? new LoggerLuaOutput(loggers.CreateLogger(LoggerLuaOutput.Category));
            var log = new LoggerLuaLog(loggers.CreateLogger(LoggerLuaLog.Category));

            var dns = system.ActorOf(ResolverActor.Props(settings), options.ResolverName);
            var manager = system.ActorOf(ConnectionManager.Props(settings, dns), options.ManagerName);
            var upstreams = system.ActorOf(UpstreamsActor.Props(settings, dns, options.Clock), options.UpstreamsName);
            var hosts = LuaHostPool.HostsSetting(system.Settings.Config);
            // Checked before any host starts: a missing rspamd lualib or LPeg stops the node here, not in every host.
            _ = LuaLibrarySettings.Create(system.Settings.Config);
            var lua = system.ActorOf(LuaHostPool.Props(hosts, manager, output, log, upstreams, options.Clock), options.LuaHostName);
            registry.Register<ResolverActor>(dns);
            registry.Register<ConnectionManager>(manager);
            registry.Register<UpstreamsActor>(upstreams);
            registry.Register<LuaHostPool>(lua);

            // Throws when the Prometheus port is taken: Akka.Hosting then logs it and stops the host.
            if (ActorTcpTelemetry.StartIfAsked(options.Metrics, ActorTcpMetrics.Get(system).Node) is { } telemetry)
            {
                telemetry.CollectBeforeEnd(system, FinalExportTimeout);
                system.RegisterOnTermination(telemetry.Dispose);
            }
        });
    }
}
