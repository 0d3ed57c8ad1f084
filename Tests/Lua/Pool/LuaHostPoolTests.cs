using System.Globalization;
using System.Text;
using ActorTcp.LuaApi;
using ActorTcp.LuaApi.Pool;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Akka.Actor;
using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua.Pool;

/// <summary>
/// A pool of Lua hosts, each with its own Lua state and thread, on real sockets: plugins reach every host, tasks spread
/// over them and run at once, and one host's failure, error or budget stop leaves the others serving.
/// </summary>
public sealed class LuaHostPoolTests : ConnectionTestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    // Spins for the given number of ticks of rspamd_util's monotonic clock, reporting the host's wall interval.
    private const string Plugins = """
        local util = require 'rspamd_util'
        local tcp = require 'rspamd_tcp'
        function spin(task)
          local start = util.get_ticks()
          while util.get_ticks() - start < task.seconds do end
          print(string.format('%s %.6f %.6f', task.name, start, util.get_ticks()))
        end
        function fail(task) error('failing on purpose') end
        function forever(task) while true do end end
        function ask(task)
          tcp.request{task = task, host = '127.0.0.1', port = task.port, data = task.line .. '\n', stop_pattern = '\n',
            timeout = 20, callback = function(err, data) print(task.line, err or tostring(data)) end}
        end
        """;

    private readonly PrintedLines _printed = new();
    private readonly IActorRef _pool;

    public LuaHostPoolTests(ITestOutputHelper output) : base(output, "actortcp.lua.instruction-budget = 50000000")
    {
        _pool = Sys.ActorOf(LuaHostPool.Props(2, Manager, _printed), "lua");
    }

    private async Task<ScriptFinished> LoadAsync(string code)
    {
        var probe = CreateTestProbe();
        _pool.Tell(new LoadPlugin("plugins.lua", Encoding.UTF8.GetBytes(code), probe.Ref));
        return await probe.ExpectMsgAsync<ScriptFinished>(Wait);
    }

    private (TestProbe Probe, long Id) Start(string function, Dictionary<string, object?> fields, TimeSpan? deadline = null, long id = 1)
    {
        var probe = CreateTestProbe();
        _pool.Tell(new RunTask(function, fields, deadline ?? TimeSpan.FromSeconds(15), probe.Ref, id));
        return (probe, id);
    }

    private static Dictionary<string, object?> Spin(string name, double seconds) => new() { ["name"] = name, ["seconds"] = seconds };

    private (double Start, double End) Interval(string name)
    {
        var parts = _printed.Lines.Single(l => l.StartsWith(name + " ", StringComparison.Ordinal)).Split(' ');
        return (double.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Two_hosts_run_two_cpu_bound_tasks_at_once_each_on_its_own_host()
    {
        Assert.Null((await LoadAsync(Plugins)).Error);

        var (a, _) = Start("spin", Spin("a", 0.4), id: 7);
        var (b, _) = Start("spin", Spin("b", 0.4), id: 8);
        var first = await a.ExpectMsgAsync<ScriptFinished>(Wait);
        var second = await b.ExpectMsgAsync<ScriptFinished>(Wait);

        Assert.Equal((null, 7L), (first.Error, first.Correlation));
        Assert.Equal((null, 8L), (second.Error, second.Correlation));
        Assert.Equal([0, 1], new[] { first.Host, second.Host }.Order());
        // Each spun 0.4 s of wall time; one host would run them one after the other, two overlap.
        var (startA, endA) = Interval("a");
        var (startB, endB) = Interval("b");
        Assert.True(startA < endB && startB < endA, $"a ran {startA}-{endA}, b ran {startB}-{endB}: not at once");
    }

    [Fact]
    public async Task A_plugin_is_loaded_into_every_host_and_a_task_runs_on_whichever_is_free()
    {
        Assert.Null((await LoadAsync("function which(task) print('ran') task:insert_result('RAN', 1, 'pool') end")).Error);

        var hosts = new HashSet<int>();
        for (var i = 0; i < 4; i++)
        {
            var (probe, _) = Start("which", []);
            var finished = await probe.ExpectMsgAsync<ScriptFinished>(Wait);
            Assert.Null(finished.Error);
            Assert.Equal("RAN 1 [pool]", Assert.Single(finished.InsertedSymbols).ToString());
            hosts.Add(finished.Host);
        }

        Assert.Equal([0, 1], hosts.Order());
        Assert.Equal(4, _printed.Lines.Count(l => l == "ran"));
    }

    [Fact]
    public async Task A_plugin_that_fails_on_load_reports_the_error_once_with_the_host_it_failed_on()
    {
        var finished = await LoadAsync("error('broken plugin')");

        Assert.NotNull(finished.Error);
        Assert.StartsWith("Lua host 0: ", finished.Error);
        Assert.Contains("broken plugin", finished.Error);
    }

    [Fact]
    public async Task A_task_stopped_by_its_instruction_budget_on_one_host_leaves_the_other_serving()
    {
        using var echo = new LineEchoServer();
        Assert.Null((await LoadAsync(Plugins)).Error);

        var (stuck, _) = Start("forever", []);
        var (failing, _) = Start("fail", []);
        var failed = await failing.ExpectMsgAsync<ScriptFinished>(Wait);
        Assert.Contains("failing on purpose", failed.Error);

        // While one host spins towards its budget, the other answers a task that talks to a server.
        var (asking, _) = Start("ask", new() { ["port"] = echo.Port, ["line"] = "hello" });
        var asked = await asking.ExpectMsgAsync<ScriptFinished>(Wait);
        Assert.Null(asked.Error);
        Assert.Contains("hello\thello", _printed.Lines);

        var stopped = await stuck.ExpectMsgAsync<ScriptFinished>(Wait);
        Assert.Contains("instruction budget exceeded", stopped.Error);
        Assert.NotEqual(stopped.Host, asked.Host);
    }

    [Fact]
    public async Task A_destroyed_session_on_one_host_leaves_the_other_hosts_connections_alone()
    {
        var silent = StartPeer(s => s.NeverAnswer());
        var slow = StartPeer(s => s.ExpectUntil("\n").Wait(TimeSpan.FromMilliseconds(600)).Send("late\n"));
        Assert.Null((await LoadAsync(Plugins)).Error);

        var (doomed, _) = Start("ask", new() { ["port"] = silent.Port, ["line"] = "doomed" }, TimeSpan.FromMilliseconds(200));
        var (kept, _) = Start("ask", new() { ["port"] = slow.Port, ["line"] = "kept" });

        var expired = await doomed.ExpectMsgAsync<ScriptFinished>(Wait);
        Assert.True(expired.TimedOut);
        var finished = await kept.ExpectMsgAsync<ScriptFinished>(Wait);
        Assert.Null(finished.Error);
        Assert.NotEqual(expired.Host, finished.Host);
        Assert.Contains("kept\tlate", _printed.Lines);
        Assert.DoesNotContain(_printed.Lines, l => l.StartsWith("doomed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_host_that_fails_ends_its_sessions_with_an_error_and_a_new_host_with_the_plugins_takes_its_place()
    {
        var silent = StartPeer(s => s.NeverAnswer());
        using var echo = new LineEchoServer();
        Assert.Null((await LoadAsync(Plugins)).Error);
        var (waiting, _) = Start("ask", new() { ["port"] = silent.Port, ["line"] = "lost" });
        var hosts = await GetHostsAsync(h => h.Running.Sum() == 1);
        var busy = hosts.Running[0] == 1 ? 0 : 1;

        hosts.Hosts[busy].Tell(Kill.Instance);

        var lost = await waiting.ExpectMsgAsync<ScriptFinished>(Wait);
        Assert.StartsWith($"Lua host {busy} failed (", lost.Error);
        Assert.Equal(busy, lost.Host);
        // Replaced, and the new host done loading the plugins again (that load counts as one of its sessions).
        var replaced = await GetHostsAsync(h => !h.Hosts[busy].Equals(hosts.Hosts[busy]) && h.Running.Sum() == 0);
        Assert.Equal(hosts.Hosts[1 - busy], replaced.Hosts[1 - busy]);
        // Both hosts, the new one included, have the plugins again and serve: four tasks at once spread over both.
        var probes = Enumerable.Range(0, 4).Select(i => Start("ask", new() { ["port"] = echo.Port, ["line"] = $"after{i}" }).Probe).ToArray();
        var ran = new HashSet<int>();
        foreach (var probe in probes)
        {
            var finished = await probe.ExpectMsgAsync<ScriptFinished>(Wait);
            Assert.Null(finished.Error);
            ran.Add(finished.Host);
        }
        Assert.Equal([0, 1], ran.Order());
    }

    [Fact]
    public async Task The_pools_stats_add_up_its_hosts_and_show_nothing_left_after_the_tasks()
    {
        using var echo = new LineEchoServer();
        Assert.Null((await LoadAsync(Plugins)).Error);
        for (var i = 0; i < 4; i++)
        {
            var (probe, _) = Start("ask", new() { ["port"] = echo.Port, ["line"] = $"t{i}" });
            Assert.Null((await probe.ExpectMsgAsync<ScriptFinished>(Wait)).Error);
        }

        var stats = await _pool.Ask<LuaStats>(GetLuaStats.Instance, Wait);

        Assert.Equal((0, 0, 0), (stats.OpenConnections, stats.SuspendedCoroutines, stats.LiveSessions));
        Assert.True(stats.LuaMemoryBytes > 0);
    }

    /// <summary>The pool's hosts once <paramref name="ready"/> holds (polled, bounded).</summary>
    private async Task<LuaHosts> GetHostsAsync(Func<LuaHosts, bool> ready)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var hosts = await _pool.Ask<LuaHosts>(GetLuaHosts.Instance, Wait);
            if (ready(hosts)) return hosts;
            await Task.Delay(25);
        }
        throw new TimeoutException("the pool never reached the expected state");
    }
}
