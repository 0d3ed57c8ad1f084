-- functional test "phased timeouts on success path" (HEAD)
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.lines, data = {'GET /request HTTP/1.1\r\n', 'Connection: close\r\n\r\n'},
  connect_timeout = 2, read_timeout = 2, write_timeout = 2,
  callback = function(...) report('cb', ...) end}
