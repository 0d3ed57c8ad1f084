-- "on_connect": on_connect(conn), one argument, before the read callback
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n',
  on_connect = function(...) report('on_connect', ...) end,
  callback = function(...) report('cb', ...) end})
