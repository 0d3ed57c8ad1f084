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

-- The sandbox (HOCON.conf actortcp.lua). The instruction budget's C# count hook calls raw.poison once a run is over
-- budget: from then on every instruction of that thread raises, so no pcall can swallow it (InstructionBudget.cs).
local sethook = debug.sethook
function raw.poison(thread, message)
  sethook(thread, function() error(message, 0) end, '', 1)
end

-- Lua runs finalizers with hooks off, so an endless __gc would hang the host out of the budget's reach: while a
-- budget is set, plugins may not give a table a __gc metamethod (Lua only honours one present at setmetatable time).
if raw.instruction_budget then
  local setmetatable, rawget, rawset, type, pairs = setmetatable, rawget, rawset, type, pairs
  local refused = '__gc metamethods are not allowed while actortcp.lua.instruction-budget is set ' ..
    '(a finalizer runs outside the budget)'
  _G.setmetatable = function(t, mt)
    if type(mt) == 'table' and rawget(mt, '__gc') ~= nil then error('setmetatable: ' .. refused, 2) end
    return setmetatable(t, mt)
  end

  -- The host's own metatables (raw.*_mt, and tasks') are reachable with getmetatable, as in rspamd, and the host
  -- attaches them without the check above: a __gc put into one would make every later object of that class a
  -- finalized one. Plugins may still add other fields; __gc is refused, however it is stored.
  local guarded = setmetatable({}, {__mode = 'k'})
  local guard = {
    __newindex = function(mt, key, value)
      if key == '__gc' then error('__gc: ' .. refused, 2) end
      rawset(mt, key, value)
    end,
    __metatable = false, -- the guard itself can be neither read nor replaced
  }
  local function protect(mt)
    guarded[mt] = true
    setmetatable(mt, guard)
  end
  for name, value in pairs(raw) do
    if type(name) == 'string' and name:sub(-3) == '_mt' and type(value) == 'table' then protect(value) end
  end
  protect(task_mt)
  -- io's file handles have a __gc of their own (it closes the file), so a plugin could replace it rather than add
  -- one: their metatable is hidden instead (io.type, methods and tostring do not need it).
  if io and io.stdout then rawset(getmetatable(io.stdout), '__metatable', false) end
  _G.rawset = function(t, key, value)
    if key == '__gc' and guarded[t] then error('rawset: ' .. refused, 2) end
    return rawset(t, key, value)
  end
end

-- Host objects that keep their data in a userdata's user value (rspamd{ip}) read it through this; plugins never get it.
raw.getuservalue = debug.getuservalue

-- debug.sethook would let a plugin remove the budget, and debug.getregistry/getupvalue reach the host's internals:
-- plugins keep only the read-only helpers unless the configuration opens the whole library.
if not raw.debug_library then
  local whole = debug
  debug = { traceback = whole.traceback, getinfo = whole.getinfo }
  package.loaded.debug = debug
end

-- Optional (off by default: rspamd plugins get the whole standard library): drop what reaches the host process or
-- its files outside rspamd_tcp - running commands, exiting, files, environment, native modules, bytecode.
if raw.restricted_stdlib then
  local load = load
  for _, name in ipairs{'execute', 'exit', 'remove', 'rename', 'tmpname', 'getenv', 'setlocale'} do os[name] = nil end
  io = nil
  package.loaded.io = nil
  package.loadlib = nil
  package.cpath = ''
  package.searchers[3], package.searchers[4] = nil, nil
  package.path = ''
  dofile, loadfile = nil, nil
  -- Source text only: a binary chunk can break the VM's memory safety.
  _G.load = function(chunk, name, mode, ...)
    if mode ~= nil and mode ~= 't' then error("load: only text chunks are allowed (actortcp.lua.restricted-stdlib)", 2) end
    return load(chunk, name, 't', ...) -- `...`: an absent env stays absent (an explicit nil env means no globals)
  end
  string.dump = nil
  -- The collector is shared by every plugin of the host: one may not stop it or retune it for all.
  local collectgarbage = collectgarbage
  local allowed = { collect = true, count = true, step = true, isrunning = true }
  _G.collectgarbage = function(opt, ...)
    if opt ~= nil and not allowed[opt] then
      error("collectgarbage: option '" .. tostring(opt) .. "' is not allowed (actortcp.lua.restricted-stdlib)", 2)
    end
    return collectgarbage(opt, ...)
  end
end
