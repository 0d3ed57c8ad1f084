-- an error raised in on_error is logged as on_error callback call failed and swallowed; the callback is not called
-- @log: on_error callback call failed:
-- @log: on-error-boom
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.closed, data = 'hi\r\n',
  on_error = function(err) print('on_error', err); error('on-error-boom') end,
  callback = function(...) report('cb', ...) end}
