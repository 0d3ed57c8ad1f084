-- "on_connect, pure probe" (HEAD): read = false and no data: on_connect fires, then the connection ends
-- without calling the callback (the silent server never closes: the end is the client's)
-- @max-seconds: 3
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.host, port = servers.silent, read = false,
  on_connect = function(...) report('on_connect', ...) end,
  callback = function(...) report('cb', ...) end})
