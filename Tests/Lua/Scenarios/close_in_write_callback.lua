-- close() inside a write callback with a read queued (rspamd 4.1.3 fixed a double release here): nothing else runs
-- @max-seconds: 2
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', read = false, callback = function(...)
  report('w', ...)
  local _, conn = ...
  conn:add_read(function(...) report('r', ...) end, '\r\n')
  conn:close()
  conn:close()
  print('closed twice')
end}
