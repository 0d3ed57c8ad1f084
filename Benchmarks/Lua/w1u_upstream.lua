-- W1U and its baseline W1P: W1 (w1_request.lua) over two backends, HOST:PORT1 and HOST:PORT2. MODE 'upstream' (W1U):
-- each request takes list:get_upstream_round_robin() from a list of the two and passes upstream = up instead of host
-- and port. MODE 'ports' (W1P): each request passes host and the next port itself. Only that line differs, so the two
-- rows differ by what the upstream list costs. Prints "result OK BAD FIRST_ERROR" when the last reply is in.
local tcp = require 'rspamd_tcp'
local upstream_list = require 'rspamd_upstream_list'
local mode, host, port1, port2 = arg[1], arg[2], tonumber(arg[3]), tonumber(arg[4])
local n, inflight, size = tonumber(arg[5]), tonumber(arg[6]), tonumber(arg[7])
local want = string.rep('x', size - 1)
local message = want .. '\n'
local started, done, bad, first = 0, 0, 0, 'none'
local callback

local send
if mode == 'upstream' then
  local list = upstream_list.create(rspamd_config, string.format('%s:%d,%s:%d', host, port1, host, port2))
  -- A list without two upstreams would measure something else: fail the run instead.
  if not list or #list:all_upstreams() ~= 2 then error('the definition did not give two upstreams') end
  send = function()
    local up = list:get_upstream_round_robin()
    return tcp.request{upstream = up, data = message, stop_pattern = '\n', timeout = 30, callback = callback}
  end
  -- Both backends healthy: two picks in a row must name both (else the run measured one backend only).
  local a, b = list:get_upstream_round_robin():get_name(), list:get_upstream_round_robin():get_name()
  if a == b then error('round robin did not alternate: ' .. a) end
else
  local ports = {port1, port2}
  send = function()
    return tcp.request{host = host, port = ports[started % 2 + 1], data = message, stop_pattern = '\n', timeout = 30,
      callback = callback}
  end
end

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
  if not send() then finish_one('request returned false') end
end

callback = function(err, data)
  if not err and tostring(data) ~= want then err = 'wrong reply' end
  finish_one(err)
  if started < n then start() end
end

for _ = 1, math.min(inflight, n) do start() end
