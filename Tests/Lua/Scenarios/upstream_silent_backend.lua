-- A backend that accepts and never answers goes dead after max-errors requests (rspamd 3.4 counts ok() after each
-- write, so such a backend stays in rotation for ever; here a request reports once: its first fatal error, or ok()
-- at its first completed read).
-- @max-seconds: 10
local ul = require "rspamd_upstream_list"
local tcp = require "rspamd_tcp"
local silent = servers.host .. ':' .. servers.silent
local l = ul.create(rspamd_config, silent .. ',' .. servers.host .. ':' .. servers.lines)
l:add_watcher('offline', function(event, up, errors) print('watch', event, up:get_name() == silent, errors) end)
local out = {}
local n = 0
local function step()
  n = n + 1
  if n > 10 then
    print(table.concat(out, ' '))
    return
  end
  local up = l:get_upstream_round_robin()
  tcp.request{upstream = up, data = 'x\r\n', stop_pattern = '\r\n', timeout = 0.3, callback = function(err)
    out[#out + 1] = (up:get_name() == silent and 'S' or 'L') .. (err == 'IO timeout' and '!' or '')
    step()
  end}
end
step()
