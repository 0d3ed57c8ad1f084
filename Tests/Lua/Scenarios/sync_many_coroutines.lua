-- Issue 5: 1000 coroutines (the callbacks of 1000 async requests), each doing 20 write/read round trips on its own
-- sync connection, interleaved with the async requests of the same script: all complete with correct data
-- @timeout: 90
local tcp = require "rspamd_tcp"
local async_ok, sync_ok, failures = 0, 0, {}
for i = 1, 1000 do
  tcp.request{host = servers.host, port = servers.many, data = 'async ' .. i .. '\n', stop_pattern = '\n', timeout = 30,
    callback = function(err, data)
      if not err and tostring(data) == 'async ' .. i then async_ok = async_ok + 1 end
      local ok, conn = tcp.connect_sync{host = servers.host, port = servers.many_echo, timeout = 30}
      if not ok then failures[#failures + 1] = conn return end
      local good = true
      for j = 1, 20 do
        local line = string.format('%d-%d\n', i, j)
        local wok, werr = conn:write(line)
        local rok, reply = conn:read_once()
        if not wok or not rok or reply ~= line then
          good = false
          failures[#failures + 1] = tostring(werr) .. ' ' .. tostring(reply)
          break
        end
      end
      conn:close()
      if good then sync_ok = sync_ok + 1 end
      if async_ok + #failures == 1000 or sync_ok + #failures == 1000 then
        if sync_ok + #failures == 1000 then
          print('async ok', async_ok, 'sync ok', sync_ok, 'failures', #failures, failures[1])
        end
      end
    end}
end
