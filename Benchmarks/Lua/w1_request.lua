-- W1: N round trips, INFLIGHT at a time, each on a new connection: rspamd_tcp.request with data and a '\n' stop
-- pattern. Each reply starts the next request. Prints "result OK BAD FIRST_ERROR" when the last reply is in.
-- W8: the same over TLS (a sixth argument 'tls': ssl = true, ssl_noverify = true).
local tcp = require 'rspamd_tcp'
local host, port = arg[1], tonumber(arg[2])
local n, inflight, size = tonumber(arg[3]), tonumber(arg[4]), tonumber(arg[5])
local tls = arg[6] == 'tls'
local want = string.rep('x', size - 1)
local message = want .. '\n'
local started, done, bad, first = 0, 0, 0, 'none'

local callback
local function finish_one(err)
  done = done + 1
  if err then
    bad = bad + 1
    if first == 'none' then first = err end
  end
  if done == n then print(string.format('result %d %d %s', n - bad, bad, first)) end
end

local function start()
  started = started + 1
  local ok = tcp.request{host = host, port = port, data = message, stop_pattern = '\n', timeout = 30,
    ssl = tls, ssl_noverify = tls, callback = callback}
  if not ok then finish_one('request returned false') end
end

callback = function(err, data)
  if not err and tostring(data) ~= want then err = 'wrong reply' end
  finish_one(err)
  if started < n then start() end
end

for _ = 1, math.min(inflight, n) do start() end
