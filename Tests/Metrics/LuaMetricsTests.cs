using ActorTcp.Actors.Metrics;
using ActorTcp.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Metrics;

/// <summary>
/// The Lua instruments: runs of Lua code by kind and outcome with their duration, instruction-budget stops, sessions,
/// and plugin tasks by function and outcome with their duration, measured on the kit's Lua host running real requests.
/// </summary>
public sealed class LuaMetricsTests(ITestOutputHelper output)
    : MetricsTestKit(output, "actortcp.lua { instruction-budget = 1000000, run-duration-sample = 1 }")
{
    private static (string, string) Kind(string value) => ("kind", value);

    private static (string, string) Outcome(string value) => ("outcome", value);

    private static (string, string) Function(string value) => ("function", value);

    [Fact]
    public async Task A_request_callback_and_the_script_body_are_runs_of_their_kinds()
    {
        var peer = StartPeer(s => s.ExpectLine("PING").SendLine("PONG"));

        (await RunLuaAsync($$"""
            require('rspamd_tcp').request{host = '127.0.0.1', port = {{peer.Port}}, data = 'PING\r\n', stop_pattern = '\r\n',
              callback = function(err, data) print(err or tostring(data)) end}
            """)).AssertSucceeded();

        await AwaitSumAsync(1, LuaCallbacks, Kind("callback"), Outcome("returned"));
        await AwaitSumAsync(1, LuaCallbacks, Kind("body"), Outcome("returned"));
        Recorder.AssertSum(2, LuaCallbacks);
        Assert.Equal(2, DurationsOf(LuaCallbackDuration));
        Recorder.AssertSum(1, Sessions, Kind("script"), Outcome("ok"));
        Recorder.AssertSum(0, BudgetStops);
    }

    [Fact]
    public async Task A_callback_that_raises_is_a_failed_run()
    {
        var peer = StartPeer(s => s.SendLine("220 hi"));

        (await RunLuaAsync($$"""
            require('rspamd_tcp').request{host = '127.0.0.1', port = {{peer.Port}}, stop_pattern = '\r\n',
              callback = function() error('callback broke') end}
            """)).AssertSucceeded();

        await AwaitSumAsync(1, LuaCallbacks, Kind("callback"), Outcome("failed"));
        Assert.Equal(1, DurationsOf(LuaCallbackDuration, Kind("callback"), Outcome("failed")));
    }

    [Fact]
    public async Task An_endless_body_is_a_budget_stop_and_a_failed_script_session()
    {
        var run = await RunLuaAsync("while true do end");

        Assert.Contains("instruction budget exceeded", run.Error, StringComparison.Ordinal);
        await AwaitSumAsync(1, BudgetStops, Kind("body"));
        Recorder.AssertSum(1, BudgetStops);
        Recorder.AssertSum(1, LuaCallbacks, Kind("body"), Outcome("failed"));
        Recorder.AssertSum(1, Sessions, Kind("script"), Outcome("error"));
    }

    [Fact]
    public async Task Tasks_are_counted_and_timed_by_function_and_outcome()
    {
        var peer = StartPeer(s => s.NeverAnswer());
        (await LoadPluginAsync($$"""
            function quick(task) task:insert_result('QUICK', 1) end
            function broken(task) error('broken plugin') end
            function stuck(task)
              require('rspamd_tcp').request{task = task, host = '127.0.0.1', port = {{peer.Port}}, data = 'x\r\n',
                stop_pattern = '\r\n', timeout = 30, callback = function() end}
            end
            """)).AssertSucceeded();

        (await RunTaskAsync("quick")).AssertSucceeded();
        (await RunTaskAsync("quick")).AssertSucceeded();
        Assert.False((await RunTaskAsync("broken")).Succeeded);
        Assert.True((await RunTaskAsync("stuck", deadline: TimeSpan.FromMilliseconds(300))).TimedOut);
        Assert.False((await RunTaskAsync("no_such_function")).Succeeded);

        Recorder.AssertSum(2, Tasks, Function("quick"), Outcome("ok"));
        Recorder.AssertSum(1, Tasks, Function("broken"), Outcome("error"));
        Recorder.AssertSum(1, Tasks, Function("stuck"), Outcome("timeout"));
        // A caller's typo gets no tag of its own.
        Recorder.AssertSum(1, Tasks, Function("undefined"), Outcome("error"));
        Recorder.AssertSum(5, Tasks);
        Assert.Equal(2, DurationsOf(TaskDuration, Function("quick"), Outcome("ok")));
        Assert.InRange(Recorder.Of(TaskDuration, Function("stuck")).Single().Value, 0.25, 10);
        Recorder.AssertSum(5, Sessions, Kind("task"));
        Recorder.AssertSum(1, Sessions, Kind("task"), Outcome("timeout"));
        // The plugin's load is a script session of its own.
        Recorder.AssertSum(1, Sessions, Kind("script"), Outcome("ok"));
        // The stuck task's connection was aborted when its session was destroyed.
        await AwaitSumAsync(1, Closed, ("outcome", "session_destroyed"));
    }

    [Fact]
    public void Task_function_tags_past_the_bound_share_one_value()
    {
        var tags = new BoundedTagValues("function", 2, "other");

        Assert.Equal(["a", "b", "other", "a", "b", "other"], new[] { "a", "b", "c", "a", "b", "d" }.Select(n => (string)tags.Tag(n).Value!));
        Assert.Equal("function", tags.Tag("a").Key);
    }
}
