using ActorTcp.Hosting;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace ActorTcp.Tests.Hosting;

/// <summary>examples/plugin.lua, loaded into every Lua host and run for tasks as a node runs it.</summary>
public sealed class PluginExampleTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_example_plugin_reports_a_live_backend_and_a_refusing_one_as_task_symbols()
    {
        using var echo = new LineEchoServer();
        using var refusingPeer = ScriptedPeer.Refusing();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka("node", (akka, _) => akka.WithActorTcp());
        builder.Services.AddLuaPlugins();
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(Wait);
        var plugins = host.Services.GetRequiredService<LuaPluginService>();

        (await plugins.LoadPluginAsync(ActortcpProcess.Example("plugin.lua")).WaitAsync(Wait)).EnsureSucceeded();
        var live = await plugins.RunTaskAsync("check_backend",
            new Dictionary<string, object?> { ["host"] = "127.0.0.1", ["port"] = echo.Port }, Wait).WaitAsync(Wait);
        var refusing = await plugins.RunTaskAsync("check_backend",
            new Dictionary<string, object?> { ["host"] = "127.0.0.1", ["port"] = refusingPeer.Port }, Wait).WaitAsync(Wait);
        await host.StopAsync().WaitAsync(Wait);

        Assert.Equal("BACKEND_OK 0 [ping]", Assert.Single(live.EnsureSucceeded().InsertedSymbols).ToString());
        Assert.Equal("BACKEND_FAIL 1 [Socket error detected: Connection refused]",
            Assert.Single(refusing.EnsureSucceeded().InsertedSymbols).ToString());
    }
}
