-- slow drip with read_timeout = 1 (phased, HEAD): the read timer restarts after each chunk: success after ~2.4 s
-- @min-seconds: 2
-- @max-seconds: 5
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.drip, stop_pattern = '\r\n', read_timeout = 1,
  callback = function(...) report('cb', ...) end}
