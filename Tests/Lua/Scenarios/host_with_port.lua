-- "host with port": the port inside host is overwritten by port (absent: 0): refused
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.host .. ':' .. servers.lines, data = 'hi\r\n',
  callback = function(...) report('cb', ...) end})
