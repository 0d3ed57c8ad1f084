-- actortcp.lua.gc = incremental keeps Lua's classic collector.
-- @hocon: actortcp.lua.gc = incremental
print('mode', collectgarbage('generational'))
