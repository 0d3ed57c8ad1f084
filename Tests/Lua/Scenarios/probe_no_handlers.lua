-- read = false, no data, neither on_connect nor on_error: request returns true, nothing is ever called, the
-- connection ends at once
-- @max-seconds: 2
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.host, port = servers.silent, read = false,
  callback = function(...) report('cb', ...) end})
