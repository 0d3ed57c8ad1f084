-- Lua and every connection actor on one thread (HOCON.conf connection-dispatcher): sync connections, concurrent
-- async requests, a partial stream and a timeout behave as with the default dispatchers. One after the other.
-- @hocon: actortcp.lua-dispatcher { type = ForkJoinDispatcher, throughput = 100, dedicated-thread-pool { thread-count = 1 } }
-- @hocon: actortcp.connection-dispatcher = "actortcp.lua-dispatcher"
-- @timeout: 30
local tcp = require "rspamd_tcp"
local ok, conn = tcp.connect_sync{host = servers.host, port = servers.banner, timeout = 5}
report('sync banner', conn:read_once())
report('sync write', conn:write('hello\r\n'))
report('sync reply', conn:read_once())
conn:close()

local function timeout_step()
  tcp.request{host = servers.host, port = servers.silent, data = 'x', timeout = 0.3,
    callback = function(err) print('timeout', err) end}
end

local function partial_step()
  tcp.request{host = servers.host, port = servers.chunked, partial = true, timeout = 5,
    callback = function(err, data)
      report('partial', err, data)
      if err then timeout_step() end
    end}
end

local N, done, correct = 200, 0, 0
for i = 1, N do
  local want = 'req' .. i
  tcp.request{host = servers.host, port = servers.many, data = want .. '\n', stop_pattern = '\n', timeout = 10,
    callback = function(err, data)
      done = done + 1
      if not err and tostring(data) == want then correct = correct + 1 end
      if done == N then
        print('async', correct, 'of', N)
        partial_step()
      end
    end}
end
