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

/// <summary>
/// <c>actortcp.lua.lpeg</c> naming a library that is not LPeg (docs/bad_input.md S3): a warning naming it, and the hosts
/// go on with ActorTcp's compatible lua_util.
/// </summary>
public sealed class RefusedLpegTests(ITestOutputHelper output) : ActorTcpTestKit(output,
    $"actortcp.lua {{ rspamd-lualib = \"{Installed.Lualib}\", lpeg = \"{NotLpeg}\" }}")
{
    // Any shared library without luaopen_lpeg.
    private const string NotLpeg = "/usr/lib/x86_64-linux-gnu/libz.so.1";

    [InstalledFact("rspamd", Installed.Lualib, "zlib1g", NotLpeg)]
    public async Task A_library_without_luaopen_lpeg_is_refused_with_a_warning_and_the_compatible_lua_util_is_used()
    {
        var run = await RunLuaAsync("local u = require 'lua_util'; print(package.loaded.lpeg ~= nil, u.keys ~= nil, #u.str_split('a b'))");

        run.AssertSucceeded();
        Assert.Equal(["false\tfalse\t2"], run.Printed);
        Assert.Contains(run.Log, line => line.Contains(
            $"actortcp.lua.lpeg: {NotLpeg} has no luaopen_lpeg; lua_util and lua_redis are ActorTcp's compatible ones",
            StringComparison.Ordinal));
    }
}
