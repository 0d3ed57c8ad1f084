using System.Text;
using ActorTcp.Actors;
using ActorTcp.LuaApi;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua;

/// <summary>
/// Churn and soak (issue 8 item 5): 100000 connections opened and closed from Lua, a quarter each answered, refused,
/// timed out and reset; afterwards open file descriptors, connection actors, Lua references and the managed heap are
/// back where they started. Runs alone: it measures the whole process.
/// </summary>
[Collection(nameof(Alone))]
public sealed class ChurnTests : WholeProcessLuaTestKit
{
    public ChurnTests(ITestOutputHelper log) : base(log, "churn") { }

    private const string Script = """
        local tcp = require 'rspamd_tcp'
        local ports = {tonumber(arg[1]), tonumber(arg[2]), tonumber(arg[3]), tonumber(arg[4])}
        local total, inflight = tonumber(arg[5]), tonumber(arg[6])
        local kinds = {'pong', 'refused', 'timeout', 'reset'}
        local started, done = 0, 0
        local outcomes = {}
        local function note(kind, what)
          local key = kind .. ' -> ' .. what
          outcomes[key] = (outcomes[key] or 0) + 1
        end
        local function one()
          started = started + 1
          local k = started % 4 + 1
          tcp.request{host = '127.0.0.1', port = ports[k], data = 'ping\n', stop_pattern = '\n',
            timeout = k == 3 and 0.05 or 5,
            callback = function(err, data)
              done = done + 1
              note(kinds[k], err or tostring(data))
              if started < total then one() end
              if done == total then
                local keys = {}
                for key in pairs(outcomes) do keys[#keys + 1] = key end
                table.sort(keys)
                for _, key in ipairs(keys) do print(key .. ': ' .. outcomes[key]) end
              end
            end}
        end
        for _ = 1, inflight do one() end
        """;

    [Fact]
    public async Task Hundred_thousand_mixed_connections_leave_fds_actors_lua_references_and_heap_where_they_started()
    {
        using var pong = new ChurnServer(ChurnMode.Pong);
        using var silent = new ChurnServer(ChurnMode.Silent);
        using var reset = new ChurnServer(ChurnMode.Reset);
        using var refusing = ScriptedPeer.Refusing();
        var refused = refusing.Port;
        var output = new PrintedLines();
        var (host, manager) = StartLuaHost(output);
        string[] ports = [$"{pong.Port}", $"{refused}", $"{silent.Port}", $"{reset.Port}"];

        await RunAsync(host, ports, total: 2000);
        await SettleAsync(manager, host);
        var before = await host.Ask<LuaStats>(GetLuaStats.Instance, TimeSpan.FromSeconds(10));
        var (fdsBefore, heapBefore) = (OpenFileDescriptors(), ProcessMemory.ManagedHeap());

        await RunAsync(host, ports, total: 100_000);
        await SettleAsync(manager, host);
        var after = await host.Ask<LuaStats>(GetLuaStats.Instance, TimeSpan.FromSeconds(10));
        var (fdsAfter, heapAfter) = (OpenFileDescriptors(), ProcessMemory.ManagedHeap());

        Output.WriteLine(output.Text);
        Output.WriteLine($"fds {fdsBefore} -> {fdsAfter}; registry {before.RegistryEntries} -> {after.RegistryEntries}; " +
                      $"lua {before.LuaMemoryBytes} -> {after.LuaMemoryBytes} B; managed {heapBefore} -> {heapAfter} B");
        var counts = Outcomes(output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // Per kind over both runs: 500 + 25000 each.
        Assert.Equal(25_500, counts.GetValueOrDefault("pong -> pong"));
        Assert.Equal(25_500, counts.GetValueOrDefault("refused -> Socket error detected: Connection refused"));
        Assert.Equal(25_500, counts.GetValueOrDefault("timeout -> IO timeout"));
        var resets = counts.Where(c => c.Key.StartsWith("reset -> ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(25_500, resets.Sum(c => c.Value));
        Assert.All(resets, c => Assert.Matches("Connection reset by peer|Broken pipe|connection terminated", c.Key));
        Assert.Equal((0, 0, 0), (after.OpenConnections, after.SuspendedCoroutines, after.LiveSessions));
        Assert.Equal(0, (await manager.Ask<ConnectionCount>(GetConnectionCount.Instance, TimeSpan.FromSeconds(10))).Open);
        Assert.InRange(fdsAfter, 0, fdsBefore + 16);
        Assert.InRange(after.RegistryEntries, before.RegistryEntries - 8, before.RegistryEntries + 8);
        Assert.InRange(after.LuaMemoryBytes, 0, before.LuaMemoryBytes + 64 * 1024);
        Assert.InRange(heapAfter, 0, heapBefore + 8 * 1024 * 1024);
    }

    private static Dictionary<string, int> Outcomes(IEnumerable<string> lines)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var at = line.LastIndexOf(": ", StringComparison.Ordinal);
            var key = line[..at];
            counts[key] = counts.GetValueOrDefault(key) + int.Parse(line[(at + 2)..], System.Globalization.CultureInfo.InvariantCulture);
        }
        return counts;
    }

    private static async Task RunAsync(IActorRef host, string[] ports, int total)
    {
        var finished = await host.Ask<ScriptFinished>(
            replyTo => new RunScript("churn.lua", Encoding.UTF8.GetBytes(Script), [.. ports, $"{total}", "200"], replyTo),
            TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.Null(finished.Error);
    }

    /// <summary>Waits (bounded) until no connection actor is left; then the timers of the last connections (5 s) pass.</summary>
    private static async Task SettleAsync(IActorRef manager, IActorRef host)
    {
        for (var i = 0; i < 100; i++)
        {
            if ((await manager.Ask<ConnectionCount>(GetConnectionCount.Instance, TimeSpan.FromSeconds(10))).Open == 0) break;
            await Task.Delay(50);
        }
        // A timer of a finished connection keeps its actor reachable until its deadline (HashedWheelTimerScheduler).
        await Task.Delay(TimeSpan.FromSeconds(5.5));
        await host.Ask<LuaStats>(GetLuaStats.Instance, TimeSpan.FromSeconds(10));
    }

    private static int OpenFileDescriptors() => Directory.GetFiles("/proc/self/fd").Length;
}
