-- lua_tcp_sync: rspamd's recommended wrapper over rspamd_tcp.connect_sync (lualib/lua_tcp_sync.lua), with
-- buffered reads. Unlike rspamd's, read_once after buffered data leaves the buffer usable (rspamd sets it to nil
-- and every later read fails).
local raw = ...
local rspamd_tcp = require 'rspamd_tcp'
local find, sub, concat, move = string.find, string.sub, table.concat, table.move
local error, getmetatable, setmetatable, type, tostring, max = error, getmetatable, setmetatable, type, tostring, math.max

local exports = {}

local tcp_sync = {}

-- Shared by every connection: methods come through __index, nothing is copied per object.
local metatable = {
  __index = tcp_sync,
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

-- The buffer keeps the strings read as they came (appending each read to one string copies the whole buffer every
-- time: quadratic for a big body): self._pieces[1..n], the first starting at its byte self._pos, self._len bytes
-- in all.
local function push(self, data)
  if #data == 0 then return end
  local pieces = self._pieces
  pieces[#pieces + 1] = data
  self._len = self._len + #data
end

-- Removes the first n (0..self._len) buffered bytes and returns them as one string.
local function take(self, n)
  local pieces, pos = self._pieces, self._pos
  local parts, used, left = {}, 0, n
  while left > 0 do
    local piece = pieces[used + 1]
    local available = #piece - pos + 1
    if available <= left then
      parts[used + 1] = pos == 1 and piece or sub(piece, pos)
      used, pos, left = used + 1, 1, left - available
    else
      parts[used + 1] = sub(piece, pos, pos + left - 1)
      pos, left = pos + left, 0
    end
  end
  if used > 0 then
    local count = #pieces
    move(pieces, used + 1, count, 1)
    for i = count - used + 1, count do pieces[i] = nil end
  end
  self._pos, self._len = pos, self._len - n
  return #parts == 1 and parts[1] or concat(parts)
end

-- One read from the connection into the buffer; returns the data read, or false, err.
local function fill(self)
  local ok, data = self._conn:read_once()
  if not ok then
    if self._conn:eof() then self._eof = true end
    return false, data
  end
  push(self, data)
  return data
end

-- One chunk: what is buffered, else one read from the connection.
function tcp_sync:read_once()
  check_self(self, 'read_once')
  if self._len > 0 then return true, take(self, self._len) end
  local ok, data = self._conn:read_once()
  if not ok and self._conn:eof() then self._eof = true end
  return ok, data
end

-- The bytes before the first occurrence of `pattern` (plain text, not a Lua pattern); what follows stays buffered.
function tcp_sync:read_until(pattern)
  check_self(self, 'read_until')
  if type(pattern) ~= 'string' or pattern == '' then
    error('read_until: pattern must be a non-empty string', 2)
  end
  -- Between calls the buffer holds at most the rest of one read (each read stops within the last piece read), so
  -- joining it here copies nothing in practice; it makes the search over what is buffered one find.
  if #self._pieces > 1 then push(self, take(self, self._len)) end
  local m = #pattern
  local before -- bytes buffered before the match
  local tail = '' -- the last m - 1 bytes searched: a match split across reads starts there
  local piece = self._pieces[1]
  if piece then
    local s = find(piece, pattern, self._pos, true)
    if s then
      before = s - self._pos
    else
      tail = sub(piece, max(self._pos, #piece - m + 2))
    end
  end
  while not before do
    local searched = self._len
    local data, err = fill(self)
    if not data then return false, err end
    local window = tail .. data
    local s = find(window, pattern, 1, true)
    if s then
      before = searched - #tail + s - 1
    else
      tail = sub(window, max(1, #window - m + 2))
    end
  end
  local result = take(self, before)
  take(self, m)
  return true, result
end

-- Exactly n bytes.
function tcp_sync:read_bytes(n)
  check_self(self, 'read_bytes')
  if type(n) ~= 'number' or n < 0 or n ~= math.floor(n) then
    error('read_bytes: n must be a non-negative integer', 2)
  end
  while self._len < n do
    local data, err = fill(self)
    if not data then return false, err end
  end
  return true, take(self, n)
end

-- Everything until the peer closes; an error once at EOF is the normal end.
function tcp_sync:read_until_eof()
  check_self(self, 'read_until_eof')
  while not self:eof() do
    local data, err = fill(self)
    if not data then
      if self:eof() then break end
      return false, err
    end
  end
  return true, take(self, self._len)
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
  local obj = { _conn = conn, _pieces = {}, _pos = 1, _len = 0, _eof = false,
    _addr = tostring(args.host) .. ':' .. tostring(args.port) }
  return true, setmetatable(obj, metatable)
end

raw.provide('lua_tcp_sync', exports)
