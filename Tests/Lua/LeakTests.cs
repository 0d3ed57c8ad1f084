using System.Text;
using ActorTcp.LuaApi;
using ActorTcp.TestKit;
using Akka.Actor;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua;

/// <summary>
/// Every Lua reference a connection holds is released when it ends, so heavy use does not grow the host. Runs alone:
/// the managed heap is measured for the whole process.
/// </summary>
[Collection(nameof(Alone))]
public sealed class LeakTests : WholeProcessLuaTestKit
{
    private const string Script = """
        local tcp = require 'rspamd_tcp'
        local port, total, inflight = tonumber(arg[1]), tonumber(arg[2]), tonumber(arg[3])
        local started, done, ok = 0, 0, 0
        local function one()
          started = started + 1
          tcp.request{host = '127.0.0.1', port = port, data = 'ping\n', stop_pattern = '\n', timeout = 2,
            on_connect = function(conn) end,
            callback = function(err, data, conn)
              done = done + 1
              if not err and tostring(data) == 'pong' then ok = ok + 1 end
              if started < total then one() end
              if done == total then print('done ' .. ok) end
            end}
        end
        for _ = 1, inflight do one() end
        """;

    private const string SyncScript = """
        local tcp = require 'rspamd_tcp'
        local port, total, inflight = tonumber(arg[1]), tonumber(arg[2]), tonumber(arg[3])
        local started, done, ok = 0, 0, 0
        local function one()
          started = started + 1
          -- the callback runs in a host coroutine: a sync connection per callback, left open for the host to close
          tcp.request{host = '127.0.0.1', port = port, data = 'ping\n', stop_pattern = '\n', timeout = 2,
            callback = function(err, data)
              local cok, conn = tcp.connect_sync{host = '127.0.0.1', port = port, timeout = 2}
              if cok and conn:write('ping\n') and tostring(select(2, conn:read_once())) == 'pong\n' then ok = ok + 1 end
              done = done + 1
              if started < total then one() end
              if done == total then print('done ' .. ok) end
            end}
        end
        for _ = 1, inflight do one() end
        """;

    private const string UpstreamScript = """
        local tcp = require 'rspamd_tcp'
        local ul = require 'rspamd_upstream_list'
        local port, total, inflight = tonumber(arg[1]), tonumber(arg[2]), tonumber(arg[3])
        local started, done, ok, watched = 0, 0, 0, 0
        local function one()
          started = started + 1
          -- a list per request, with a watcher; a failure and a success fire it; the request reports to the upstream
          local list = ul.create(rspamd_config, '127.0.0.1,127.0.0.1:' .. port .. ':2', port)
          list:add_watcher({'failure', 'success'}, function() watched = watched + 1 end)
          local up = list:get_upstream_round_robin()
          up:fail()
          up:ok()
          tcp.request{upstream = up, data = 'ping\n', stop_pattern = '\n', timeout = 2,
            callback = function(err, data)
              done = done + 1
              if not err and tostring(data) == 'pong' then ok = ok + 1 end
              if started < total then one() end
              if done == total then print('done ' .. ok .. ' ' .. tostring(watched >= 2 * total)) end
            end}
        end
        for _ = 1, inflight do one() end
        """;

    public LeakTests(ITestOutputHelper log) : base(log, "leaks") { }

