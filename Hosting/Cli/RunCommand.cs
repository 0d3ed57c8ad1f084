using ActorTcp.Actors;
using ActorTcp.Hosting.Fixtures;
using ActorTcp.Hosting.Logging;
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

    /// <summary>
    /// Exit code of a Lua error in the script body (or an actor system that could not start), and with
    /// <see cref="RunOptions.Strict"/> of a Lua callback that raised.
    /// </summary>
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

    /// <summary>
    /// Runs the script with <paramref name="overrides"/> over the defaults (checked by <see cref="CliConfiguration"/>);
    /// returns the exit code. <paramref name="stdout"/> gets the script's print output.
    /// </summary>
    public static async Task<int> RunAsync(RunOptions options, Config overrides, Stream stdout, TextWriter stderr)
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

        var output = new StdoutLineOutput(stdout);
        var callbackFailures = new CallbackFailureCounter();
        using var stats = options.Stats ? new RunStats() : null;
        using var host = BuildHost(options, overrides, output, stderr, callbackFailures, stats);
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
            if (result.Succeeded && options.Strict && callbackFailures.Count > 0)
            {
                await stderr.WriteLineAsync(
                    $"actortcp run: {options.Script}: {callbackFailures.Count} callback(s) raised (--strict)").ConfigureAwait(false);
                return Failed;
            }
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
            // Every exit path after the start (done, failed, timed out, interrupted) ends with the table.
            if (stats is not null) await stats.WriteAsync(stderr).ConfigureAwait(false);
        }
    }

    private static IHost BuildHost(RunOptions options, Config overrides, StdoutLineOutput output, TextWriter stderr,
        CallbackFailureCounter callbackFailures, RunStats? stats)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "actortcp" });
        CliLogging.Configure(builder, stderr, options.Verbose);
        builder.Logging.AddProvider(callbackFailures);

        builder.Services.AddAkka("actortcp", (akka, _) =>
        {
            akka.AddHocon(overrides, HoconAddMode.Prepend);
            akka.AddHocon(ConfigurationFactory.ParseString(CliHocon), HoconAddMode.Prepend);
            // Starters run in order: this one before WithActorTcp's, so the summary hears everything ActorTcp measures.
            if (stats is not null) akka.WithActors((system, _) => stats.Start(system));
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

    /// <summary>Counts the Lua callbacks that raised (<see cref="LoggerLuaLog.CallbackFailedEvent"/>), for --strict.</summary>
    private sealed class CallbackFailureCounter : ILoggerProvider, ILogger
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public ILogger CreateLogger(string categoryName) =>
            categoryName == LoggerLuaLog.Category ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel == LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == LoggerLuaLog.CallbackFailedEvent.Id) Interlocked.Increment(ref _count);
        }

        public void Dispose()
        {
        }
    }
}
