using System.Text;
using ActorTcp.LuaApi;
using ActorTcp.LuaApi.Modules;
using ActorTcp.TestKit;
using Xunit;

namespace ActorTcp.Tests.Lua;

/// <summary>
/// <c>rspamd_logger</c> and <c>rspamd_util</c> (LoggerModule.cs, rspamd_logger.lua, rspamd_util.lua) against a captured
/// log: every level with its exact line. The scenarios logger_format.lua and bad_input_logger.lua cover formatting and
/// errors through the Lua host; expected texts are rspamd 3.4's (rspamadm lua).
/// </summary>
public class LoggerTests
{
    /// <summary>Runs <paramref name="code"/> as the chunk <paramref name="chunkName"/>: the log and what it printed.</summary>
    private static (IReadOnlyList<string> Log, IReadOnlyList<string> Printed) Run(string code, string chunkName = "plugin.lua",
        LuaSandboxSettings? sandbox = null)
    {
        var output = new PrintedLines();
        var log = new LuaLogLines();
        using var runtime =
            new LuaRuntime(output, log, [new BaseModule(), new TextModule(), new LoggerModule()], sandbox);
        Assert.Null(runtime.RunChunk(Encoding.UTF8.GetBytes(code), chunkName));
        return (log.Lines, output.Lines);
    }

    [Fact]
    public void Each_x_function_logs_at_its_level_with_the_callers_file_and_line()
    {
        var (log, _) = Run("""
            local logger = require 'rspamd_logger'
            logger.errx('errx %s', 1)
            logger.warnx('warnx %s', 2)
            logger.infox('infox %s', 3)
            logger.messagex('messagex %s', 4)
            logger.msgx('msgx %s', 5)
            logger.debugx('debugx %s', 6)
            logger.infox(rspamd_text.fromstring('cfg'), 'with an id %s', 7)
            """);
        Assert.Equal(
            [
                "error: plugin.lua:2: errx 1",
                "warning: plugin.lua:3: warnx 2",
                "info: plugin.lua:4: infox 3",
                "info: plugin.lua:5: messagex 4",
                "info: plugin.lua:6: msgx 5",
                "debug: plugin.lua:7: debugx 6",
                "info: plugin.lua:8: with an id 7",
            ],
            log);
    }

    [Fact]
    public void Each_plain_function_logs_its_text_as_it_is_at_its_level()
    {
        var (log, _) = Run("""
            local logger = require 'rspamd_logger'
            logger.err('err %s')
            logger.warn('warn')
            logger.info(42)
            logger.message('message')
            logger.msg('msg')
            logger.debug('debug\r\n')
            """);
        Assert.Equal(
            [
                "error: plugin.lua:2: err %s",
                "warning: plugin.lua:3: warn",
                "info: plugin.lua:4: 42",
                "info: plugin.lua:5: message",
                "info: plugin.lua:6: msg",
                "debug: plugin.lua:7: debug\r\n",
            ],
            log);
    }

    [Fact]
    public void A_bad_argument_number_logs_an_error_and_not_the_line()
    {
        var (log, printed) = Run("""
            local logger = require 'rspamd_logger'
            logger.warnx('%0 never logged', 1)
            print(logger.slog('%4', 1))
            logger.infox('%s %s %s %s', 1)
            logger.infox('%3 two past the last is printed', 1)
            """);
        Assert.Equal(
            [
                "error: plugin.lua:2: wrong argument number: 0",
                "error: plugin.lua:3: wrong argument number: 4",
                "error: plugin.lua:4: wrong argument number: 4",
                "info: plugin.lua:5: no value two past the last is printed",
            ],
            log);
        Assert.Equal(["nil"], printed);
    }

    [Fact]
    public void Debugm_and_logx_take_a_stack_level_and_logx_maps_glib_levels()
    {
        var (log, _) = Run("""
            local logger = require 'rspamd_logger'
            local function helper(fn, ...) fn(...) end
            logger.debugm('module', 'id', 'debugm %s', 1)
            helper(logger.debugm, 'module', 'id', 2, 'debugm at the helper caller')
            logger.logx(4, 'm', 'id', 'error 4')
            logger.logx(8, 'm', 'id', 'critical 8')
            logger.logx(16, 'm', 'id', 'warning 16')
            logger.logx(32, 'm', 'id', 'message 32')
            logger.logx(64, 'm', 'id', 'info 64')
            logger.logx(128, 'm', 'id', 'debug 128')
            logger.logx(16 + 128, 'm', 'id', 'the most severe bit wins')
            logger.logx('x', 'm', 'id', 'not a number is info')
            helper(logger.logx, 16, 'm', nil, 2, 'logx at the helper caller')
            """);
        Assert.Equal(
            [
                "debug: plugin.lua:3: debugm 1",
                "debug: plugin.lua:4: debugm at the helper caller",
                "error: plugin.lua:5: error 4",
                "error: plugin.lua:6: critical 8",
                "warning: plugin.lua:7: warning 16",
                "info: plugin.lua:8: message 32",
                "info: plugin.lua:9: info 64",
                "debug: plugin.lua:10: debug 128",
                "warning: plugin.lua:11: the most severe bit wins",
                "info: plugin.lua:12: not a number is info",
                "warning: plugin.lua:13: logx at the helper caller",
            ],
            log);
    }