    [Fact]
    public async Task Hundred_thousand_requests_leave_registry_lua_memory_and_managed_heap_where_they_started()
    {
        using var server = new ChurnServer(ChurnMode.Pong);
        var output = new PrintedLines();
        var (host, _) = StartLuaHost(output);

        await RunAsync(host, server.Port, total: 3000);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var before = await host.Ask<LuaStats>(GetLuaStats.Instance, TimeSpan.FromSeconds(10));
        var heapBefore = ProcessMemory.ManagedHeap();

        await RunAsync(host, server.Port, total: 100_000);
        // A cancelled Akka timer keeps its actor reachable until its deadline passes (HashedWheelTimerScheduler):
        // what a connection leaves behind is released once its timeout (2 s here) is over.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = await host.Ask<LuaStats>(GetLuaStats.Instance, TimeSpan.FromSeconds(10));
        var heapAfter = ProcessMemory.ManagedHeap();

        Output.WriteLine($"registry {before.RegistryEntries} -> {after.RegistryEntries}; lua {before.LuaMemoryBytes} -> {after.LuaMemoryBytes} B; managed {heapBefore} -> {heapAfter} B");
        Assert.Equal(["done 3000", "done 100000"], output.Lines);
        Assert.Equal(0, after.OpenConnections);
        Assert.InRange(after.RegistryEntries, before.RegistryEntries - 8, before.RegistryEntries + 8);
        Assert.InRange(after.LuaMemoryBytes, 0, before.LuaMemoryBytes + 64 * 1024);
        Assert.InRange(heapAfter, 0, heapBefore + 4 * 1024 * 1024);
    }

    [Fact]
    public async Task Ten_thousand_callbacks_each_with_a_sync_connection_left_open_leave_no_lua_references_behind()
    {
        var (before, after, output) = await WarmThenMeasureAsync(SyncScript, warmup: 1000, total: 10_000);

        Assert.Equal(["done 1000", "done 10000"], output.Lines);
        Assert.Equal((0, 0), (after.OpenConnections, after.SuspendedCoroutines));
        Assert.InRange(after.RegistryEntries, before.RegistryEntries - 8, before.RegistryEntries + 8);
        Assert.InRange(after.LuaMemoryBytes, 0, before.LuaMemoryBytes + 64 * 1024);
    }

    [Fact]
    public async Task Twenty_thousand_upstream_lists_with_watchers_and_requests_leave_no_list_or_lua_reference_behind()
    {
        var (before, after, output) = await WarmThenMeasureAsync(UpstreamScript, warmup: 2000, total: 20_000);

        Assert.Equal(["done 2000 true", "done 20000 true"], output.Lines);
        Assert.Equal((0, 0), (before.UpstreamLists, after.UpstreamLists));
        Assert.Equal(0, after.OpenConnections);
        Assert.InRange(after.RegistryEntries, before.RegistryEntries - 8, before.RegistryEntries + 8);
        Assert.InRange(after.LuaMemoryBytes, 0, before.LuaMemoryBytes + 64 * 1024);
    }

    /// <summary>
    /// Runs <paramref name="script"/> <paramref name="warmup"/> times, takes the host's stats, runs it
    /// <paramref name="total"/> times, and takes them again (each after the connections' timeouts have passed).
    /// </summary>
    private async Task<(LuaStats Before, LuaStats After, PrintedLines Output)> WarmThenMeasureAsync(string script, int warmup, int total)
    {
        using var server = new ChurnServer(ChurnMode.Pong);
        var output = new PrintedLines();
        var (host, _) = StartLuaHost(output);

        await RunAsync(host, server.Port, warmup, script);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var before = await host.Ask<LuaStats>(GetLuaStats.Instance, TimeSpan.FromSeconds(10));

        await RunAsync(host, server.Port, total, script);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = await host.Ask<LuaStats>(GetLuaStats.Instance, TimeSpan.FromSeconds(10));

        Output.WriteLine($"registry {before.RegistryEntries} -> {after.RegistryEntries}; lua {before.LuaMemoryBytes} -> {after.LuaMemoryBytes} B; " +
                       $"upstream lists {before.UpstreamLists} -> {after.UpstreamLists}");
        return (before, after, output);
    }

    private async Task RunAsync(IActorRef host, int port, int total, string script = Script)
    {
        var finished = await host.Ask<ScriptFinished>(
            replyTo => new RunScript("leak.lua", Encoding.UTF8.GetBytes(script), [port.ToString(), total.ToString(), "100"], replyTo),
            TimeSpan.FromMinutes(3), CancellationToken.None);
        Assert.Null(finished.Error);
    }
}
