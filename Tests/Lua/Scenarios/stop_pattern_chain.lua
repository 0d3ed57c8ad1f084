-- "stop pattern chain": pattern \r\n, each callback adds add_read(cb, '\r\n'); after line1 and line2 the peer
-- closes (~1 s) and the last read gets the EOF error
local tcp = require "rspamd_tcp"
local function cb(...)
  report('cb', ...)
  local err, _, conn = ...
  if not err then conn:add_read(cb, '\r\n') end
end
print('ret', tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n', callback = cb})