    [Fact]
    public void The_position_is_the_chunk_basename_and_a_long_one_is_cut_to_27_characters()
    {
        var (shortLog, _) = Run("require('rspamd_logger').infox('x')", "rules/plugins/short.lua");
        Assert.Equal(["info: short.lua:1: x"], shortLog);
        var (longLog, _) = Run("require('rspamd_logger').infox('x')", "plugins/a_plugin_name_longer_than_thirty.lua");
        Assert.Equal(["info: a_plugin_name_longer_than_t...:1: x"], longLog);
    }

    [Fact]
    public void Log_lines_escape_cr_and_lf_in_values_while_slog_keeps_them()
    {
        var (log, printed) = Run("""
            local logger = require 'rspamd_logger'
            logger.infox('%s', 'a\r\nb\1')
            print(logger.slog('%s', 'a\r\nb\1') == 'a\r\nb\\01')
            """);
        Assert.Equal(["info: plugin.lua:2: a\\0d\\0ab\\01"], log);
        Assert.Equal(["true"], printed);
    }

    [Fact]
    public void A_userdata_prints_its_tostring_or_else_its_class_name()
    {
        // Full userdata have their own metatable: the debug library (opened here) gives one text a custom one.
        var (_, printed) = Run("""
            local logger = require 'rspamd_logger'
            local function with_mt(mt) local t = rspamd_text.fromstring('x'); debug.setmetatable(t, mt); return t end
            print(logger.slog('%s', with_mt({__tostring = function() return '127.0.0.1' end})))
            print(logger.slog('%s', with_mt({__tostring = function() error('broken') end, __name = 'rspamd{thing}'})))
            print(logger.slog('%s', with_mt({__name = 'rspamd{hidden}', __metatable = false})))
            print(logger.slog('%s', with_mt({})))
            print(logger.slog('%s', with_mt(nil)))
            """, sandbox: LuaSandboxSettings.Default with { DebugLibrary = true });
        Assert.Equal(["127.0.0.1", "rspamd{thing}", "rspamd{hidden}", "userdata", ""], printed);
    }

    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(-0.0, "0")]
    [InlineData(2.0, "2")]
    [InlineData(-9223372036854775808.0, "-9223372036854775808")]
    [InlineData(9223372036854775808.0, "9223372036854776000")]
    [InlineData(18446744073709551616.0, "18446744073709552000")]
    [InlineData(1180591620717411303424.0, "1180591620717411300000")]
    [InlineData(1e19 * 10, "1e+20")]
    [InlineData(1.5e23, "1.5e+23")]
    [InlineData(1.2345678901234567e30, "1.2345678901234567e+30")]
    [InlineData(1e300, "1e+300")]
    [InlineData(123456789012.5, "123456789012.5")]
    [InlineData(-1.5e-7, "-0.00000015")]
    [InlineData(1e-29, "0.00000000000000000000000000001")]
    [InlineData(1e-30, "1e-30")]
    [InlineData(1.25e-27, "0.00000000000000000000000000125")]
    [InlineData(1.25e-28, "1.25e-28")]
    [InlineData(-1e-300, "-1e-300")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(double.NaN, "nan")]
    public void A_float_prints_as_rspamd_3_4_prints_it(double value, string expected) =>
        Assert.Equal(expected, LoggerModule.FormatNumber(value));

    [Fact]
    public void Get_time_is_the_wall_clock_within_a_second()
    {
        var before = (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;
        var (_, printed) = Run("""
            local util = require 'rspamd_util'
            local t = util.get_time()
            print(math.type(t), string.format('%.6f', t), t ~= math.floor(t) or util.get_time() ~= t)
            """);
        var after = (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;
        var fields = Assert.Single(printed).Split('\t');
        Assert.Equal("float", fields[0]);
        var time = double.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(time, before - 1, after + 1);
        Assert.Equal("true", fields[2]); // sub-second precision
    }

    [Fact]
    public void Get_ticks_is_monotonic_seconds()
    {
        var output = new PrintedLines();
        using var runtime = new LuaRuntime(output, new LuaLogLines(), [new BaseModule(), new LoggerModule()]);
        Assert.Null(runtime.RunChunk("""
            local util = require 'rspamd_util'
            local previous, backwards = util.get_ticks(), false
            for _ = 1, 100000 do
              local now = util.get_ticks()
              if now < previous then backwards = true end
              previous = now
            end
            print(math.type(previous), backwards)
            start = util.get_ticks()
            """u8, "ticks.lua"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Thread.Sleep(200);
        Assert.Null(runtime.RunChunk(
            "print(string.format('%.6f', require('rspamd_util').get_ticks() - start))"u8, "ticks.lua"));
        var elapsed = clock.Elapsed.TotalSeconds;

        Assert.Equal("float\tfalse", output.Lines[0]);
        var ticks = double.Parse(output.Lines[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(ticks, 0.19, elapsed + 0.01);
    }

    [Fact]
    public void The_modules_hold_exactly_rspamd_functions()
    {
        var (_, printed) = Run("""
            local function names(m)
              local t = {}
              for k, v in pairs(m) do t[#t + 1] = k .. ':' .. type(v) end
              table.sort(t)
              return table.concat(t, ' ')
            end
            print(names(require 'rspamd_logger'))
            print(names(require 'rspamd_util'), rspamd_util == require 'rspamd_util')
            """);
        Assert.Equal(
            [
                "debug:function debugm:function debugx:function err:function errx:function info:function " +
                "infox:function log_level:function logx:function message:function messagex:function msg:function " +
                "msgx:function slog:function warn:function warnx:function",
                "get_hostname:function get_ticks:function get_time:function pack:function time_to_string:function\ttrue",
            ],
            printed);
    }
}
