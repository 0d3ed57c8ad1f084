-- W8's workload for real rspamd (not for ActorTcp: it needs rspamadm's globals), to compare handshakes:
-- N requests, INFLIGHT at a time, each a new TLS connection (ssl_noverify) writing a SIZE-byte line and reading it
-- echoed; each reply starts the next request, as in w1_request.lua. rspamadm lua gives no task, so the request takes
-- rspamadm's event base, config and session; the event loop runs until the last reply, then the script exits (the
-- loop would not end by itself). Prints "result OK BAD FIRST_ERROR SECONDS REQUESTS_PER_SECOND", timed from the
-- first request to the last reply (rspamadm's start-up excluded).
--
--   python3 Benchmarks/Server/tls_echo_server.py cert.pem key.pem --report > server.log &   # prints "listening PORT"
--   /usr/bin/time -v rspamadm lua -a PORT -a 2000 -a 50 -a 10 -a 127.0.0.1 -b Benchmarks/Lua/rspamd_w8.lua
local tcp = require 'rspamd_tcp'
local util = require 'rspamd_util'
local port = tonumber(arg[1])
local n, inflight, size = tonumber(arg[2]), tonumber(arg[3]), tonumber(arg[4])
local host = arg[5] or '127.0.0.1'
local want = string.rep('x', size - 1)
local message = want .. '\n'
local started, done, bad, first = 0, 0, 0, 'none'
local t0

local callback
local function finish_one(err)
  done = done + 1
  if err then
    bad = bad + 1
    if first == 'none' then first = tostring(err):gsub('%s', '_') end
  end
  if done == n then
    local seconds = util.get_time() - t0
    print(string.format('result %d %d %s %.3f %.0f', n - bad, bad, first, seconds, n / seconds))
    io.stdout:flush()
    os.exit(bad == 0 and 0 or 1)
  end
end

local function start()
  started = started + 1
  local ok = tcp.request{host = host, port = port, data = message, stop_pattern = '\n', timeout = 30,
    ssl = true, ssl_noverify = true, callback = callback,
    ev_base = rspamadm_ev_base, config = rspamd_config, session = rspamadm_session}
  if not ok then finish_one('request returned false') end
end

callback = function(err, data)
  if not err and tostring(data) ~= want then err = 'wrong reply' end
  finish_one(err)
  if started < n then start() end
end

t0 = util.get_time()
for _ = 1, math.min(inflight, n) do start() end
rspamadm_ev_base:loop()
