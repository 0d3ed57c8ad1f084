-- W2: CONNS persistent connections sharing N round trips. Each connection's first round trip is its request's data
-- and stop pattern; every later one is chained from the callbacks as rspamd plugins do (lua_smtp.lua): the read
-- callback adds a write, whose callback adds the next read. Prints "result OK BAD FIRST_ERROR" at the end.
local tcp = require 'rspamd_tcp'
local host, port = arg[1], tonumber(arg[2])
local n, conns, size = tonumber(arg[3]), tonumber(arg[4]), tonumber(arg[5])
local want = string.rep('x', size - 1)
local message = want .. '\n'
local started, done, bad, first = 0, 0, 0, 'none'

local function finish_one(err)
  done = done + 1
  if err then
    bad = bad + 1
    if first == 'none' then first = err end
  end
  if done == n then print(string.format('result %d %d %s', n - bad, bad, first)) end
end

local on_read
local function on_write(err, conn)
  if err then return end -- the error reaches on_read too (fatal errors go to every queued handler)
  conn:add_read(on_read, '\n')
end

on_read = function(err, data, conn)
  if not err and tostring(data) ~= want then err = 'wrong reply' end
  finish_one(err)
  if err then
    -- a broken connection loses its share: count it as failed so the script still ends
    return
  end
  if started < n then
    started = started + 1
    conn:add_write(on_write, message)
  end
end

local per_conn = math.min(conns, n)
for _ = 1, per_conn do
  started = started + 1
  local ok = tcp.request{host = host, port = port, data = message, stop_pattern = '\n', timeout = 600,
    callback = on_read}
  if not ok then finish_one('request returned false') end
end
