using ActorTcp.Actors.Upstreams;
using ActorTcp.Hosting;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ActorTcp.Tests.Hosting;

/// <summary>
/// One view of upstream health per node, through <see cref="ActorTcpHostingExtensions.WithActorTcp"/>: what a .NET
/// caller reports to the registered <see cref="UpstreamsActor"/> the Lua plugins see, and the other way round.
/// </summary>
public sealed class UpstreamHostingTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly PrintedLines _printed = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddAkka("upstream-hosting", (akka, _) => akka.WithActorTcp(options =>
        {
            options.Output = _printed;
            options.Clock = _clock;
        }));
        builder.Services.AddLuaPlugins();
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private LuaPluginService Plugins => _host.Services.GetRequiredService<LuaPluginService>();

    private async Task<IActorRef> OwnerAsync() =>
        await _host.Services.GetRequiredService<IRequiredActor<UpstreamsActor>>().GetAsync();

    private async Task<string> LuaPicksAsync()
    {
        _printed.Clear();
        (await Plugins.RunChunkAsync("pick.lua", """
            local out = {}
            for i = 1, 4 do out[i] = shared:get_upstream_round_robin():get_name() end
            print(table.concat(out, ' '))
            """).WaitAsync(Wait)).EnsureSucceeded();
        return Assert.Single(_printed.Lines);
    }

    [Fact]
    public async Task A_backend_a_dotnet_caller_takes_out_is_out_for_lua_plugins_and_comes_back_for_both()
    {
        (await Plugins.LoadPluginChunkAsync("define.lua", "shared = require('rspamd_upstream_list').create('127.0.0.1:1,127.0.0.2:2')")
            .WaitAsync(Wait)).EnsureSucceeded();
        var owner = await OwnerAsync();

        for (var i = 0; i < 4; i++) owner.Tell(new ReportUpstream("127.0.0.1:1", Success: false));
        // The owner broadcasts each change to the Lua host: poll (bounded) until the host's copy has the death.
        string picks = "";
        for (var tries = 0; tries < 50 && picks != "127.0.0.2:2 127.0.0.2:2 127.0.0.2:2 127.0.0.2:2"; tries++)
        {
            picks = await LuaPicksAsync();
            await Task.Delay(20);
        }
        Assert.Equal("127.0.0.2:2 127.0.0.2:2 127.0.0.2:2 127.0.0.2:2", picks);

        _clock.Advance(TimeSpan.FromSeconds(85));
        Assert.Contains("127.0.0.1:1", await LuaPicksAsync());
    }

    [Fact]
    public async Task Failures_a_lua_plugin_reports_take_the_backend_out_for_dotnet_callers()
    {
        var owner = await OwnerAsync();
        var list = (await owner.Ask<UpstreamListCreated>(new CreateUpstreamList("127.0.0.3:3,127.0.0.4:4"), Wait)).ListId;

        (await Plugins.RunChunkAsync("fail.lua", """
            local l = require('rspamd_upstream_list').create('127.0.0.3:3')
            local up = l:get_upstream_round_robin()
            for _ = 1, 4 do up:fail() end
            """).WaitAsync(Wait)).EnsureSucceeded();

        var picks = new List<string>();
        for (var tries = 0; tries < 50; tries++)
        {
            picks.Clear();
            for (var i = 0; i < 4; i++) picks.Add((await owner.Ask<UpstreamSelected>(new SelectUpstream(list), Wait)).Name);
            if (picks.All(p => p == "127.0.0.4:4")) break;
            await Task.Delay(20);
        }
        Assert.All(picks, p => Assert.Equal("127.0.0.4:4", p));
    }
}
