-- "banner read-only": no data, a pattern, the peer greets first
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.banner, stop_pattern = '\r\n',
  callback = function(...) report('cb', ...) end}
