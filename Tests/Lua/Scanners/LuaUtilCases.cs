namespace ActorTcp.Tests.Lua.Scanners;

/// <summary>
/// Cases for the lua_util functions rspamd's scanners call, with the lines rspamd 3.4 prints for them (run with
/// <c>rspamadm lua -b</c> on rspamd's own lua_util): both ActorTcp's compatible lua_util and rspamd's, over a native
/// LPeg, must print the same.
/// </summary>
internal static class LuaUtilCases
{
    public const string Script = """
        local u = require "lua_util"
        local function show(t) local o = {} for i, v in ipairs(t) do o[i] = '[' .. v .. ']' end return #t .. ':' .. table.concat(o) end
        local function keys(t)
          local o = {}
          for k, v in pairs(t) do o[#o+1] = tostring(k) .. '=' .. (type(v) == 'table' and '{' .. keys(v) .. '}' or tostring(v)) end
          table.sort(o)
          return table.concat(o, ',')
        end
        print('split1', show(u.str_split('a,,b', ',')))
        print('split2', show(u.str_split('', ',')))
        print('split3', show(u.str_split('a b;c', ' ;')))
        print('split4', show(u.str_split('x-y]z^w', '-]^')))
        print('split5', show(u.str_split('no separators', ',')))
        print('split6', show(u.str_split(',lead,trail,', ',')))
        print('split7', show(u.str_split('a b\tc\n d')))
        print('tmpl1', u.template('HELLO $FOO ${BAR}!', {FOO = 'LUA', BAR = 'WORLD'}))
        print('tmpl2', u.template('$MISSING and ${GONE}', {}))
        print('tmpl3', u.template('cost $$N ${N', {N = 5}))
        print('tmpl4', u.template('$A_1$B', {A_1 = 'x', B = 1.5}))
        -- Lua 5.4 puts lua_util's position before LPeg's message, LuaJIT does not: the message is compared.
        local ok, err = pcall(u.template, '$T', {T = true})
        print('tmpl5', ok, (err:gsub('^.*: ', '')))
        print('over1', keys(u.override_defaults({a = 1, b = {c = 2, d = 3}}, {b = {c = 4}, e = 5})))
        print('over2', u.override_defaults({a = 1}, nil).a, u.override_defaults(nil, {z = 2}).z)
        print('over3', keys(u.override_defaults({t = {1, 2}}, {t = 'flat'})))
        print('debugm', u.debugm('clamav', rspamd_config, 'not logged %s', 1))
        print('alias', u.add_debug_alias('antivirus', 'clamav'))
        """;

    public static readonly string[] Rspamd34 =
    [
        "split1\t3:[a][][b]",
        "split2\t1:[]",
        "split3\t3:[a][b][c]",
        "split4\t4:[x][y][z][w]",
        "split5\t1:[no separators]",
        "split6\t4:[][lead][trail][]",
        "split7\t5:[a][b][c][][d]",
        "tmpl1\tHELLO LUA WORLD!",
        "tmpl2\tMISSING and GONE",
        "tmpl3\tcost $5 ${N",
        "tmpl4\tx1.5",
        "tmpl5\tfalse\tinvalid replacement value (a boolean)",
        "over1\ta=1,b={c=4,d=3},e=5",
        "over2\t1\t2",
        "over3\tt=flat",
        "debugm",
        "alias",
    ];
}
