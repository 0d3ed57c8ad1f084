using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua.Scanners;

/// <summary>
/// <c>actortcp.lua.lpeg</c>: Debian's LPeg for Lua 5.4 bound to the host's own Lua core, so rspamd's lua_util, lupa,
/// tableshape and lua_redis load unchanged.
/// </summary>
public sealed class NativeLpegTests(ITestOutputHelper output) : ActorTcpTestKit(output,
    $"actortcp.lua {{ rspamd-lualib = \"{Installed.Lualib}\", lpeg = \"{Installed.Lpeg}\" }}")
{
    [InstalledFact("rspamd", Installed.Lualib, "lua-lpeg", Installed.Lpeg)]
    public async Task Rspamds_own_lua_util_and_lua_redis_load_over_lpeg_bound_to_the_hosts_lua_core()
    {
        var run = await RunLuaAsync("""
            local lpeg = require 'lpeg'
            local util = require 'lua_util'
            require 'lua_redis'
            require 'lua_scanners/clamav'
            print(lpeg.version ~= nil, package.searchpath('lua_util', package.path))
            -- a grammar built and matched in LPeg's C code, on this host's Lua values
            print(lpeg.match(lpeg.C(lpeg.R('az') ^ 1), 'scanner42'), util.str_split('a;b', ';')[2])
            """);

        run.AssertSucceeded();
        Assert.Equal(["true\t" + Installed.Lualib + "/lua_util.lua", "scanner\tb"], run.Printed);
    }

    [InstalledFact("rspamd", Installed.Lualib, "lua-lpeg", Installed.Lpeg)]
    public async Task Rspamds_own_lua_util_gives_the_same_answers_here_as_under_rspamd()
    {
        var run = await RunLuaAsync(LuaUtilCases.Script);

        run.AssertSucceeded();
        Assert.Equal(LuaUtilCases.Rspamd34, run.Printed);
    }
}
