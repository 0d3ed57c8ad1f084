using System.Text;
using ActorTcp.LuaApi;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua;

/// <summary>
/// <c>task:insert_result</c> with rspamd's signature: the symbols, weights and options a task inserts, from its body
/// or its callbacks, come back with its end.
/// </summary>
public sealed class TaskResultsTests : ConnectionTestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private readonly PrintedLines _printed = new();
    private readonly IActorRef _host;

    public TaskResultsTests(ITestOutputHelper output) : base(output)
    {
        _host = Sys.ActorOf(LuaHostActor.Props(Manager, _printed), "lua");
    }

    private async Task<ScriptFinished> RunAsync(string name, string code)
    {
        var probe = CreateTestProbe();
        _host.Tell(new RunScript(name, Encoding.UTF8.GetBytes(code), [], probe.Ref));
        return await probe.ExpectMsgAsync<ScriptFinished>(Wait);
    }

    private async Task<ScriptFinished> TaskAsync(string function, Dictionary<string, object?>? fields = null)
    {
        var probe = CreateTestProbe();
        _host.Tell(new RunTask(function, fields ?? [], Wait, probe.Ref));
        return await probe.ExpectMsgAsync<ScriptFinished>(Wait);
    }

    [Fact]
    public async Task Symbols_with_weights_and_options_in_every_form_rspamd_takes_come_back_in_order()
    {
        Assert.Null((await RunAsync("define", """
            local text = require 'rspamd_text'
            function scan(task)
              task:insert_result('CLAM_VIRUS', 1.0, 'Eicar-Test-Signature')
              task:insert_result('DCC_BULK', 0.5, {'body', 'fuz1'}, text.fromstring('fuz2'))
              task:insert_result(true, 'FORCED', 2)
              task:insert_result('PLAIN', -1.5, nil, 'after nil')
              task:insert_result('CLAM_VIRUS', 0.2, 'Second', 'Eicar-Test-Signature')
            end
            """)).Error);

        var finished = await TaskAsync("scan");

        Assert.Null(finished.Error);
        Assert.Equal(
            [
                "CLAM_VIRUS 1 [Eicar-Test-Signature,Second]",
                "DCC_BULK 0.5 [body,fuz1,fuz2]",
                "FORCED 2",
                "PLAIN -1.5 [after nil]",
            ],
            finished.InsertedSymbols.Select(s => s.ToString()));
    }

    [Fact]
    public async Task A_weight_given_as_a_numeric_string_counts_as_its_number_as_rspamds_argument_check_reads_it()
    {
        Assert.Null((await RunAsync("define", """
            function scan(task) task:insert_result('SPAMD', '1000.0', 'GTUBE') task:insert_result('HEX', ' 0x10 ') end
            """)).Error);

        var finished = await TaskAsync("scan");

        Assert.Null(finished.Error);
        Assert.Equal(["SPAMD 1000 [GTUBE]", "HEX 16"], finished.InsertedSymbols.Select(s => s.ToString()));
    }

    [Fact]
    public async Task A_symbol_inserted_from_a_request_callback_belongs_to_the_tasks_result()
    {
        using var echo = new LineEchoServer();
        Assert.Null((await RunAsync("define", $$"""
            local tcp = require 'rspamd_tcp'
            function ask(task)
              tcp.request{task = task, host = '127.0.0.1', port = {{echo.Port}}, data = 'PONG\n', stop_pattern = '\n',
                callback = function(err, data)
                  if err then task:insert_result('ASK_FAIL', 0, err) else task:insert_result('ASKED', 1, tostring(data)) end
                end}
            end
            """)).Error);

        var finished = await TaskAsync("ask");

        Assert.Null(finished.Error);
        Assert.Equal("ASKED 1 [PONG]", Assert.Single(finished.InsertedSymbols).ToString());
    }

    [Fact]
    public async Task A_task_that_fails_keeps_the_symbols_it_inserted_before_and_a_script_has_none()
    {
        Assert.Null((await RunAsync("define", """
            function half(task)
              task:insert_result('FIRST', 1)
              error('then it broke')
            end
            """)).Error);

        var failed = await TaskAsync("half");
        var script = await RunAsync("script", "print('no task here')");

        Assert.Contains("then it broke", failed.Error);
        Assert.Equal("FIRST 1", Assert.Single(failed.InsertedSymbols).ToString());
        Assert.Empty(script.InsertedSymbols);
    }

    [Theory]
    [InlineData("task:insert_result(42, 1)", "insert_result: bad argument #1 'symbol' (string expected, got number)")]
    [InlineData("task:insert_result('S')", "insert_result: bad argument #2 'weight' (number expected, got no value)")]
    [InlineData("task:insert_result('S', 'heavy')", "insert_result: bad argument #2 'weight' (number expected, got string)")]
    [InlineData("task:insert_result(true, 'S', 1, 'ok', 7)", "insert_result: bad argument #5 (option): string, rspamd{text} or a table of them expected, got number")]
    [InlineData("task:insert_result('S', 1, {'ok', {}})", "insert_result: bad argument #3 (option): string, rspamd{text} or a table of them expected, got table")]
    public async Task A_wrong_call_is_a_Lua_error_naming_the_argument_at_the_plugins_line(string call, string message)
    {
        Assert.Null((await RunAsync("define", $"function wrong(task)\n  {call}\nend\n")).Error);

        var finished = await TaskAsync("wrong");

        Assert.NotNull(finished.Error);
        Assert.StartsWith($"define:2: {message}", finished.Error);
        Assert.Empty(finished.InsertedSymbols);
    }
}
