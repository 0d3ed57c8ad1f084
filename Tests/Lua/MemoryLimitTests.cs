using System.Globalization;
using System.Text;
using ActorTcp.LuaApi;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua;

/// <summary>
/// actortcp.lua.memory-limit on one long-lived host: a script body or a callback that allocates past the limit fails
/// with Lua's "not enough memory" (a callback's failure logged as "callback call failed"), the host gives the memory
/// back and serves on; a huge string is refused at once without the process growing. LuaMemoryTests has the
/// allocator's cases on a bare runtime.
/// </summary>
public sealed class MemoryLimitTests(ITestOutputHelper output)
    : ConnectionTestKit(output, "actortcp.lua.memory-limit = 16MiB")
{
    private const long Limit = 16 << 20;

    /// <summary>The runaway: a table of strings that would grow to gigabytes without a limit.</summary>
    private const string Fill = "local t = {} for i = 1, 1e7 do t[i] = ('x'):rep(100) .. i end";

    /// <summary>A peer that answers up to two lines with "pong" on each of two connections.</summary>
    private ScriptedPeer StartPongPeer() => StartPeer(async (c, _) =>
    {
        for (var i = 0; i < 2; i++)
        {
            await c.ReadUntilAsync("\n");
            await c.SendAsync("pong\n");
        }
        await c.DiscardUntilClosedAsync(TimeSpan.FromSeconds(2));
    }, new ScriptedPeerOptions { Connections = 2 });

    [Fact]
    public async Task A_script_past_the_limit_fails_with_not_enough_memory_and_the_host_serves_on()
    {
        var lines = new PrintedLines();
        var host = Sys.ActorOf(LuaHostActor.Props(Manager, lines, new LuaLogLines()));

        for (var round = 1; round <= 3; round++)
        {
            var failed = await RunAsync(host, Fill);
            Assert.NotNull(failed.Error);
            Assert.StartsWith("not enough memory\nstack traceback:", failed.Error);
            var ok = await RunAsync(host, $"print('round {round}')");
            Assert.Null(ok.Error);
        }

        Assert.Equal(["round 1", "round 2", "round 3"], lines.Lines);
        var stats = await host.Ask<LuaStats>(GetLuaStats.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal(Limit, stats.LuaMemoryLimitBytes);
        Assert.True(stats.LuaMemoryBytes < 2 << 20, $"{stats.LuaMemoryBytes} bytes in use after the failures");
    }

    [Fact]
    public async Task A_ten_gib_string_fails_at_once_and_the_process_does_not_grow()
    {
        var host = Sys.ActorOf(LuaHostActor.Props(Manager, new PrintedLines(), new LuaLogLines()));
        Assert.Null((await RunAsync(host, "print('warm')")).Error);
        var before = Environment.WorkingSet;
        var started = System.Diagnostics.Stopwatch.StartNew();

        // string.rep stops at 2 GiB ("resulting string too large"): 10 GiB comes from a buffer that grows.
        var failed = await RunAsync(host, """
            local m, t = ('x'):rep(2^20), {}
            for i = 1, 10240 do t[i] = m end
            local s = table.concat(t)
            print(#s)
            """);

        Assert.NotNull(failed.Error);
        Assert.StartsWith("not enough memory", failed.Error);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
        Assert.True(Environment.WorkingSet - before < 200 << 20, $"working set grew by {(Environment.WorkingSet - before) >> 20} MiB");
    }

    [Fact]
    public async Task A_callback_past_the_limit_is_logged_and_its_connection_and_the_host_go_on()
    {
        var peer = StartPongPeer();
        var lines = new PrintedLines();
        var log = new LuaLogLines();
        var host = Sys.ActorOf(LuaHostActor.Props(Manager, lines, log));
        var port = peer.Port.ToString(CultureInfo.InvariantCulture);

        // The callback queues a second exchange on its connection, then runs out of memory.
        var first = await RunAsync(host, $$"""
            require('rspamd_tcp').request{host = '127.0.0.1', port = {{port}}, data = 'ping\n', stop_pattern = '\n',
              callback = function(err, data, conn)
                print('first', err, tostring(data))
                conn:add_write(function(err, conn)
                  conn:add_read(function(err, data) print('second', err, tostring(data)) end, '\n')
                end, 'ping\n')
                {{Fill}}
              end}
            """);
        var later = await RunAsync(host, $$"""
            require('rspamd_tcp').request{host = '127.0.0.1', port = {{port}}, data = 'ping\n', stop_pattern = '\n',
              callback = function(err, data) print('later', err, tostring(data)) end}
            """);

        Assert.Null(first.Error);
        Assert.Null(later.Error);
        Assert.Equal(["first\tnil\tpong", "second\tnil\tpong", "later\tnil\tpong"], lines.Lines);
        var failure = Assert.Single(log.Lines, l => l.Contains("failed", StringComparison.Ordinal));
        Assert.StartsWith("error: callback call failed: not enough memory\nstack traceback:", failure);
        var stats = await host.Ask<LuaStats>(GetLuaStats.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal((0, 0), (stats.OpenConnections, stats.SuspendedCoroutines));
        Assert.True(stats.LuaMemoryBytes < 2 << 20, $"{stats.LuaMemoryBytes} bytes in use after the failure");
    }

    private static Task<ScriptFinished> RunAsync(IActorRef host, string code) =>
        host.Ask<ScriptFinished>(replyTo => new RunScript("memory.lua", Encoding.UTF8.GetBytes(code), [], replyTo),
            TimeSpan.FromSeconds(30), CancellationToken.None);
}
