-- a pure probe with on_connect only, to a closed port: nothing has a callback, nothing is called
-- @max-seconds: 2
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.host, port = servers.closed, read = false,
  on_connect = function(...) report('on_connect', ...) end,
  callback = function(...) report('cb', ...) end})
