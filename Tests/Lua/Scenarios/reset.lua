-- the peer reads the request and resets the connection: IO read error with the strerror text
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.reset, data = 'hi\r\n', stop_pattern = '\r\n',
  callback = function(...) report('cb', ...) end}
