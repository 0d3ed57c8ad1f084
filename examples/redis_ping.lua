-- A plugin against a real Redis: PING, SET, GET over RESP (the Redis protocol) with the sync API. The script body
-- runs in a host coroutine, so lua_tcp_sync (rspamd's wrapper over rspamd_tcp.connect_sync) reads like blocking code
-- while actortcp stays asynchronous underneath.
--
--   actortcp run examples/redis_ping.lua [HOST [PORT [KEY [VALUE]]]]    (default 127.0.0.1 6379)
local tcp_sync = require 'lua_tcp_sync'

local host = arg[1] or '127.0.0.1'
local port = tonumber(arg[2]) or 6379
local key = arg[3] or 'actortcp:example'
local value = arg[4] or 'hello from rspamd_tcp'

-- A command as a RESP array of bulk strings.
local function resp(...)
  local parts = { '*' .. select('#', ...) .. '\r\n' }
  for i = 1, select('#', ...) do
    local s = tostring((select(i, ...)))
    parts[#parts + 1] = '$' .. #s .. '\r\n' .. s .. '\r\n'
  end
  return table.concat(parts)
end

-- One reply: simple string (+), error (-), integer (:) or bulk string ($, nil for $-1).
local function read_reply(conn)
  local ok, line = conn:read_until('\r\n')
  if not ok then error('read failed: ' .. tostring(line)) end
  local kind, rest = line:sub(1, 1), line:sub(2)
  if kind == '+' or kind == ':' then return rest end
  if kind == '-' then error('redis error: ' .. rest) end
  if kind == '$' then
    local n = tonumber(rest)
    if n < 0 then return nil end
    local ok2, data = conn:read_bytes(n + 2)
    if not ok2 then error('read failed: ' .. tostring(data)) end
    return data:sub(1, n)
  end
  error('unexpected reply: ' .. line)
end

local function command(conn, ...)
  local ok, err = conn:write(resp(...))
  if not ok then error('write failed: ' .. tostring(err)) end
  return read_reply(conn)
end

local ok, conn = tcp_sync.connect({ host = host, port = port, timeout = 5 })
if not ok then
  error(string.format('cannot connect to redis at %s:%d: %s', host, port, conn))
end

print('PING -> ' .. command(conn, 'PING'))
print(string.format('SET %s %q -> %s', key, value, command(conn, 'SET', key, value)))
print(string.format('GET %s -> %q', key, tostring(command(conn, 'GET', key))))
conn:close()
