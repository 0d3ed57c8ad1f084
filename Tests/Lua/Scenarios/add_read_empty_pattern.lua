-- "add_read(cb, '')": an empty pattern means none: the leftover line2\r\n is delivered whole, without a read
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n', callback = function(...)
  report('cb', ...)
  local _, _, conn = ...
  conn:add_read(function(...) report('cb2', ...) end, '')
end}
