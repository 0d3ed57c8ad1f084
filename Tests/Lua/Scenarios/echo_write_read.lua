-- a write with callback then a read: write (nil, conn) before the echoed bytes arrive
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.echo, data = 'hello\r\n', read = false, callback = function(...)
  report('w', ...)
  local _, conn = ...
  conn:add_read(function(...) report('r', ...) end, '\r\n')
end}
