using ActorTcp.Actors;
using ActorTcp.Hosting.Fixtures;
using ActorTcp.LuaApi;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;

namespace ActorTcp.Hosting.Cli;

/// <summary>
/// <c>actortcp run SCRIPT.lua [ARGS...]</c>: a .NET generic host with Akka.Hosting and
/// <see cref="ActorTcpHostingExtensions.WithActorTcp"/> (the same path any .NET host takes), which runs the script through
/// <see cref="LuaPluginService"/> until it and everything it started are done.
/// </summary>
public static class RunCommand
{
    /// <summary>Exit code of a script that finished.</summary>
    public const int Done = 0;

    /// <summary>Exit code of a Lua error in the script body (or an actor system that could not start).</summary>
    public const int Failed = 1;

    /// <summary>Exit code of bad arguments, an unreadable script or a bad configuration.</summary>
    public const int BadArguments = 2;

    /// <summary>Exit code when the <c>--timeout</c> deadline passed (the script's session was destroyed), as timeout(1) exits.</summary>
    public const int TimedOut = 124;

    /// <summary>Exit code when SIGINT/SIGTERM stopped the run.</summary>
    public const int Interrupted = 130;

    // The command line's own rule, above any --config: stdout is the script's, so Akka never prints there.
    // A script is one session: one Lua host runs it (and the fixtures chunk before it, whose globals it reads).
    private const string CliHocon = "akka.stdout-loglevel = OFF\nactortcp.lua.hosts = 1";

    /// <summary>Runs the script; returns the exit code. <paramref name="stdout"/> gets the script's print output.</summary>
    public static async Task<int> RunAsync(RunOptions options, Stream stdout, TextWriter stderr)
    {
        byte[] code;
        try
        {
            code = await File.ReadAllBytesAsync(options.Script).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"actortcp run: cannot read {options.Script}: {e.Message}").ConfigureAwait(false);
            return BadArguments;
        }

        Config overrides;
        try
        {
            overrides = options.ConfigFile is null ? Config.Empty : HoconLoader.ParseFile(options.ConfigFile);
            Validate(overrides, options.NameServers);
        }
        catch (Exception e) when (e is ConfigurationException or IOException or UnauthorizedAccessException
                                      or FormatException or ArgumentException)
        {
            await stderr.WriteLineAsync($"actortcp run: configuration: {e.Message}").ConfigureAwait(false);
            return BadArguments;
        }

        var output = new StdoutLineOutput(stdout);
        using var host = BuildHost(options, overrides, output, stderr);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ActorTcp.Run");
        await using var fixtures = options.Fixtures
            ? await FixtureSet.StartAsync(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ActorTcp.Fixtures"))
                .ConfigureAwait(false)
            : null;

        await host.StartAsync().ConfigureAwait(false);
        try
        {
            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // Akka.Hosting logged why (Critical) and asked the host to stop.
                await stderr.WriteLineAsync("actortcp run: the actor system did not start").ConfigureAwait(false);
                return Failed;
            }

            var plugins = host.Services.GetRequiredService<LuaPluginService>();
            if (fixtures is not null)
            {
                log.LogDebug("fixtures: {Ports}", string.Join(", ", fixtures.Ports.Select(p => $"{p.Key}={p.Value}")));
                (await plugins.RunChunkAsync("fixtures", fixtures.LuaChunk(), null, lifetime.ApplicationStopping)
                    .ConfigureAwait(false)).EnsureSucceeded();
            }

            var result = await plugins.RunChunkAsync(options.Script, code, options.Args, options.Timeout,
                lifetime.ApplicationStopping).ConfigureAwait(false);
            log.LogDebug("{Script} finished after {Elapsed}", options.Script, result.Elapsed);
            output.Flush();
            if (result.Succeeded) return Done;
            if (result.TimedOut)
            {
                await stderr.WriteLineAsync($"actortcp run: {options.Script}: {result.Error}").ConfigureAwait(false);
                return TimedOut;
            }
            await stderr.WriteLineAsync(result.Error).ConfigureAwait(false);
            return Failed;
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("actortcp run: interrupted").ConfigureAwait(false);
            return Interrupted;
        }
        finally
        {
            await host.StopAsync().ConfigureAwait(false);
            output.Flush();
        }
    }

    /// <summary>Fails early, with the offending key, on what the actors would reject when they start.</summary>
    private static void Validate(Config overrides, IReadOnlyList<string> nameServers)
    {
        var config = overrides.WithFallback(HoconLoader.Defaults);
        if (nameServers.Count > 0) config = HoconLoader.NameServers(nameServers).WithFallback(config);
        var settings = ActorTcpSettings.Create(config);
        _ = LuaSandboxSettings.Create(config);
        if (settings.DnsTimeout <= TimeSpan.Zero)
            throw new ConfigurationException($"actortcp.dns.timeout must be positive, got {settings.DnsTimeout}");
        if (settings.DnsRetries < 0)
            throw new ConfigurationException($"actortcp.dns.retries must not be negative, got {settings.DnsRetries}");
    }

    private static IHost BuildHost(RunOptions options, Config overrides, StdoutLineOutput output, TextWriter stderr)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "actortcp" });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new StderrLoggerProvider(stderr));
        builder.Logging.SetMinimumLevel(options.Verbose ? LogLevel.Debug : LogLevel.Information);
        if (!options.Verbose) builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

        builder.Services.AddAkka("actortcp", (akka, _) =>
        {
            akka.AddHocon(overrides, HoconAddMode.Prepend);
            akka.AddHocon(ConfigurationFactory.ParseString(CliHocon), HoconAddMode.Prepend);
            akka.WithActorTcp(o =>
            {
                foreach (var server in options.NameServers) o.NameServers.Add(server);
                o.Output = output;
                o.AkkaLogLevel = options.Verbose ? AkkaLogLevel.DebugLevel : AkkaLogLevel.WarningLevel;
            });
        });
        builder.Services.AddLuaPlugins();
        return builder.Build();
    }
}
