-- "on_connect adds read": the read added by on_connect runs after the request's own read
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n',
  on_connect = function(conn)
    print('on_connect')
    conn:add_read(function(...) report('cb2', ...) end, '\r\n')
  end,
  callback = function(...) report('cb', ...) end}
