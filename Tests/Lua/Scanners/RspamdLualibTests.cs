using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua.Scanners;

/// <summary>
/// <c>actortcp.lua.rspamd-lualib</c>: rspamd's own Lua files (from the Debian package) load on a host as they are, with
/// ActorTcp's compatible lua_util and lua_redis standing in for rspamd's LPeg-based ones.
/// </summary>
public sealed class RspamdLualibTests(ITestOutputHelper output)
    : ActorTcpTestKit(output, $"actortcp.lua.rspamd-lualib = \"{Installed.Lualib}\"")
{
    [InstalledFact("rspamd", Installed.Lualib)]
    public async Task Rspamds_scanner_files_load_unchanged_from_the_configured_directory()
    {
        var run = await RunLuaAsync("""
            for _, name in ipairs{'clamav', 'spamassassin', 'icap', 'pyzor', 'razor', 'dcc'} do
              local scanner = require('lua_scanners/' .. name)
              print(scanner.name, scanner.description, type(scanner.check), type(scanner.configure))
            end
            print(package.searchpath('lua_scanners/clamav', package.path))
            print(package.loaded['lua_util'].str_split ~= nil, package.loaded['lpeg'] == nil)
            """);

        run.AssertSucceeded();
        Assert.Equal(
            [
                "clamav\tclamav antivirus\tfunction\tfunction",
                "spamassassin\tspamassassin spam scanner\tfunction\tfunction",
                "icap\tgeneric icap antivirus\tfunction\tfunction",
                "pyzor\tpyzor bulk scanner\tfunction\tfunction",
                "razor\trazor bulk scanner\tfunction\tfunction",
                "dcc\tdcc bulk scanner\tfunction\tfunction",
                Installed.Lualib + "/lua_scanners/clamav.lua",
                "true\ttrue",
            ],
            run.Printed);
    }

    [InstalledFact("rspamd", Installed.Lualib)]
    public async Task Rspamds_fun_library_tells_texts_apart_by_the_cookie_rspamd_text_gives()
    {
        var run = await RunLuaAsync("""
            local fun = require 'fun'
            local text = require 'rspamd_text'
            print(text.cookie, text.fromstring('x').cookie == text.cookie)
            -- fun iterates a text byte by byte because of the cookie, as it does in rspamd
            print(table.concat(fun.totable(fun.map(function(c) return c:upper() end, text.fromstring('abc')))))
            """);

        run.AssertSucceeded();
        Assert.Equal(["723644271\ttrue", "ABC"], run.Printed);
    }

    [InstalledFact("rspamd", Installed.Lualib)]
    public async Task The_compatible_lua_util_gives_what_rspamds_gives_on_the_functions_scanners_call()
    {
        var run = await RunLuaAsync(LuaUtilCases.Script);

        run.AssertSucceeded();
        Assert.Equal(LuaUtilCases.Rspamd34, run.Printed);
    }

    [InstalledFact("rspamd", Installed.Lualib)]
    public async Task Without_redis_settings_lua_redis_gives_no_servers_and_a_scanner_rule_has_no_cache()
    {
        var run = await RunLuaAsync("""
            local lua_redis = require 'lua_redis'
            print(lua_redis.parse_redis_server('antivirus'), lua_redis.parse_redis_server('antivirus', {}))
            local common = require 'lua_scanners/common'
            -- no redis_params: rspamd's common goes straight to the scanner (false = no cache lookup)
            print(common.condition_check_and_continue(nil, 'content', {name = 'clamav', log_prefix = 'clamav'}, 'digest',
              function() print('scanned') end))
            """);

        run.AssertSucceeded();
        Assert.Equal(["nil\tnil", "false"], run.Printed);
    }
}

/// <summary>Without the setting, rspamd's library is not on the path.</summary>
public sealed class RspamdLualibAbsentTests(ITestOutputHelper output) : ActorTcpTestKit(output)
{
    [Fact]
    public async Task Without_the_setting_rspamds_files_are_not_found_but_the_compatible_lua_util_is()
    {
        var run = await RunLuaAsync("""
            print(pcall(require, 'lua_scanners/clamav'))
            print(type(require('lua_util').override_defaults))
            """);

        run.AssertSucceeded();
        Assert.StartsWith("false\tmodule 'lua_scanners/clamav' not found:", run.Printed[0]);
        Assert.DoesNotContain(Installed.Lualib, run.Printed[0]);
        Assert.Equal("function", run.Printed[^1]);
    }
}
