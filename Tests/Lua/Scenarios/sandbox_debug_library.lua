-- actortcp.lua.debug-library = on gives plugins the whole debug library.
-- @hocon: actortcp.lua.debug-library = on
print(type(debug.sethook), type(debug.getregistry), type(debug.getupvalue))
