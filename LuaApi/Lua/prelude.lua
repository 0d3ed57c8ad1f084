-- ActorTcp prelude: runs first, with the table of raw host functions as its argument.
-- Raw host functions never raise or yield (a longjmp across .NET frames aborts the process); they return
-- `ok, value_or_err` and the Lua wrappers defined here and in the module chunks raise and yield instead.
local raw = ...
local select, tostring, concat = select, tostring, table.concat
local traceback = debug.traceback

-- print goes to the host's output, one call per line, in order with everything else the host prints.
print = function(...)
  local n = select('#', ...)
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  raw.print(concat(parts, '\t'))
end

-- Makes `require(name)` and the global `name` give `module`.
function raw.provide(name, module)
  package.loaded[name] = module
  _G[name] = module
end

-- Calls f(...) as rspamd calls callbacks: an error is logged as `<what> failed: <message + traceback>`
-- and swallowed.
function raw.protected_call(what, f, ...)
  local ok, err = xpcall(f, traceback, ...)
  if not ok then raw.log_info(what .. ' failed: ' .. tostring(err)) end
end
