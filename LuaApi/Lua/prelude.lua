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

-- Sessions and tasks. A plugin function run for a task gets a task object (the caller's fields, plus
-- task:get_session()); `task = t` or `session = s` in a request attaches it to that session.
local setmetatable, getmetatable, type, error, format = setmetatable, getmetatable, type, error, string.format
local session_mt = raw.session_mt
session_mt.__tostring = function() return 'rspamd{session}' end
local task_sessions = setmetatable({}, {__mode = 'k'})
local task_methods = {}
function task_methods:get_session() return task_sessions[self] end
local task_mt = {__index = task_methods, __name = 'rspamd{task}', __tostring = function() return 'rspamd{task}' end}
-- sandbox.lua guards it with the host's other metatables.
raw.task_mt = task_mt

-- The session userdata a task or a session value stands for; nil for anything else.
function raw.session_of(value)
  if value == nil then return nil end
  local session = task_sessions[value]
  if session then return session end
  if type(value) == 'userdata' and getmetatable(value) == session_mt then return value end
  return nil
end

-- Runs the global plugin function `name` for a new task (the host calls this in the session's coroutine).
function raw.run_task(name, fields, session)
  local f = _G[name]
  if type(f) ~= 'function' then error(format('plugin function %s is not defined (a %s)', name, type(f)), 0) end
  local task = setmetatable(fields, task_mt)
  task_sessions[task] = session
  return f(task)
end

-- Host objects that keep their data in a userdata's user value (rspamd{ip}) read it through this; plugins never get it.
raw.getuservalue = debug.getuservalue

