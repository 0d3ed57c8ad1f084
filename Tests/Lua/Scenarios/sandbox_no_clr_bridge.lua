-- Issue 8 item 4: plugin Lua has no bridge into .NET (ActorTcp calls Lua's C API itself; there is no NLua CLR
-- loader), and by default debug is reduced to traceback/getinfo, so a plugin cannot remove the instruction budget's
-- hook (debug.sethook) or reach the host's raw functions (debug.getregistry).
local names = {}
for name in pairs(_G) do names[#names + 1] = name end
table.sort(names)
print('globals', table.concat(names, ' '))
for _, name in ipairs{'import', 'luanet', 'load_assembly', 'CLRPackage', 'import_type', 'make_object', 'free_object'} do
  print(name, type(_G[name]), type(package.loaded[name]), (pcall(require, name)))
end
local debug_names = {}
for name in pairs(debug) do debug_names[#debug_names + 1] = name end
table.sort(debug_names)
print('debug', table.concat(debug_names, ' '), require('debug') == debug)
print('traceback works', (debug.traceback('x'):gsub('\n.*', '')))
