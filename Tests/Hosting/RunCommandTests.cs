using System.Text;
using Xunit;

namespace ActorTcp.Tests.Hosting;

/// <summary>
/// <c>actortcp run</c> as a process: exit codes, <c>arg</c>, stdout for print and stderr for errors and logs, waiting
/// for pending work, <c>--config</c>, <c>--fixtures</c> and the help text.
/// </summary>
public sealed class RunCommandTests
{
    /// <summary>A script whose request (to the drip fixture, reading a pattern that never comes) outlives a short --timeout.</summary>
    internal const string PastTheDeadline = """
        local tcp = require 'rspamd_tcp'
        tcp.request{host = fixtures.host, port = fixtures.drip, stop_pattern = 'NEVER', timeout = 20,
          callback = function(err) print('callback', err) end}
        print('started')
        """;

    [Fact]
    public async Task A_lua_error_in_the_script_body_exits_1_with_the_message_and_traceback_on_stderr()
    {
        using var script = new TempScript("""
            print('before the error')
            local function explode(what) error('boom: ' .. what) end
            explode('body')
            print('never printed')
            """, "explode.lua");

        var run = await ActortcpProcess.RunAsync(["run", script.Path]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal("before the error\n", run.Stdout);
        Assert.StartsWith($"{script.Path}:2: boom: body\nstack traceback:\n", run.Stderr);
        Assert.Contains($"{script.Path}:2: in local 'explode'", run.Stderr);
        Assert.Contains($"{script.Path}:3: in main chunk", run.Stderr);
    }

    [Fact]
    public async Task A_syntax_error_exits_1_with_the_message_on_stderr()
    {
        using var script = new TempScript("print('unterminated)\n", "syntax.lua");

        var run = await ActortcpProcess.RunAsync(["run", script.Path]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal("", run.Stdout);
        Assert.Contains($"{script.Path}:1: unfinished string", run.Stderr);
    }

    [Fact]
    public async Task Arg_holds_the_script_arguments_and_so_does_the_chunks_varargs()
    {
        using var script = new TempScript("""
            print('#arg', #arg)
            for i = 0, #arg do print(i, arg[i]) end
            print('...', select('#', ...), ...)
            """, "args.lua");

        var run = await ActortcpProcess.RunAsync(["run", script.Path, "first", "two words", "--not-an-option", "ünïcode"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"""
            #arg	4
            0	{script.Path}
            1	first
            2	two words
            3	--not-an-option
            4	ünïcode
            ...	4	first	two words	--not-an-option	ünïcode

            """, run.Stdout);
    }

    [Fact]
    public async Task Options_after_double_dash_are_the_script_name_and_arguments()
    {
        using var script = new TempScript("print(#arg, arg[1])\n", "dd.lua");

        var run = await ActortcpProcess.RunAsync(["run", "--", script.Path, "--fixtures"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("1\t--fixtures\n", run.Stdout);
    }

    [Fact]
    public async Task The_run_lasts_until_callbacks_and_sync_connections_started_by_the_body_are_done()
    {
        using var script = new TempScript("""
            local tcp = require 'rspamd_tcp'
            tcp.request{host = fixtures.host, port = fixtures.drip, stop_pattern = 'tick 5\r\n', callback = function(err, data)
              print('callback', err, #tostring(data))
              -- a sync connection opened in a callback keeps the run alive too
              local ok, conn = tcp.connect_sync{host = fixtures.host, port = fixtures.echo}
              conn:write('ping')
              local ok2, reply = conn:read_once()
              print('sync', ok2, reply)
              conn:close()
            end}
            print('body returned')
            """);

        var run = await ActortcpProcess.RunAsync(["run", "--fixtures", script.Path]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("body returned\ncallback\tnil\t32\nsync\ttrue\tping\n", run.Stdout);
        Assert.True(run.Elapsed >= TimeSpan.FromSeconds(0.9), run.ToString());
    }

    [Fact]
    public async Task Print_output_keeps_its_order_between_the_body_and_callbacks_and_binary_bytes_pass_unchanged()
    {
        using var script = new TempScript("""
            local tcp = require 'rspamd_tcp'
            for i = 1, 500 do print('body', i) end
            local n = 0
            for i = 1, 20 do
              tcp.request{host = fixtures.host, port = fixtures.echo, data = 'x' .. i .. '\n', stop_pattern = '\n',
                callback = function(err, data)
                  n = n + 1
                  print('callback', n)
                end}
            end
            print('\0\255\1')
            """);

        var run = await ActortcpProcess.RunAsync(["run", "--fixtures", script.Path]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = new StringBuilder();
        for (var i = 1; i <= 500; i++) expected.Append($"body\t{i}\n");
        expected.Append("\0\uFFFD\u0001\n");
        for (var i = 1; i <= 20; i++) expected.Append($"callback\t{i}\n");
        Assert.Equal(expected.ToString(), run.Stdout);
    }

    [Fact]
    public async Task An_error_in_a_callback_is_logged_as_an_error_on_stderr_and_the_run_still_exits_0()
    {
        using var script = new TempScript("""
            require('rspamd_tcp').request{host = fixtures.host, port = fixtures.echo, data = 'hi\n', stop_pattern = '\n',
              callback = function(err, data) error('callback exploded') end}
            print('body done')
            """, "cb.lua");

        var run = await ActortcpProcess.RunAsync(["run", "--fixtures", script.Path]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("body done\n", run.Stdout);
        Assert.Contains("fail: ActorTcp.Lua: callback call failed: ", run.Stderr);
        Assert.Contains("callback exploded", run.Stderr);
    }

    [Fact]
    public async Task Without_verbose_stderr_stays_empty_and_with_it_debug_logs_appear()
    {
        using var script = new TempScript("print('quiet')\n");

        var quiet = await ActortcpProcess.RunAsync(["run", script.Path]);
        var verbose = await ActortcpProcess.RunAsync(["run", "--verbose", script.Path]);

        Assert.True(quiet.ExitCode == 0 && verbose.ExitCode == 0, $"{quiet}\n{verbose}");
        Assert.Equal("", quiet.Stderr);
        Assert.Equal("quiet\n", verbose.Stdout);
        Assert.Contains("dbug: ", verbose.Stderr);
        Assert.Contains("finished after", verbose.Stderr);
    }

    [Fact]
    public async Task Without_fixtures_the_fixtures_table_is_nil()
    {
        using var script = new TempScript("print(type(fixtures))\n");

        var run = await ActortcpProcess.RunAsync(["run", script.Path]);

        Assert.Equal("nil\n", run.Stdout);
    }

    [Fact]
    public async Task Fixtures_table_names_the_host_and_a_port_per_server()
    {
        using var script = new TempScript("""
            local names = {}
            for k, v in pairs(fixtures) do names[#names + 1] = k .. '=' .. type(v) end
            table.sort(names)
            print(table.concat(names, ' '))
            print(fixtures.host)
            """);

        var run = await ActortcpProcess.RunAsync(["run", "--fixtures", script.Path]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("close_now=number drip=number echo=number host=string refused=number smtp=number\n127.0.0.1\n",
            run.Stdout);
    }

    [Fact]
    public async Task A_config_file_overrides_the_defaults()
    {
        using var script = new TempScript("""
            require('rspamd_tcp').request{host = fixtures.host, port = fixtures.drip, stop_pattern = 'never',
              callback = function(err) print(err) end}
            """);
        var config = Path.Combine(script.Folder, "override.conf");
        await File.WriteAllTextAsync(config, "actortcp.default-timeout = 0.3s\n");

        var run = await ActortcpProcess.RunAsync(["run", "--config", config, "--fixtures", script.Path]);

        // The drip fixture sends for about a second and then closes: a timeout comes only from the 0.3 s default.
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("IO timeout\n", run.Stdout);
    }

    [Theory]
    [InlineData("actortcp.limits.max-connections = 0", "actortcp.limits.max-connections must be positive")]
    [InlineData("actortcp.lua.instruction-budget = -1", "actortcp.lua.instruction-budget must be 0 (unlimited) or positive")]
    [InlineData("actortcp.upstreams.max-errors = 0", "actortcp.upstreams.max-errors must be at least 1, got 0")]
    public async Task A_bad_config_value_exits_2_naming_the_key(string setting, string message)
    {
        using var script = new TempScript("print('never')\n");
        var config = Path.Combine(script.Folder, "bad.conf");
        await File.WriteAllTextAsync(config, setting + "\n");

        var run = await ActortcpProcess.RunAsync(["run", "--config", config, script.Path]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("", run.Stdout);
        Assert.Contains($"actortcp run: configuration: {config}: {message}", run.Stderr);
    }

    [Theory]
    [InlineData("missing script", "run")]
    [InlineData("unknown option", "run --frobnicate x.lua")]
    [InlineData("--config without a value", "run --config")]
    [InlineData("unreadable script", "run /nonexistent/actortcp/script.lua")]
    [InlineData("bad name server", "run --nameserver not-an-address x.lua")]
    public async Task Bad_arguments_exit_2_with_a_message(string why, string commandLine)
    {
        var run = await ActortcpProcess.RunAsync(commandLine.Split(' '));

        Assert.True(run.ExitCode == 2, $"{why}: {run}");
        Assert.Equal("", run.Stdout);
        Assert.StartsWith("actortcp run: ", run.Stderr);
    }

    [Fact]
    public async Task Timeout_destroys_the_scripts_session_without_callbacks_and_exits_124()
    {
        using var script = new TempScript(PastTheDeadline);

        var run = await ActortcpProcess.RunAsync(["run", "--fixtures", "--timeout", "0.3", script.Path]);

        Assert.True(run.ExitCode == 124, run.ToString());
        Assert.Equal("started\n", run.Stdout);
        Assert.Contains("session deadline of 0.3 s passed", run.Stderr);
    }

    [Fact]
    public async Task Timeout_must_be_a_positive_number_of_seconds()
    {
        using var script = new TempScript("print('x')\n");

        var run = await ActortcpProcess.RunAsync(["run", "--timeout", "-1", script.Path]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--timeout: '-1' is not a number of seconds", run.Stderr);
    }

    [Fact]
    public async Task Run_help_documents_every_option_the_fixtures_and_the_exit_codes()
    {
        var run = await ActortcpProcess.RunAsync(["run", "--help"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var text in new[]
                 {
                     "actortcp run <SCRIPT.lua> [<ARGS>...] [options]", "--timeout <SECONDS>", "124",
                     "`arg`", "stdout", "stderr", "exit 1", "--config <FILE>", "--nameserver <HOST[:PORT]>", "--fixtures",
                     "echo", "smtp", "drip", "close_now", "refused", "-v, --verbose", "--strict", "--stats", "HOCON.conf", "130",
                 })
            Assert.Contains(text, run.Stdout);
    }

    [Fact]
    public async Task Arguments_after_the_script_go_to_it_even_when_they_look_like_options()
    {
        using var script = new TempScript("print(table.concat(arg, ' '))\n");

        var run = await ActortcpProcess.RunAsync(["run", script.Path, "-v", "--help", "--strict", "--", "x"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("-v --help --strict -- x\n", run.Stdout);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public async Task With_strict_a_callback_that_raised_makes_the_run_exit_1()
    {
        using var script = new TempScript("""
            require('rspamd_tcp').request{host = fixtures.host, port = fixtures.echo, data = 'hi\n', stop_pattern = '\n',
              callback = function(err, data) error('callback exploded') end}
            print('body done')
            """, "cb.lua");

        var run = await ActortcpProcess.RunAsync(["run", "--strict", "--fixtures", script.Path]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal("body done\n", run.Stdout);
        Assert.Contains("fail: ActorTcp.Lua: callback call failed: ", run.Stderr);
        Assert.Contains("actortcp run: " + script.Path + ": 1 callback(s) raised (--strict)", run.Stderr);
    }

    [Fact]
    public async Task With_strict_a_run_whose_callbacks_all_returned_exits_0()
    {
        using var script = new TempScript("""
            require('rspamd_tcp').request{host = fixtures.host, port = fixtures.echo, data = 'hi\n', stop_pattern = '\n',
              callback = function(err, data) print(err, tostring(data)) end}
            """);

        var run = await ActortcpProcess.RunAsync(["run", "--strict", "--fixtures", script.Path]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("nil\thi\n", run.Stdout);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public async Task An_unknown_key_under_actortcp_is_a_warning_naming_it_and_the_run_goes_on()
    {
        using var script = new TempScript("print('ran')\n");
        var config = Path.Combine(script.Folder, "typo.conf");
        await File.WriteAllTextAsync(config, "actortcp.default-timeot = 2s\nactortcp.lua-dispatcher.throughput = 10\n");

        var run = await ActortcpProcess.RunAsync(["run", "--config", config, script.Path]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("ran\n", run.Stdout);
        Assert.Equal($"actortcp run: warning: configuration: {config}: unknown key actortcp.default-timeot (not in HOCON.conf; ignored)\n",
            run.Stderr);
    }
}
