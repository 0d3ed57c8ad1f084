using ActorTcp.Actors;
using ActorTcp.Actors.Dns;
using ActorTcp.Hosting;
using ActorTcp.LuaApi;
using ActorTcp.LuaApi.Pool;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;
using AkkaLogLevel = Akka.Event.LogLevel;

namespace ActorTcp.Tests.Hosting;

/// <summary>
/// The Akka.Hosting integration in a .NET generic host, as an application embeds it: <c>AddAkka(...)</c> with
/// <see cref="ActorTcpHostingExtensions.WithActorTcp"/>, <see cref="LuaPluginService"/> injected to run plugins, logs
/// through Microsoft.Extensions.Logging. The plugins talk to a real server on 127.0.0.1.
/// </summary>
public sealed class LuaPluginServiceTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private readonly PrintedLines _printed = new();
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = BuildHost(akka => akka
            // An application's own overrides of the actortcp section (HOCON.conf's defaults stay the fallback).
            .AddHocon(ConfigurationFactory.ParseString("actortcp.limits.max-connections = 1"), HoconAddMode.Prepend)
            .WithActorTcp(options =>
            {
                options.Output = _printed;
                options.AkkaLogLevel = AkkaLogLevel.DebugLevel;
            }));
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    /// <summary>A peer that sends back the line it gets, on each of <paramref name="connections"/> connections.</summary>
    private static ScriptedPeer StartEcho(int connections = 1) => ScriptedPeer.Start(async (connection, _) =>
    {
        var line = await connection.ReadUntilAsync("\n");
        await connection.SendAsync([.. line, (byte)'\n']);
    }, new ScriptedPeerOptions { Connections = connections });

    [Fact]
    public async Task A_plugin_function_runs_for_a_task_in_a_session_and_a_passed_deadline_destroys_it()
    {
        // The task that gets its reply, and the one whose deadline passes.
        using var echo = StartEcho(connections: 2);
        var plugins = _host.Services.GetRequiredService<LuaPluginService>();
        (await plugins.LoadPluginChunkAsync("define.lua", $$"""
            local tcp = require 'rspamd_tcp'
            function hosted_task(task)
              tcp.request{task = task, host = '127.0.0.1', port = {{echo.Port}}, data = task.message, stop_pattern = '\n',
                timeout = 20, callback = function(err, data) print('task reply', err, tostring(data)) end}
            end
            """)).EnsureSucceeded();

        var done = await plugins.RunTaskAsync("hosted_task", new Dictionary<string, object?> { ["message"] = "for the task\n" },
            TimeSpan.FromSeconds(10)).WaitAsync(TimeSpan.FromSeconds(30));
        // No newline: the echo server waits, so the request is pending when the deadline passes.
        var expired = await plugins.RunTaskAsync("hosted_task", new Dictionary<string, object?> { ["message"] = "no end" },
            TimeSpan.FromMilliseconds(300)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(done.Succeeded, done.Error);
        Assert.Equal("hosted_task", done.Name);
        Assert.True(expired.TimedOut);
        Assert.False(expired.Succeeded);
        Assert.Equal(["task reply\tnil\tfor the task"], _printed.Lines);
    }

    [Fact]
    public async Task A_plugin_file_runs_to_the_end_of_its_requests_and_prints_through_the_given_output()
    {
        using var plugin = new TempScript("""
            local tcp = require 'rspamd_tcp'
            local host, port = ...
            tcp.request{host = host, port = tonumber(port), data = 'hello hosted\n', stop_pattern = '\n',
              callback = function(err, data) print('reply', err, tostring(data)) end}
            print('body', arg[1], arg[2] == port)
            """, "plugin.lua");
        using var echo = StartEcho();
        var plugins = _host.Services.GetRequiredService<LuaPluginService>();

        var result = await plugins.RunFileAsync(plugin.Path, ["127.0.0.1", $"{echo.Port}"]).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(plugin.Path, result.Name);
        Assert.Equal(["body\t127.0.0.1\ttrue", "reply\tnil\thello hosted"], _printed.Lines);
        echo.AssertScriptFollowed();
    }

    [Fact]
    public async Task A_failing_chunk_completes_with_the_lua_error_and_traceback()
    {
        var plugins = _host.Services.GetRequiredService<LuaPluginService>();

        var result = await plugins.RunChunkAsync("broken-plugin", "local x = nil\nreturn x.field\n")
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(result.Succeeded);
        Assert.StartsWith("broken-plugin:2: attempt to index a nil value", result.Error);
        Assert.Contains("stack traceback:", result.Error);
        var thrown = Assert.Throws<LuaPluginException>(() => result.EnsureSucceeded());
        Assert.Equal("broken-plugin", thrown.PluginName);
    }

    [Fact]
    public async Task The_actors_are_in_the_actor_registry()
    {
        var registry = _host.Services.GetRequiredService<ActorRegistry>();

        Assert.Equal("/user/actortcp-connections", registry.Get<ConnectionManager>().Path.ToStringWithoutAddress());
        Assert.Equal("/user/actortcp-dns", registry.Get<ResolverActor>().Path.ToStringWithoutAddress());
        var lua = await _host.Services.GetRequiredService<IReadOnlyActorRegistry>().GetAsync<LuaHostPool>();
        Assert.Equal("/user/actortcp-lua", lua.Path.ToStringWithoutAddress());
    }

    [Fact]
    public async Task The_actortcp_section_of_the_hosts_hocon_configures_the_connections()
    {
        // max-connections = 1 (InitializeAsync): while the first connection waits for a reply that never comes, a
        // second request fails at once with ActorTcp's limit error.
        using var silent = ScriptedPeer.Start(s => s.NeverAnswer());
        var plugins = _host.Services.GetRequiredService<LuaPluginService>();

        var result = await plugins.RunChunkAsync("limit", $$"""
            local tcp = require 'rspamd_tcp'
            tcp.request{host = '127.0.0.1', port = {{silent.Port}}, stop_pattern = '\n', timeout = 1,
              callback = function(err) print('first', err) end}
            tcp.request{host = '127.0.0.1', port = {{silent.Port}}, stop_pattern = '\n',
              callback = function(err) print('second', err) end}
            """).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(
            ["second\tcannot connect: too many open connections (actortcp.limits.max-connections = 1)", "first\tIO timeout"],
            _printed.Lines);
    }

    [Fact]
    public async Task Lua_host_logs_and_akka_logs_flow_through_microsoft_extensions_logging()
    {
        using var echo = StartEcho();
        var plugins = _host.Services.GetRequiredService<LuaPluginService>();

        var result = await plugins.RunChunkAsync("logging", $$"""
            require('rspamd_tcp').request{host = '127.0.0.1', port = {{echo.Port}}, data = 'x\n', stop_pattern = '\n',
              callback = function() error('plugin callback failed on purpose') end}
            """).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(result.Succeeded, result.Error);
        Assert.Contains(_logs.Entries, e => e is { Category: "ActorTcp.Lua", Level: LogLevel.Error }
                                            && e.Message.Contains("plugin callback failed on purpose", StringComparison.Ordinal));
        // Akka's own events (AkkaLogLevel = Debug here) reach the same logger factory.
        Assert.Contains(_logs.Entries, e => e.Category.StartsWith("Akka.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_an_output_print_is_logged_as_information()
    {
        using var host = BuildHost(akka => akka.WithActorTcp());
        await host.StartAsync();
        try
        {
            var result = await host.Services.GetRequiredService<LuaPluginService>()
                .RunChunkAsync("printer", "print('to the log', 42)").WaitAsync(TimeSpan.FromSeconds(30));

            Assert.True(result.Succeeded, result.Error);
            Assert.Contains(_logs.Entries, e => e is { Category: "ActorTcp.Lua.Print", Level: LogLevel.Information, Message: "to the log\t42" });
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private IHost BuildHost(Action<AkkaConfigurationBuilder> configure)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(_logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddAkka("hosted-test", (akka, _) => configure(akka));
        builder.Services.AddLuaPlugins();
        return builder.Build();
    }
}
