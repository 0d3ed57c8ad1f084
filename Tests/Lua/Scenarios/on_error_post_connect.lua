-- functional test "on_error not fired post-connect" (HEAD): connected, then read_timeout expires: the callback gets
-- IO timeout, on_error is not called
-- @min-seconds: 0.4
-- @max-seconds: 2
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.silent, data = 'GET /timeout HTTP/1.1\r\nConnection: close\r\n\r\n',
  stop_pattern = '\r\n\r\n', connect_timeout = 2, read_timeout = 0.5, write_timeout = 2,
  on_error = function(...) report('on_error', ...) end,
  callback = function(...) report('cb', ...) end}
