-- a request to a unix socket path (host starts with /), with data, a pattern and a chained read
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.unix, data = 'ping\r\n', stop_pattern = '\r\n', callback = function(...)
  report('cb', ...)
  local _, _, conn = ...
  conn:add_read(function(...) report('cb2', ...) end, '\r\n')
end})
