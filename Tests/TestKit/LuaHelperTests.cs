using ActorTcp.Actors.Connection;
using ActorTcp.TestKit;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ActorTcp.Tests.TestKit;

/// <summary>
/// <see cref="ActorTcpTestKit"/>'s Lua helpers: a chunk or a plugin's task runs on the kit's Lua hosts against scripted
/// peers, and its printed lines, error, symbols and callback failures come back with its end.
/// </summary>
public sealed class LuaHelperTests(ITestOutputHelper output) : ActorTcpTestKit(output)
{
    [Fact]
    public async Task A_reset_after_the_request_ends_in_the_callbacks_error()
    {
        var peer = StartPeer(s => s.ExpectLine("PING").Reset());

        var run = await RunLuaAsync($$"""
            require('rspamd_tcp').request{host = '127.0.0.1', port = {{peer.Port}}, data = 'PING\r\n', stop_pattern = '\r\n',
              callback = function(err, data) print(err or tostring(data)) end}
            """);

        Assert.Equal([TcpErrors.ReadError("Connection reset by peer")], run.AssertSucceeded().Printed);
        await peer.Completion.WaitAsync(DefaultWait);
    }

    [Fact]
    public async Task A_plugins_task_returns_the_symbols_it_inserted_from_its_callbacks_and_only_its_own_lines()
    {
        var peer = StartPeer(s => s.ExpectLine("CHECK t1").SendLine("SPAM 7.5"));
        (await LoadPluginAsync($$"""
            local tcp = require 'rspamd_tcp'
            print('check loaded')
            function check(task)
              print('checking', task.id)
              tcp.request{task = task, host = '127.0.0.1', port = {{peer.Port}}, data = 'CHECK ' .. task.id .. '\r\n',
                stop_pattern = '\r\n', callback = function(err, data)
                  if err then task:insert_result('CHECK_FAIL', 1, err) return end
                  local verdict, score = tostring(data):match('^(%u+) ([%d.]+)$')
                  task:insert_result('CHECK_' .. verdict, tonumber(score), 'peer')
                end}
            end
            """)).AssertSucceeded();

        var run = await RunTaskAsync("check", new Dictionary<string, object?> { ["id"] = "t1" });

        run.AssertSucceeded();
        Assert.Equal(["CHECK_SPAM 7.5 [peer]"], run.SymbolTexts);
        Assert.Equal(["checking\tt1"], run.Printed);
        Assert.Equal(["check loaded", "checking\tt1"], Printed.Lines);
        Assert.Equal("CHECK t1\r\n", peer.ReceivedText);
    }

    [Fact]
    public async Task A_Lua_error_is_the_runs_error_and_asserting_success_fails_with_it()
    {
        var run = await RunLuaAsync("print('before')\nerror('boom')", "failing.lua");

        Assert.False(run.Succeeded);
        Assert.StartsWith("failing.lua:2: boom", run.Error);
        Assert.Equal(["before"], run.Printed);
        var failure = Assert.Throws<XunitException>(() => run.AssertSucceeded());
        Assert.StartsWith("failing.lua failed: failing.lua:2: boom", failure.Message);
    }

    [Fact]
    public async Task An_error_inside_a_callback_is_logged_and_the_run_still_ends()
    {
        var peer = StartPeer(s => s.SendLine("220 hi"));

        var run = await RunLuaAsync($$"""
            require('rspamd_tcp').request{host = '127.0.0.1', port = {{peer.Port}}, stop_pattern = '\r\n',
              callback = function() error('callback broke') end}
            """);

        run.AssertSucceeded();
        Assert.Contains(run.Log, line => line.StartsWith("error: callback call failed: ", StringComparison.Ordinal) && line.Contains("callback broke"));
    }

    [Fact]
    public async Task A_task_past_its_deadline_ends_timed_out_without_its_callback()
    {
        var peer = StartPeer(s => s.NeverAnswer());
        (await LoadPluginAsync($$"""
            function wait_forever(task)
              require('rspamd_tcp').request{task = task, host = '127.0.0.1', port = {{peer.Port}}, data = 'x\r\n',
                stop_pattern = '\r\n', timeout = 30, callback = function(err) print('callback', err) end}
            end
            """)).AssertSucceeded();

        var run = await RunTaskAsync("wait_forever", deadline: TimeSpan.FromMilliseconds(500));

        Assert.True(run.TimedOut, $"expected a timeout, got {run}");
        Assert.Empty(run.Printed);
    }
}
