-- "add_read(nil)": a read without callback consumes line2 silently; the next read gets the EOF error
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n', callback = function(...)
  report('cb', ...)
  local _, _, conn = ...
  conn:add_read(nil, '\r\n')
  conn:add_read(function(...) report('r2', ...) end, '\r\n')
end}
