using System.Globalization;
using System.Text;
using ActorTcp.Actors;
using ActorTcp.Actors.Dns;
using ActorTcp.LuaApi;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua;

/// <summary>
/// actortcp.lua.instruction-budget (issue 8 item 4) on one long-lived host: a script body that never returns fails
/// with the budget error, and the same host then runs other scripts and their connections as before. The callback
/// cases are the scenario budget_callback_loops.lua.
/// </summary>
public sealed class InstructionBudgetTests(ITestOutputHelper output)
    : ConnectionTestKit(output, "actortcp.lua.instruction-budget = 1000000")
{
    /// <summary>A request to port arg[1] whose callback prints arg[2], the error and the reply.</summary>
    private const string PingRequest = """
        require('rspamd_tcp').request{host = '127.0.0.1', port = tonumber(arg[1]), data = 'ping\n', stop_pattern = '\n',
          callback = function(err, data) print(arg[2], err, tostring(data)) end}
        """;

    /// <summary>A peer that answers one line with "pong" on each of <paramref name="connections"/> connections, then stays silent.</summary>
    private ScriptedPeer StartPongPeer(int connections) =>
        StartPeer(s => s.ExpectUntil("\n").Send("pong\n").NeverAnswer(), new ScriptedPeerOptions { Connections = connections });

    [Fact]
    public async Task Endless_script_bodies_fail_with_the_budget_error_and_the_host_keeps_serving()
    {
        const int rounds = 3;
        var peer = StartPongPeer(connections: rounds);
        var lines = new PrintedLines();
        var host = Sys.ActorOf(LuaHostActor.Props(Manager, lines));
        var port = peer.Port.ToString(CultureInfo.InvariantCulture);

        for (var round = 1; round <= rounds; round++)
        {
            var loop = await RunAsync(host, "while true do end", []);
            Assert.Contains("instruction budget exceeded (actortcp.lua.instruction-budget = 1000000)", loop.Error, StringComparison.Ordinal);
            // A loop between sync operations is not stopped for the sum of its runs: each resume has its own budget.
            var ok = await RunAsync(host, PingRequest, [port, "round " + round]);
            Assert.Null(ok.Error);
        }
        Assert.Equal(["round 1\tnil\tpong", "round 2\tnil\tpong", "round 3\tnil\tpong"], lines.Lines);
        var stats = await host.Ask<LuaStats>(GetLuaStats.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal((0, 0), (stats.OpenConnections, stats.SuspendedCoroutines));
    }

    [Fact]
    public async Task A_runaway_body_with_an_endless_close_handler_fails_and_the_handler_never_runs()
    {
        var peer = StartPongPeer(connections: 1);
        var lines = new PrintedLines();
        var host = Sys.ActorOf(LuaHostActor.Props(Manager, lines));

        // Closing the stopped run's thread would run the handler with hooks off (no budget): it is dropped instead.
        var loop = await RunAsync(host, """
            local guard <close> = setmetatable({}, {__close = function() print('closed') while true do end end})
            while true do end
            """, []);
        var ok = await RunAsync(host, PingRequest, [peer.Port.ToString(CultureInfo.InvariantCulture), "after"]);

        Assert.Contains("instruction budget exceeded (actortcp.lua.instruction-budget = 1000000)", loop.Error, StringComparison.Ordinal);
        Assert.Null(ok.Error);
        Assert.Equal(["after\tnil\tpong"], lines.Lines);
    }

    [Fact]
    public async Task A_body_doing_sync_requests_in_a_loop_gets_a_fresh_budget_after_each_wait()
    {
        var peer = StartPeer(async (c, _) =>
        {
            for (var i = 0; i < 20; i++)
            {
                await c.ReadUntilAsync("\n");
                await c.SendAsync("pong\n");
            }
            await c.DiscardUntilClosedAsync(TimeSpan.FromSeconds(2));
        });
        var lines = new PrintedLines();
        var host = Sys.ActorOf(LuaHostActor.Props(Manager, lines));
        // About 200k instructions of work between waits, 20 times: 4 million in all, 4 times the budget.
        const string script = """
            local tcp = require 'rspamd_tcp'
            local ok, conn = tcp.connect_sync{host = '127.0.0.1', port = tonumber(arg[1])}
            local n = 0
            for _ = 1, 20 do
              for _ = 1, 50000 do n = n + 1 end
              conn:write('ping\n')
              conn:read_once()
            end
            conn:close()
            print('done', n)
            """;
        var finished = await RunAsync(host, script, [peer.Port.ToString(CultureInfo.InvariantCulture)]);
        Assert.Null(finished.Error);
        Assert.Equal(["done\t1000000"], lines.Lines);
    }

    private static Task<ScriptFinished> RunAsync(IActorRef host, string code, string[] args) =>
        host.Ask<ScriptFinished>(replyTo => new RunScript("budget.lua", Encoding.UTF8.GetBytes(code), args, replyTo),
            TimeSpan.FromSeconds(30), CancellationToken.None);
}
