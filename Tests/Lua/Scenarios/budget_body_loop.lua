-- actortcp.lua.instruction-budget: a script body that never returns fails with the budget error.
-- @hocon: actortcp.lua.instruction-budget = 1000000
-- @script-error: instruction budget exceeded (actortcp.lua.instruction-budget = 1000000)
print('before')
local n = 0
while true do n = n + 1 end
