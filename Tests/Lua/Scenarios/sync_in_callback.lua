-- (docs/lua-api.md#coroutines) the sync API works inside async callbacks (every callback runs in a host coroutine)
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.banner, stop_pattern = '\r\n', callback = function(err, data, conn)
  print('async', err, tostring(data))
  local ok, s = tcp.connect_sync{host = servers.host, port = servers.banner}
  report('sync connect', ok, s)
  report('sync read', s:read_once())
  report('sync write', s:write('ping\r\n'))
  report('sync read', s:read_once())
  s:close()
  conn:add_write(function(e) print('async write', e) end, 'pong\r\n')
  conn:add_read(function(e, d) print('async read', e, tostring(d)) end, '\r\n')
end}
