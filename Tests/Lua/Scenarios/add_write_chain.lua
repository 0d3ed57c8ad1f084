-- "add_write chain": add_write(cb, {'more', 'data', '\r\n'}) returns true, the write callback gets (nil, conn),
-- and a read chained from it gets the server's answer
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.banner, stop_pattern = '\r\n', callback = function(...)
  report('cb', ...)
  local _, _, conn = ...
  print('add_write', conn:add_write(function(...)
    report('w', ...)
    local _, c = ...
    c:add_read(function(...) report('r', ...) end, '\r\n')
  end, {'more', 'data', '\r\n'}))
end}
