-- on_error with a read queued: a refused connect goes to on_error only, the read callback is not called
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.closed, data = 'hi\r\n', stop_pattern = '\r\n',
  on_error = function(...) report('on_error', ...) end,
  callback = function(...) report('cb', ...) end}
