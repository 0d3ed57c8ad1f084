-- ActorTcp prelude: runs first, with the table of raw host functions as its argument (then sandbox.lua, then the
-- modules' chunks).
--
-- The return convention of raw host functions (every function of the `raw` table written in C#):
-- * They never raise or yield (a longjmp across .NET frames aborts the process), and never let an exception out.
-- * Their first result `ok` says how the call went; the Lua wrappers (here and in the module chunks) check it, then
--   raise, yield or return for them:
--     true, results...   done; `results` (any number, nil included) are the call's own results. A call whose
--                        outcome rspamd reports as a value (connect_sync's `false, err`) returns it as results.
--     false, message     the call cannot be done (a bad argument, an internal error): the wrapper raises `message`,
--                        at level 2 for a function the plugin calls, so that the error names the plugin's line.
--     nothing (ok nil)   only from a function that suspends the running coroutine (the sync API): the host has
--                        started the operation; the wrapper yields and returns what the host resumes it with.
-- * Lua keeps only the first result of a metamethod, so no raw function is a metamethod itself: __tostring, __len,
--   __eq, __concat are Lua wrappers. (__gc functions are not raw functions: the host sets them in its metatables
--   and Lua ignores what they return.)
-- A wrapper may ignore a failure where the plugin cannot act on it (print, the host log).
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

-- A traceback starts at the plugin's frames: the host's frames on top of them (a wrapper that raised for the plugin,
-- the instruction budget's hook, the C functions they called) do not say where the plugin went wrong. The C function
-- a plugin frame called itself (error, string.rep) stays, as in Lua's own tracebacks. raw.host_chunks holds the
-- sources of the host's chunks (LuaRuntime).
local getinfo, running = debug.getinfo, coroutine.running
local host_chunks = raw.host_chunks

-- The level of `thread`'s stack where its traceback starts, looking from `level` down; `level` when no frame below is
-- a plugin's. The host calls it (for a coroutine that failed) before building the traceback itself.
local function plugin_level(thread, level)
  local at = level
  while true do
    local info = getinfo(thread, at, 'S')
    if not info then return level end
    if info.what ~= 'C' and not host_chunks[info.source] then break end
    at = at + 1
  end
  if at > level and getinfo(thread, at - 1, 'S').what == 'C' then at = at - 1 end
  return at
end
raw.plugin_level = plugin_level

-- xpcall's message handler. On the failing thread's stack, level 0 is debug.traceback or getinfo, 1 the function
-- calling it; from the handler, what raised is level 2 for traceback and 3 for plugin_level (one frame deeper).
local function plugin_traceback(message)
  local thread = running()
  local text = traceback(thread, message, plugin_level(thread, 3) - 1)
  return text -- not a tail call: the levels above count this frame
end

-- Calls f(...) as rspamd calls callbacks: an error is logged as `<what> failed: <message + traceback>`
-- and swallowed.
function raw.protected_call(what, f, ...)
  local ok, err = xpcall(f, plugin_traceback, ...)
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
-- rspamd's task:insert_result([enforce,] symbol, weight[, option...]): the symbol, its weight and options become part
-- of the task's result (ScriptFinished.Symbols). Options: strings, texts, or tables of them.
local insert_result = raw.task_insert_result
function task_methods:insert_result(...)
  local ok, err = insert_result(task_sessions[self], ...)
  if not ok then error(err, 2) end
end
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

