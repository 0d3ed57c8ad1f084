-- W4: N connections held open and idle, each a read-only request waiting for a line that only comes when the
-- benchmark makes the server drop them. Prints "ready N" once all are connected (the benchmark measures memory
-- then), and "result CONNECTED CLOSED FIRST_ERROR" when all have ended.
local tcp = require 'rspamd_tcp'
local host, port, n = arg[1], tonumber(arg[2]), tonumber(arg[3])
local connected, ended, first = 0, 0, 'none'

local function on_end(err)
  ended = ended + 1
  if first == 'none' then first = err or 'no error' end
  if ended == n then print(string.format('result %d %d %s', connected, ended, first)) end
  if ended == n and connected < n then print('ready failed') end
end

for _ = 1, n do
  local ok = tcp.request{host = host, port = port, stop_pattern = '\n', timeout = 600,
    on_connect = function()
      connected = connected + 1
      if connected == n then print('ready ' .. connected) end
    end,
    callback = function(err) on_end(err) end}
  if not ok then on_end('request returned false') end
end
