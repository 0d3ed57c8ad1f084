using ActorTcp.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua.Scanners;

/// <summary>
/// What rspamd's scanners use of rspamd_util, rspamd_regexp and the global rspamd_version, with rspamd 3.4's answers
/// (checked with <c>rspamadm lua</c>).
/// </summary>
public sealed class RspamdUtilTests(ITestOutputHelper output) : ActorTcpTestKit(output)
{
    [Fact]
    public async Task Pack_time_to_string_hostname_and_version_answer_as_rspamd_3_4_does()
    {
        var run = await RunLuaAsync("""
            local util = require 'rspamd_util'
            local packed = util.pack('>I4', 68)
            print(type(packed), #packed, packed:byte(1, 4))
            print(util.time_to_string(1700000000.5), #util.time_to_string() == 29)
            print(util.get_hostname() ~= nil and #util.get_hostname() > 0)
            print(rspamd_version(), rspamd_version('main'), rspamd_version('id'), rspamd_version('major'), rspamd_version('minor'))
            print(pcall(util.pack, 'Z', 1))
            print(pcall(util.time_to_string, 'now'))
            """);

        run.AssertSucceeded();
        Assert.Equal(
            [
                "string\t4\t0\t0\t0\t68",
                "Tue, 14 Nov 2023 22:13:20 GMT\ttrue",
                "true",
                "3.4\t3.4\trelease\t3\t4",
                "false\tinvalid format option 'Z'",
                "false\tbad argument #1 to 'time_to_string' (number expected, got string)",
            ],
            run.Printed);
    }

    [Fact]
    public async Task Regexps_compile_from_rspamds_slash_syntax_match_strings_and_texts_and_bad_patterns_give_nil()
    {
        var run = await RunLuaAsync("""
            local re = require 'rspamd_regexp'
            local text = require 'rspamd_text'
            local eicar = re.create_cached('/^Eicar/i')
            print(tostring(eicar), eicar:match('eicar-test'), eicar:match('xx'), eicar:match(text.fromstring('EICAR')))
            print(re.create_cached('/^Eicar/i') == eicar, re.get_cached('/^Eicar/i') == eicar)
            print(re.create_cached('foo'):match('xfoox'), table.concat(re.create('[0-9]+'):search('a1b22c333'), ','))
            print(re.create('('), re.import_glob('*.exe'):match('virus.exe'), re.import_plain('a.b'):match('axb'))
            print(pcall(eicar.match, eicar, 42))
            """);

        run.AssertSucceeded();
        Assert.Equal(
            [
                "/^Eicar/i\ttrue\tfalse\ttrue",
                "true\ttrue",
                "true\t1,22,333",
                "nil\ttrue\tfalse",
                "false\tbad argument #2 to 'match' (string or rspamd{text} expected, got number)",
            ],
            run.Printed);
        Assert.Contains(run.Log, line => line.StartsWith("info: cannot parse regexp: (, error: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_match_or_a_search_past_the_time_bound_gives_up_with_a_warning_and_matches_nothing()
    {
        // (a+)+c backtracks exponentially on a run of a's with no c. In the search, each block's match fails that way
        // for a few milliseconds before 'b' matches: every match is within the bound, the search as a whole is not.
        var run = await RunLuaAsync("""
            local re = require 'rspamd_regexp'
            print(re.create('^(a+)+c$'):match(string.rep('a', 40) .. 'b'))
            print(re.create('(?:(a+)+c|b)'):search(string.rep(string.rep('a', 20) .. 'b', 3000)))
            print(#re.create('b'):search(string.rep('b', 20000)))
            """);

        run.AssertSucceeded();
        Assert.Equal(["false", "false", "10000"], run.Printed);
        Assert.Equal(2, run.Log.Count(line => line.Contains("rspamd_regexp: match of /", StringComparison.Ordinal)
            && line.Contains("gave up after 1 s", StringComparison.Ordinal)));
    }
}
