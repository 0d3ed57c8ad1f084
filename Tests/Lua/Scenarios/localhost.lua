-- localhost never goes to DNS (docs/lua-api.md#addresses-and-dns): 127.0.0.1 is tried first
local tcp = require "rspamd_tcp"
tcp.request{host = 'localhost', port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n',
  callback = function(...) report('cb', ...) end}
