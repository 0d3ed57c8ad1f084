-- "slow drip", HEAD: timeout is one budget for the connection's life: IO timeout after ~1 s although every
-- dot comes within 0.4 s (3.4 restarted the timer per event and succeeded)
-- @min-seconds: 0.9
-- @max-seconds: 2.2
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.drip, stop_pattern = '\r\n', timeout = 1,
  callback = function(...) report('cb', ...) end}
