using System.Diagnostics;
using System.Text;
using ActorTcp.Actors;
using ActorTcp.LuaApi;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Akka.Actor;
using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua;

/// <summary>
/// Sessions (issue 9): plugin functions run for tasks in sessions with deadlines, on a real Lua host against real
/// servers on 127.0.0.1. A destroyed session's connections end without callbacks, with their sockets and actors gone
/// and their Lua references released; other sessions are untouched.
/// </summary>
public sealed class SessionTests : ActorTcpTestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private readonly PrintedLines _printed = new();
    private readonly IActorRef _host;
    private readonly TestProbe _probe;

    // Names are asked of a name server that never answers.
    public SessionTests(ITestOutputHelper output)
        : base(output, """
            actortcp.dns.timeout = 10s
            actortcp.dns.retries = 0
            """, ScriptedDns.Silent())
    {
        _host = Sys.ActorOf(LuaHostActor.Props(Manager, _printed), "lua");
        _probe = CreateTestProbe();
    }

    [Fact]
    public async Task Task_function_gets_the_callers_fields_and_its_requests_end_the_session()
    {
        using var echo = new LineEchoServer();
        await DefineAsync($$"""
            local tcp = require 'rspamd_tcp'
            function check(task)
              print('fields', task.id, task.n, task.flag, #task.raw, task.absent, tostring(task))
              print('session', tostring(task:get_session()))
              for i = 1, 3 do
                tcp.request{task = task, host = '127.0.0.1', port = {{echo.Port}}, data = task.id .. '-' .. i .. '\n',
                  stop_pattern = '\n', callback = function(err, data) print('reply', i, err, tostring(data)) end}
              end
            end
            """);

        var finished = await RunTaskAsync("check", new Dictionary<string, object?>
        {
            ["id"] = "t1", ["n"] = 42, ["flag"] = true, ["raw"] = new byte[] { 0, 1, 2 }, ["absent"] = null,
        }, TimeSpan.FromSeconds(10));

        Assert.Null(finished.Error);
        Assert.False(finished.TimedOut);
        var lines = _printed.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("fields\tt1\t42\ttrue\t3\tnil\trspamd{task}", lines[0]);
        Assert.Equal("session\trspamd{session}", lines[1]);
        Assert.Equal(["reply\t1\tnil\tt1-1", "reply\t2\tnil\tt1-2", "reply\t3\tnil\tt1-3"], lines[2..].Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Deadline_mid_read_and_inside_a_sync_read_destroys_the_session_without_callbacks()
    {
        var holding = StartHolding(connections: 2);
        await DefineAsync($$"""
            local tcp = require 'rspamd_tcp'
            function hold(task)
              tcp.request{task = task, host = '127.0.0.1', port = {{holding.Port}}, data = 'x\n', stop_pattern = '\n',
                timeout = 20, callback = function(err) print('callback', err) end,
                on_error = function(err) print('on_error', err) end}
              local ok, conn = tcp.connect_sync{task = task, host = '127.0.0.1', port = {{holding.Port}}, timeout = 20}
              print('sync connected', ok)
              print('never', conn:read_once())
            end
            """);
        var before = await StatsAsync();

        var finished = await RunTaskAsync("hold", new Dictionary<string, object?>(), TimeSpan.FromMilliseconds(500));

        Assert.True(finished.TimedOut, finished.Error);
        Assert.Equal("session deadline of 0.5 s passed", finished.Error);
        await holding.AwaitClosedAsync(2);
        await AssertNothingLeftAsync(before);
        Assert.Equal("sync connected\ttrue\n", _printed.Text);
    }

    [Fact]
    public async Task A_close_handler_that_starts_a_request_while_its_session_is_destroyed_leaves_the_host_serving()
    {
        // The sync connection, and the request the handler opens.
        var holding = StartHolding(connections: 2);
        // Abandoning the coroutine at the deadline runs the handler, which opens a connection meanwhile.
        var (held, after) = await DestroyWithCloseHandlerAsync(holding, $$"""
            tcp.request{host = '127.0.0.1', port = {{holding.Port}}, data = 'x\n', timeout = 0.2,
              callback = function(err) print('late request', err) end}
            """);

        Assert.True(held.TimedOut, held.Error);
        // The Lua state survived (a host restart would have lost the functions defined above).
        Assert.Null(after.Error);
        Assert.Contains("alive\n", _printed.Text);
    }

    [Fact]
    public async Task An_endless_close_handler_run_when_its_session_is_destroyed_is_stopped_by_the_instruction_budget()
    {
        var holding = StartHolding(connections: 1);
        // Abandoning the coroutine at the deadline closes it, which runs the handler outside any callback run.
        var (held, after) = await DestroyWithCloseHandlerAsync(holding, "print('closing') while true do end");

        Assert.True(held.TimedOut, held.Error);
        // The handler ran (and was stopped: the thread's count hook of its last run is still set), then the host served.
        Assert.Null(after.Error);
        Assert.Equal("closing\nalive\n", _printed.Text);
    }

    /// <summary>
    /// Runs <c>hold</c>: a sync read on <paramref name="holding"/> with a <c>&lt;close&gt;</c> handler of body
    /// <paramref name="closeBody"/>, until its 300 ms deadline destroys the session; then <c>alive</c>, which prints "alive".
    /// </summary>
    private async Task<(ScriptFinished Held, ScriptFinished After)> DestroyWithCloseHandlerAsync(Holding holding, string closeBody)
    {
        await DefineAsync($$"""
            local tcp = require 'rspamd_tcp'
            function hold(task)
              local guard <close> = setmetatable({}, {__close = function()
                {{closeBody}}
              end})
              local ok, conn = tcp.connect_sync{task = task, host = '127.0.0.1', port = {{holding.Port}}, timeout = 20}
              print('never', conn:read_once())
            end
            function alive(task) print('alive') end
            """);
        var held = await RunTaskAsync("hold", new Dictionary<string, object?>(), TimeSpan.FromMilliseconds(300));
        var after = await RunTaskAsync("alive", new Dictionary<string, object?>(), TimeSpan.FromSeconds(10));
        return (held, after);
    }

    [Fact]
    public async Task Deadline_mid_connect_aborts_the_pending_connect()
    {
        var full = Own(await ConnectBlackhole.CreateAsync(TimeSpan.FromMilliseconds(300)));
        await DefineAsync($$"""
            local tcp = require 'rspamd_tcp'
            function connect(task)
              tcp.request{task = task, host = '127.0.0.1', port = {{full.Port}}, data = 'x\n', timeout = 20,
                callback = function(err) print('callback', err) end, on_error = function(err) print('on_error', err) end}
            end
            """);
        var before = await StatsAsync();

        var finished = await RunTaskAsync("connect", new Dictionary<string, object?>(), TimeSpan.FromMilliseconds(300));

        Assert.True(finished.TimedOut, finished.Error);
        await AssertNothingLeftAsync(before);
        Assert.Equal("", _printed.Text);
    }

    [Fact]
    public async Task Deadline_mid_dns_abandons_the_resolution()
    {
        await DefineAsync("""
            local tcp = require 'rspamd_tcp'
            function resolve(task)
              tcp.request{task = task, host = 'never-answered.example.test', port = 25, data = 'x\n', timeout = 20,
                callback = function(err) print('callback', err) end}
              local ok, err = tcp.connect_sync{task = task, host = 'also-never.example.test', port = 25, timeout = 20}
              print('never', ok, err)
            end
            """);
        var before = await StatsAsync();

        var finished = await RunTaskAsync("resolve", new Dictionary<string, object?>(), TimeSpan.FromMilliseconds(300));

        Assert.True(finished.TimedOut, finished.Error);
        await AssertNothingLeftAsync(before);
        Assert.Equal("", _printed.Text);
    }

    [Fact]
    public async Task Destroyed_session_refuses_requests_with_rspamds_errors()
    {
        // The kept task's request, and the one of the task that still works; the others are refused before connecting.
        var holding = StartHolding(connections: 2);
        await DefineAsync($$"""
            local tcp = require 'rspamd_tcp'
            function keep(task)
              saved_task = task
              tcp.request{task = task, host = '127.0.0.1', port = {{holding.Port}}, data = 'x\n', timeout = 20,
                callback = function(err) print('never', err) end}
            end
            function reuse(task)
              local ok = tcp.request{task = saved_task, host = '127.0.0.1', port = {{holding.Port}}, data = 'x\n',
                callback = function(err, data, conn) print('callback', err, data, conn ~= nil) end}
              print('request returned', ok)
              print('connect_sync', tcp.connect_sync{task = saved_task, host = '127.0.0.1', port = {{holding.Port}}})
              print('by session', tcp.connect_sync{session = saved_task:get_session(), host = '127.0.0.1', port = {{holding.Port}}})
              print('own task still works', tcp.request{task = task, host = '127.0.0.1', port = {{holding.Port}},
                data = 'x\n', timeout = 0.2, callback = function(err) print('own', err) end})
            end
            """);

        var kept = await RunTaskAsync("keep", new Dictionary<string, object?>(), TimeSpan.FromMilliseconds(300));
        var reused = await RunTaskAsync("reuse", new Dictionary<string, object?>(), TimeSpan.FromSeconds(10));

        Assert.True(kept.TimedOut);
        Assert.Null(reused.Error);
        Assert.Equal("""
            callback	async session is the blocked state	nil	true
            request returned	false
            connect_sync	false	Session is being destroyed, requests are not allowed
            by session	false	Session is being destroyed, requests are not allowed
            own task still works	true
            own	IO timeout

            """.ReplaceLineEndings("\n"), _printed.Text);
    }

    [Fact]
    public async Task Destroying_one_session_touches_no_other_and_a_lua_error_fails_only_its_invocation()
    {
        var holding = StartHolding(connections: 3);
        await DefineAsync($$"""
            local tcp = require 'rspamd_tcp'
            local function hold(task, tag, timeout)
              tcp.request{task = task, host = '127.0.0.1', port = {{holding.Port}}, data = 'x\n', stop_pattern = '\n',
                timeout = timeout, callback = function(err) print(tag, err) end}
            end
            function survivor(task) hold(task, 'survivor', 1) end
            function doomed(task) hold(task, 'doomed', 20) end
            function broken(task)
              hold(task, 'broken', 20)
              error('plugin bug')
            end
            """);

        _host.Tell(new RunTask("survivor", new Dictionary<string, object?>(), TimeSpan.FromSeconds(10), _probe.Ref));
        _host.Tell(new RunTask("doomed", new Dictionary<string, object?>(), TimeSpan.FromMilliseconds(300), _probe.Ref));
        _host.Tell(new RunTask("broken", new Dictionary<string, object?>(), TimeSpan.FromSeconds(10), _probe.Ref));
        var ends = new Dictionary<string, ScriptFinished>();
        for (var i = 0; i < 3; i++)
        {
            var end = await _probe.ExpectMsgAsync<ScriptFinished>(Wait);
            ends[end.Name] = end;
        }

        Assert.Null(ends["survivor"].Error);
        Assert.True(ends["doomed"].TimedOut);
        Assert.False(ends["broken"].TimedOut);
        Assert.Contains("plugin bug", ends["broken"].Error);
        Assert.Equal("survivor\tIO timeout\n", _printed.Text);
        await holding.AwaitClosedAsync(3);
    }

    [Fact]
    public async Task Thousand_concurrent_tasks_of_five_requests_each_finish_with_their_own_results()
    {
        using var echo = new LineEchoServer();
        await DefineAsync($$"""
            local tcp = require 'rspamd_tcp'
            good, bad = 0, 0
            function five(task)
              local function step(i)
                if i > 5 then good = good + 1 return end
                local sent = task.id .. ':' .. i
                tcp.request{task = task, host = '127.0.0.1', port = {{echo.Port}}, data = sent .. '\n',
                  stop_pattern = '\n', timeout = 30, callback = function(err, data)
                    if err or tostring(data) ~= sent then bad = bad + 1 return end
                    step(i + 1)
                  end}
              end
              step(1)
            end
            """);

        const int tasks = 1000;
        for (var i = 0; i < tasks; i++)
            _host.Tell(new RunTask("five", new Dictionary<string, object?> { ["id"] = $"task{i}" }, TimeSpan.FromSeconds(60), _probe.Ref));
        for (var i = 0; i < tasks; i++)
        {
            var end = await _probe.ExpectMsgAsync<ScriptFinished>(TimeSpan.FromSeconds(60));
            Assert.Null(end.Error);
        }

        await DefineAsync("print('good', good, 'bad', bad)");
        Assert.Equal($"good\t{tasks}\tbad\t0\n", _printed.Text);
        var stats = await StatsAsync();
        Assert.Equal(0, stats.OpenConnections);
        Assert.Equal(0, stats.LiveSessions);
    }

    private async Task DefineAsync(string code)
    {
        _host.Tell(new RunScript("plugin.lua", Encoding.UTF8.GetBytes(code), [], _probe.Ref));
        var finished = await _probe.ExpectMsgAsync<ScriptFinished>(Wait);
        Assert.Null(finished.Error);
    }

    private async Task<ScriptFinished> RunTaskAsync(string function, IReadOnlyDictionary<string, object?> fields, TimeSpan deadline)
    {
        _host.Tell(new RunTask(function, fields, deadline, _probe.Ref));
        var finished = await _probe.ExpectMsgAsync<ScriptFinished>(Wait);
        Assert.Equal(function, finished.Name);
        return finished;
    }

    private Task<LuaStats> StatsAsync() => _host.Ask<LuaStats>(GetLuaStats.Instance, Wait);

    /// <summary>Waits (bounded) until no connection actor, Lua connection, suspended coroutine or session is left, and the registry is back to <paramref name="before"/>.</summary>
    private async Task AssertNothingLeftAsync(LuaStats before)
    {
        LuaStats stats = before;
        var open = -1;
        for (var i = 0; i < 100; i++)
        {
            stats = await StatsAsync();
            open = (await Manager.Ask<ConnectionCount>(GetConnectionCount.Instance, Wait)).Open;
            if (open == 0 && stats.OpenConnections == 0 && stats.SuspendedCoroutines == 0 && stats.LiveSessions == 0
                && stats.RegistryEntries <= before.RegistryEntries)
                return;
            await Task.Delay(50);
        }
        Assert.Fail($"left after the session was destroyed: {open} connection actors; Lua host {stats} (before: {before})");
    }

    /// <summary>A <see cref="Holding"/> peer for <paramref name="connections"/> connections, disposed when the test ends.</summary>
    private Holding StartHolding(int connections) =>
        new(script => StartPeer(script, new ScriptedPeerOptions { Connections = connections }));

    /// <summary>
    /// A peer that holds its connections, sending nothing, and counts the clients' closes (a reset is a close too):
    /// proof that a destroyed session really closed its sockets.
    /// </summary>
    private sealed class Holding
    {
        private int _closed;

        public Holding(Func<Func<PeerConnection, CancellationToken, Task>, ScriptedPeer> start) =>
            Peer = start(async (c, _) =>
            {
                if (await c.DiscardUntilClosedAsync()) Interlocked.Increment(ref _closed);
            });

        public ScriptedPeer Peer { get; }

        public int Port => Peer.Port;

        /// <summary>Waits (5 s at most) until <paramref name="count"/> clients closed.</summary>
        public async Task AwaitClosedAsync(int count)
        {
            for (var clock = Stopwatch.StartNew(); Volatile.Read(ref _closed) < count && clock.Elapsed < TimeSpan.FromSeconds(5);)
                await Task.Delay(20);
            Assert.True(Volatile.Read(ref _closed) >= count, $"{Volatile.Read(ref _closed)} of {count} sockets closed");
        }
    }
}
