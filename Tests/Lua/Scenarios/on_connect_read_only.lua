-- "on_connect, read-only" (HEAD): called for a request without data too
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.banner, stop_pattern = '\r\n',
  on_connect = function(...) report('on_connect', ...) end,
  callback = function(...) report('cb', ...) end}
