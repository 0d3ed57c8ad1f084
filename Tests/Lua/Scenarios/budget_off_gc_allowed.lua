-- actortcp.lua.instruction-budget = 0 (unlimited): __gc finalizers are allowed again.
-- @hocon: actortcp.lua.instruction-budget = 0
setmetatable({}, {__gc = function() print('finalized') end})
collectgarbage()
collectgarbage()
print('after collect')
