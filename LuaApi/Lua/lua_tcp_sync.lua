-- lua_tcp_sync: rspamd's recommended wrapper over rspamd_tcp.connect_sync (lualib/lua_tcp_sync.lua), with
-- buffered reads. Unlike rspamd's, read_once after buffered data leaves the buffer usable (rspamd sets it to nil
-- and every later read fails).
local raw = ...
local rspamd_tcp = require 'rspamd_tcp'
local find, sub = string.find, string.sub
local error, getmetatable, type = error, getmetatable, type

local exports = {}

local tcp_sync = {}

local metatable = {
  __tostring = function(self)
    return 'class {tcp_sync connect to: ' .. self._addr .. '}'
  end,
}

-- Every method checks its self first: w.read_until(42) must say what is wrong, not "attempt to index a number".
local function check_self(self, method)
  if getmetatable(self) ~= metatable then
    error('lua_tcp_sync: ' .. method .. ': self is not a lua_tcp_sync connection (call it as obj:' .. method .. '(...))', 3)
  end
end

-- One chunk: what is buffered, else one read from the connection.
function tcp_sync:read_once()
  check_self(self, 'read_once')
  if #self._data > 0 then
    local data = self._data
    self._data = ''
    return true, data
  end
  local ok, data = self._conn:read_once()
  if not ok and self._conn:eof() then self._eof = true end
  return ok, data
end

local function fill(self)
  local ok, data = self._conn:read_once()
  if not ok then
    if self._conn:eof() then self._eof = true end
    return false, data
  end
  self._data = self._data .. data
  return true
end

-- The bytes before the first occurrence of `pattern` (plain text, not a Lua pattern); what follows stays buffered.
function tcp_sync:read_until(pattern)
  check_self(self, 'read_until')
  if type(pattern) ~= 'string' or pattern == '' then
    error('read_until: pattern must be a non-empty string', 2)
  end
  local from = 1
  while true do
    local s, e = find(self._data, pattern, from, true)
    if s then
      local before = sub(self._data, 1, s - 1)
      self._data = sub(self._data, e + 1)
      return true, before
    end
    -- A pattern split across reads starts within its length of the end.
    from = math.max(1, #self._data - #pattern + 2)
    local ok, err = fill(self)
    if not ok then return false, err end
  end
end

-- Exactly n bytes.
function tcp_sync:read_bytes(n)
  check_self(self, 'read_bytes')
  if type(n) ~= 'number' or n < 0 or n ~= math.floor(n) then
    error('read_bytes: n must be a non-negative integer', 2)
  end
  while #self._data < n do
    local ok, err = fill(self)
    if not ok then return false, err end
  end
  local data = sub(self._data, 1, n)
  self._data = sub(self._data, n + 1)
  return true, data
end

-- Everything until the peer closes; an error once at EOF is the normal end.
function tcp_sync:read_until_eof()
  check_self(self, 'read_until_eof')
  while not self:eof() do
    local ok, err = fill(self)
    if not ok then
      if self:eof() then break end
      return false, err
    end
  end
  local data = self._data
  self._data = ''
  return true, data
end

function tcp_sync:write(data)
  check_self(self, 'write')
  return self._conn:write(data)
end

function tcp_sync:close()
  check_self(self, 'close')
  return self._conn:close()
end

function tcp_sync:eof()
  check_self(self, 'eof')
  if not self._eof and self._conn:eof() then self._eof = true end
  return self._eof
end

function tcp_sync:shutdown()
  check_self(self, 'shutdown')
  return self._conn:shutdown()
end

function exports.connect(args)
  local ok, conn = rspamd_tcp.connect_sync(args)
  if not ok then return false, conn end
  local obj = { _conn = conn, _data = '', _eof = false, _addr = tostring(args.host) .. ':' .. tostring(args.port) }
  for name, method in pairs(tcp_sync) do obj[name] = method end
  return true, setmetatable(obj, metatable)
end

raw.provide('lua_tcp_sync', exports)
