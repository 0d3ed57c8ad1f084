-- rspamd_tcp: the module table and the rspamd{tcp} methods, wrapping raw host functions that never raise.
local raw = ...
local error, type, tostring = error, type, tostring
local protected_call = raw.protected_call
local session_of = raw.session_of

local tcp = {}

-- rspamd reads the request table from the top of the stack, so both tcp.request{...} and tcp:request{...} work.
local fields = {'host', 'port', 'callback', 'on_connect', 'on_error', 'data', 'stop_pattern', 'partial', 'shutdown',
  'read', 'timeout', 'connect_timeout', 'read_timeout', 'write_timeout', 'ssl', 'ssl_noverify', 'no_ssl_verify',
  'upstream'}

local function request(a, b)
  local params = a
  if a == tcp and b ~= nil then params = b end
  if type(params) == 'table' then
    -- Read the fields here, where a table's __index may run (and raise) safely; the host reads this plain copy raw.
    local plain = {}
    for i = 1, #fields do
      local name = fields[i]
      plain[name] = params[name]
    end
    -- The session it belongs to (a task's, or the one given); without either, the running code's.
    plain.session = session_of(params.task) or session_of(params.session)
    params = plain
  end
  local ok, started, err, conn = raw.tcp_request(params)
  if not ok then error(started, 2) end
  if started then return true end
  if err ~= nil then
    -- Errors rspamd delivers before request returns false (a missing unix socket): on_error if given, else the
    -- callback, as the fatal fan-out would.
    if type(params.on_error) == 'function' then
      protected_call('on_error callback call', params.on_error, err, conn)
    else
      protected_call('callback call', params.callback, err, nil, conn)
    end
  end
  return false
end

tcp.request = request
tcp.new = request
tcp.connect = request

local methods = {}

function methods:add_read(callback, pattern)
  local ok, err = raw.tcp_add_read(self, callback, pattern)
  if not ok then error(err, 2) end
end

function methods:add_write(callback, data)
  local ok, written = raw.tcp_add_write(self, callback, data)
  if not ok then error(written, 2) end
  return written
end

function methods:shift_callback()
  local ok, err = raw.tcp_shift_callback(self)
  if not ok then error(err, 2) end
end

function methods:close()
  local ok, err = raw.tcp_close(self)
  if not ok then error(err, 2) end
end

-- Call from a callback: the handshake runs when the next handler is due. A second call raises 'invalid arguments'.
function methods:starttls(no_verify)
  local ok, err = raw.tcp_starttls(self, no_verify)
  if not ok then error(err, 2) end
end

local mt = raw.tcp_mt
mt.__index = methods
-- Any value gives a string (the raw function never fails), as rspamd's __tostring does.
mt.__tostring = function(self)
  local _, text = raw.tcp_tostring(self)
  return text
end

-- The pseudo-synchronous API. Its raw functions answer nothing when the operation started (the host resumes this
-- coroutine with the result), `true, done, value` when it finished at once, or `false, message` for a bad argument,
-- which the caller raises before settling.
local yield = coroutine.yield

local function settle(ok, done, value)
  if ok == nil then return yield() end
  return done, value
end

function tcp.connect_sync(params)
  local session
  if type(params) == 'table' then session = session_of(params.task) or session_of(params.session) end
  local ok, done, value = raw.tcp_connect_sync(params, session)
  if ok == false then error(done, 2) end
  return settle(ok, done, value)
end

local sync_methods = {}

function sync_methods:read_once()
  local ok, done, value = raw.sync_read_once(self)
  if ok == false then error(done, 2) end
  return settle(ok, done, value)
end

function sync_methods:write(data)
  local ok, done, value = raw.sync_write(self, data)
  if ok == false then error(done, 2) end
  return settle(ok, done, value)
end

function sync_methods:eof()
  local ok, value = raw.sync_eof(self)
  if not ok then error(value, 2) end
  return value
end

function sync_methods:shutdown()
  local ok, err = raw.sync_shutdown(self)
  if not ok then error(err, 2) end
end

function sync_methods:close()
  local ok, err = raw.sync_close(self)
  if not ok then error(err, 2) end
end

-- Yields until the handshake is done: true, or false, err. A second call raises 'invalid arguments'.
function sync_methods:starttls(no_verify)
  local ok, done, value = raw.sync_starttls(self, no_verify)
  if ok == false then error(done, 2) end
  return settle(ok, done, value)
end

local sync_mt = raw.tcp_sync_mt
sync_mt.__index = sync_methods
sync_mt.__tostring = function(self)
  local _, text = raw.sync_tostring(self)
  return text
end

raw.provide('rspamd_tcp', tcp)
