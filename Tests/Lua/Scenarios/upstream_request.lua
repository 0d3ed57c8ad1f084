-- request{upstream = u}: a refused backend collects one failure per request (watchers see each, as turns of their own
-- after the callback), dies at the fourth, and round robin then gives only the live one; a success reports nothing.
-- @max-seconds: 10
local ul = require "rspamd_upstream_list"
local tcp = require "rspamd_tcp"
local closed = servers.host .. ':' .. servers.closed
local l = ul.create(rspamd_config, closed .. ',' .. servers.host .. ':' .. servers.lines)
l:add_watcher({'failure', 'offline', 'success'}, function(event, up, errors)
  print('watch', event, up:get_name() == closed and 'closed' or 'lines', errors)
end)
local n = 0
local function step()
  n = n + 1
  if n > 10 then return end
  local up = l:get_upstream_round_robin()
  local which = up:get_name() == closed and 'closed' or 'lines'
  local i = n
  tcp.request{upstream = up, data = 'x\r\n', stop_pattern = '\r\n', timeout = 2, callback = function(err, data)
    print(i, which, err or tostring(data))
    step()
  end}
end
step()
