-- "data table with number": request returns false (logged) and no callback is ever called
-- @max-seconds: 2
-- @log: tcp request has bad data argument at pos
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.host, port = servers.banner, data = {'a', 5}, stop_pattern = '\r\n',
  callback = function(...) report('cb', ...) end})
