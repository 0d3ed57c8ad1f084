-- ActorTcp sandbox (HOCON.conf actortcp.lua): runs right after prelude.lua and before every module chunk, with the
-- table of raw host functions as its argument. It is the whole policy plugins run under: the instruction budget's
-- poison, the __gc refusal while a budget is set, the debug library's restriction and the optional restricted
-- standard library. raw.debug_library, raw.instruction_budget and raw.restricted_stdlib are the settings.
local raw = ...
local setmetatable, getmetatable, type, error, tostring, ipairs = setmetatable, getmetatable, type, error, tostring, ipairs

-- The instruction budget's C# count hook calls raw.poison once a run is over budget: from then on every instruction
-- of that thread raises, so no pcall can swallow it (InstructionBudget.cs).
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
  for name, value in pairs(raw) do -- task_mt included
    if type(name) == 'string' and name:sub(-3) == '_mt' and type(value) == 'table' then protect(value) end
  end
  -- io's file handles have a __gc of their own (it closes the file), so a plugin could replace it rather than add
  -- one: their metatable is hidden instead (io.type, methods and tostring do not need it).
  if io and io.stdout then rawset(getmetatable(io.stdout), '__metatable', false) end
  _G.rawset = function(t, key, value)
    if key == '__gc' and guarded[t] then error('rawset: ' .. refused, 2) end
    return rawset(t, key, value)
  end
end

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
