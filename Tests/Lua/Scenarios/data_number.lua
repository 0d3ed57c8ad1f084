-- "data = number": ignored, the request is read-only (the banner server shows nothing was sent before ping)
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.host, port = servers.banner, data = 123, stop_pattern = '\r\n',
  callback = function(...)
    report('cb', ...)
    local _, _, conn = ...
    conn:add_write(nil, 'ping\r\n')
    conn:add_read(function(...) report('cb2', ...) end, '\r\n')
  end})
