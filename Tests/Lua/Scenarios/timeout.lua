-- "timeout": silent peer; timeout = 1 with data, timeout = 0.5 read-only: both IO timeout, the shorter first
-- @min-seconds: 0.9
-- @max-seconds: 3
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.host, port = servers.silent, data = 'hi\r\n', timeout = 1,
  callback = function(...) report('rw', ...) end})
print('ret', tcp.request{host = servers.host, port = servers.silent, timeout = 0.5,
  callback = function(...) report('ro', ...) end})
