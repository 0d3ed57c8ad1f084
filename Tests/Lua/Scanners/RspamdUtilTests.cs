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
                "false\tbad argument #2 (string or rspamd{text} expected, got number)",
            ],
            run.Printed);
        Assert.Contains(run.Log, line => line.StartsWith("info: cannot parse regexp: (, error: ", StringComparison.Ordinal));
    }
}
