-- While an instruction budget is set, a plugin may not install a __gc finalizer: Lua runs finalizers with hooks
-- off, so an endless __gc would hang the host beyond the budget's reach. Other metatables work as before.
local ok, err = pcall(setmetatable, {}, {__gc = function() while true do end end})
print('__gc', ok, (tostring(err):gsub('^[^:]*:%d+: ', '')))
local t = setmetatable({}, {__index = function(_, k) return k .. '!' end})
print('__index', t.x)
local c = setmetatable({}, {__close = function() print('closed') end})
do local _ <close> = c end
collectgarbage()
print('after collect')
