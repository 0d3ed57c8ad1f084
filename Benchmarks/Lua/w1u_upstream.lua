-- W1U: W1 (w1_request.lua) through an upstream list: arg[1] is a definition of two upstreams, and each request takes
-- list:get_upstream_round_robin() and passes upstream = up instead of host and port, so the backends take turns.
-- Prints "result OK BAD FIRST_ERROR" when the last reply is in.
local tcp = require 'rspamd_tcp'
local upstream_list = require 'rspamd_upstream_list'
local definition = arg[1]
local n, inflight, size = tonumber(arg[2]), tonumber(arg[3]), tonumber(arg[4])
local want = string.rep('x', size - 1)
local message = want .. '\n'
local started, done, bad, first = 0, 0, 0, 'none'

local list = upstream_list.create(rspamd_config, definition)
-- A definition that did not give two upstreams would measure something else: fail the run instead.
if not list or #list:all_upstreams() ~= 2 then
  print(string.format('result 0 %d %s', n, 'definition did not give two upstreams: ' .. tostring(definition)))
  return
end

local callback
local function finish_one(err)
  done = done + 1
  if err then
    bad = bad + 1
    if first == 'none' then first = err end
  end
  if done == n then
    -- Both backends healthy: two picks in a row must name both (else the run measured one backend only).
    if list:get_upstream_round_robin():get_name() == list:get_upstream_round_robin():get_name() then
      bad, first = bad + 1, 'round robin did not alternate'
    end
    print(string.format('result %d %d %s', n - bad, bad, first))
  end
end

local function start()
  started = started + 1
  local up = list:get_upstream_round_robin()
  local ok = tcp.request{upstream = up, data = message, stop_pattern = '\n', timeout = 30, callback = callback}
  if not ok then finish_one('request returned false') end
end

callback = function(err, data)
  if not err and tostring(data) ~= want then err = 'wrong reply' end
  finish_one(err)
  if started < n then start() end
end

for _ = 1, math.min(inflight, n) do start() end
